"""Records torch.optim.SGD trajectories and loss values for OptimTests.swift.

Regenerate with `pip install torch && python3 record_optim.py > optim.json`.
"""
import json

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)


def bits(t):
    return ["0x%08x" % v for v in t.detach().numpy().astype(np.float32).ravel().view(np.uint32)]


out = {"sgd": {}, "losses": {}}
configs = {
    "plain": dict(lr=0.1),
    "momentum": dict(lr=0.1, momentum=0.9),
    "dampening": dict(lr=0.1, momentum=0.9, dampening=0.5),
    "nesterov": dict(lr=0.05, momentum=0.8, nesterov=True),
    "weight_decay": dict(lr=0.1, momentum=0.5, weight_decay=0.01),
}
for name, cfg in configs.items():
    p = torch.tensor([0.5, -1.25, 2.0], requires_grad=True)
    opt = torch.optim.SGD([p], **cfg)
    traj = []
    for step in range(5):
        opt.zero_grad()
        loss = ((p - torch.tensor([1.0, 2.0, 3.0])) ** 2 * torch.tensor([1.0, 0.5, 2.0])).sum()
        loss.backward()
        opt.step()
        traj.append(bits(p))
    out["sgd"][name] = {"config": cfg, "trajectory": traj}

x = torch.tensor([[0.2, -1.0, 0.5, 2.0], [1.5, 0.1, -0.3, 0.0], [-0.7, 0.8, 0.9, -1.2]])
labels = torch.tensor([3, 0, 2])
probs = torch.tensor([0.1, 0.8, 0.35, 0.999])
targets = torch.tensor([0.0, 1.0, 1.0, 0.0])
for red in ("mean", "sum", "none"):
    out["losses"]["cross_entropy_" + red] = bits(nn.CrossEntropyLoss(reduction=red)(x, labels))
    out["losses"]["nll_" + red] = bits(nn.NLLLoss(reduction=red)(torch.log_softmax(x, 1), labels))
    out["losses"]["bce_" + red] = bits(nn.BCELoss(reduction=red)(probs, targets))
    out["losses"]["mse_" + red] = bits(nn.MSELoss(reduction=red)(x, x.flip(0)))
out["softmax"] = bits(torch.softmax(x, 1))
out["log_softmax"] = bits(torch.log_softmax(x, 1))
# The machine and build this was recorded on (PyTorch's numbers can depend on both).
out["header"] = {
    "cpu": open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].split(":", 1)[1].strip(),
    "capability": torch.backends.cpu.get_cpu_capability(), "torch": torch.__version__, "threads": torch.get_num_threads(),
}
print(json.dumps(out, indent=1))
