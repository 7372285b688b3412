"""PyTorch side of `runbook bench` row x2-loop: the x² tutorial's 10,000-step training loop.

Run with `pip install torch numpy && python3 bench/x2_loop.py` (2 threads, as on this machine).
Prints the median, fastest and slowest of 5 runs after a warm-up, in seconds.
"""
import statistics
import time

import numpy as np
import torch


def run(steps=10_000):
    torch.manual_seed(2)
    np.random.seed(2)
    x = torch.tensor(np.random.uniform(-3, 3, size=(20, 1)).astype("float32"))
    y = x ** 2
    net = torch.nn.Sequential(torch.nn.Linear(1, 10), torch.nn.ReLU(), torch.nn.Linear(10, 1))
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.001)
    for _ in range(steps):
        loss = criterion(net(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


if __name__ == "__main__":
    torch.set_num_threads(2)
    run(1000)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    print(f"x2-loop torch {torch.__version__}: median {statistics.median(times):.3f} s, "
          f"min {min(times):.3f} s, max {max(times):.3f} s")
