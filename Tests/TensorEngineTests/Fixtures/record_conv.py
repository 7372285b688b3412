"""Records conv2d / max_pool2d / Adam values from PyTorch for MNISTEngineTests.swift.

Regenerate with `pip install torch && python3 record_conv.py > conv.json`.
"""
import json

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
x = (torch.arange(2 * 2 * 7 * 6, dtype=torch.float32).reshape(2, 2, 7, 6) * 0.37).sin()
w = (torch.arange(3 * 2 * 3 * 3, dtype=torch.float32).reshape(3, 2, 3, 3) * 0.21).cos()
b = torch.tensor([0.1, -0.2, 0.3])
out = {
    "x": x.flatten().tolist(), "x_shape": list(x.shape),
    "w": w.flatten().tolist(), "w_shape": list(w.shape), "b": b.tolist(),
    "conv": F.conv2d(x, w, b).flatten().tolist(),
    "conv_stride2_pad1": F.conv2d(x, w, b, stride=2, padding=1).flatten().tolist(),
    "pool2": F.max_pool2d(x, 2).flatten().tolist(),
    "pool3_stride2": F.max_pool2d(x, 3, stride=2).flatten().tolist(),
}
p = torch.tensor([0.5, -1.25, 2.0], requires_grad=True)
opt = torch.optim.Adam([p], lr=0.1, weight_decay=0.01)
traj = []
for _ in range(5):
    opt.zero_grad()
    ((p - torch.tensor([1.0, 2.0, 3.0])) ** 2).sum().backward()
    opt.step()
    traj.append(p.detach().tolist())
out["adam"] = traj
# The machine and build this was recorded on (PyTorch's numbers can depend on both).
out["header"] = {
    "cpu": open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].split(":", 1)[1].strip(),
    "capability": torch.backends.cpu.get_cpu_capability(), "torch": torch.__version__, "threads": torch.get_num_threads(),
}
print(json.dumps(out))
