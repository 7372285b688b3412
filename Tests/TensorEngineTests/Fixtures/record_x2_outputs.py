"""Records the x² tutorial networks' outputs from the PyTorch installed here (1 thread).

The shared goldens were recorded on a machine whose MKL rounds some of these outputs one or two
ulps differently; this file pins the engine to the PyTorch of this machine kind. Regenerate with
`pip install torch numpy && python3 record_x2_outputs.py > x2-outputs.json`.
"""
import json

import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(2)


def make_network(n):
    return torch.nn.Sequential(torch.nn.Linear(1, n), torch.nn.ReLU(), torch.nn.Linear(n, 1))


def bits(t):
    return ["0x%08x" % v for v in t.detach().numpy().astype(np.float32).ravel().view(np.uint32)]


out = {"torch": torch.__version__}
net5 = make_network(5)
out["net5_batch3"] = bits(net5(torch.tensor([[2.3], [1.7], [3.6]])))
out["net5_linspace_-3_3_301"] = bits(net5(torch.tensor(np.linspace(-3, 3, 301, dtype="float32").reshape(-1, 1))))
grid = torch.tensor(np.linspace(-4, 4, 300, dtype="float32").reshape(-1, 1))
for n in (1, 2, 1000):
    out["net%d_linspace_-4_4_300" % n] = bits(make_network(n)(grid))
# The machine and build this was recorded on (PyTorch's numbers can depend on both).
out["header"] = {
    "cpu": open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].split(":", 1)[1].strip(),
    "capability": torch.backends.cpu.get_cpu_capability(), "torch": torch.__version__, "threads": torch.get_num_threads(),
}
print(json.dumps(out, indent=1))
