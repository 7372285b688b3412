"""PyTorch side of `runbook bench --compare`: the same workloads, timed the same way.

    pip install torch numpy
    python3 bench/torch_bench.py [--only NAME] [--runs N] [--json]

Rows: x2-loop, mlp-epoch-fashion, convnet-simple-epoch-fashion, convnet-relu-epoch-fashion,
mlp-inference-10k, gemm-1024, mlp-peak-rss. Threads: 2 (this machine's cores).
"""
import argparse
import gzip
import json
import resource
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
FASHION = "/usr/share/datasets/fashion-mnist"


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion(train):
    p = "train" if train else "t10k"
    x = torch.tensor(idx(f"{FASHION}/{p}-images-idx3-ubyte.gz"), dtype=torch.float32).div(255).sub(0.2860).div(0.3530)
    y = torch.tensor(idx(f"{FASHION}/{p}-labels-idx1-ubyte.gz"), dtype=torch.int64)
    return x.unsqueeze(1), y


def x2_loop():
    torch.manual_seed(2)
    np.random.seed(2)
    x = torch.tensor(np.random.uniform(-3, 3, size=(20, 1)).astype("float32"))
    y = x ** 2
    net = nn.Sequential(nn.Linear(1, 10), nn.ReLU(), nn.Linear(10, 1))
    opt = torch.optim.SGD(net.parameters(), lr=0.001)
    for _ in range(10_000):
        loss = F.mse_loss(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10), nn.LogSoftmax(dim=1))


class Conv(nn.Module):
    def __init__(self, two, act):
        super().__init__()
        self.two, self.act = two, act
        self.conv1 = nn.Conv2d(1, 20, 5)
        if two:
            self.conv2 = nn.Conv2d(20, 40, 5)
        self.fc1 = nn.Linear(640 if two else 2880, 100)
        self.fc2 = nn.Linear(100, 10)

    def forward(self, x):
        x = F.max_pool2d(self.act(self.conv1(x)), 2)
        if self.two:
            x = F.max_pool2d(self.act(self.conv2(x)), 2)
        return self.fc2(self.act(self.fc1(x.flatten(1))))


def epoch(model, data, batch, lr, loss_fn, wd=0.0):
    opt = torch.optim.SGD(model.parameters(), lr=lr, weight_decay=wd)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(*data), batch_size=batch, shuffle=True)
    for xb, yb in loader:
        opt.zero_grad()
        loss_fn(model(xb), yb).backward()
        opt.step()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    results = []

    def timed(name, fn, runs, **extra):
        if a.only and a.only != name:
            return
        fn()
        times = []
        for _ in range(runs):
            s = time.perf_counter()
            fn()
            times.append(time.perf_counter() - s)
        results.append(dict(name=name, median_s=statistics.median(times), min_s=min(times), max_s=max(times), **extra))

    timed("x2-loop", x2_loop, a.runs)
    need_data = not a.only or a.only != "x2-loop" and a.only != "gemm-1024"
    if need_data:
        train, test = fashion(True), fashion(False)
        torch.manual_seed(0)
        m = mlp()
        timed("mlp-epoch-fashion", lambda: epoch(m, train, 64, 0.03, F.nll_loss), a.runs)
        if not a.only or a.only == "mlp-peak-rss":
            results.append(dict(name="mlp-peak-rss", median_s=0, min_s=0, max_s=0,
                                peak_rss_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))
        c = Conv(False, torch.sigmoid)
        timed("convnet-simple-epoch-fashion", lambda: epoch(c, train, 10, 0.1, F.cross_entropy), 1)
        r = Conv(True, torch.relu)
        timed("convnet-relu-epoch-fashion", lambda: epoch(r, train, 10, 0.03, F.cross_entropy, 5e-5), 1)
        m.eval()

        def infer():
            with torch.no_grad():
                for i in range(0, 10_000, 1000):
                    m(test[0][i:i + 1000])
        timed("mlp-inference-10k", infer, max(a.runs, 5))
    a1, b1 = torch.randn(1024, 1024), torch.randn(1024, 1024)
    timed("gemm-1024", lambda: torch.mm(a1, b1), max(a.runs, 10), gflops=0)
    for row in results:
        if row["name"] == "gemm-1024":
            row["gflops"] = 2 * 1024 ** 3 / row["median_s"] / 1e9
    if a.json:
        print(json.dumps(results))
    else:
        for row in results:
            print(row)


if __name__ == "__main__":
    main()
