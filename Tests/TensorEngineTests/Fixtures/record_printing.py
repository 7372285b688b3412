"""Records how PyTorch prints tensors and modules, for PrintingTests.swift.

Regenerate with `pip install torch && python3 record_printing.py > printing.json`.
"""
import json

import torch
import torch.nn as nn

out = {}
torch.manual_seed(2)
net = nn.Sequential(nn.Linear(1, 5), nn.ReLU(), nn.Linear(5, 1))
out["weights1"] = repr(net[0].weight)
out["biases1"] = repr(net[0].bias)
out["weights2"] = repr(net[2].weight)
out["biases2"] = repr(net[2].bias)
out["relu_parameters"] = repr(list(net[1].parameters()))
out["network_1d"] = repr(net(torch.tensor([2.3])))
out["network_batch"] = repr(net(torch.tensor([[2.3], [1.7], [3.6]])))
out["sequential"] = repr(net)
out["arange10"] = repr(torch.arange(10))
out["arange2000"] = repr(torch.arange(2000))
out["sci"] = repr(torch.tensor([1e-5, 1.0]))
out["ints_as_float"] = repr(torch.tensor([1.0, 2.0]))
out["int_sci"] = repr(torch.tensor([1e9, 1.0]))
out["zeros23"] = repr(torch.zeros(2, 3))
out["zeros222"] = repr(torch.zeros(2, 2, 2))
torch.manual_seed(0)
out["randn40"] = repr(torch.randn(40))
torch.manual_seed(0)
out["randn34"] = repr(torch.randn(3, 4))
torch.manual_seed(0)
out["randn50x50"] = repr(torch.randn(50, 50))
out["bools"] = repr(torch.tensor([True, False]))
out["nonfinite"] = repr(torch.tensor([1.5, float("nan"), float("inf"), -float("inf")]))
out["float64"] = repr(torch.tensor([1.5], dtype=torch.float64))
out["empty"] = repr(torch.tensor([]))
out["empty_2d"] = repr(torch.zeros(0, 3))
out["empty_int"] = repr(torch.tensor([], dtype=torch.int64))
out["scalar"] = repr(torch.tensor(3.5))
out["int_scalar"] = repr(torch.tensor(2))
out["requires_grad"] = repr(torch.ones(2, requires_grad=True))
torch.manual_seed(0)
out["long_grad_fn"] = repr(torch.randn(9, requires_grad=True) * 2)
out["mixed_magnitudes"] = repr(torch.tensor([[0.5, -120.25], [3.0, 0.001]]))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden_layer = nn.Linear(1, 1)
        self.output_layer = nn.Linear(1, 1)


out["net"] = repr(Net())
out["mlp"] = repr(nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                                nn.Linear(64, 10), nn.LogSoftmax(dim=1)))
out["nested"] = repr(nn.Sequential(nn.Sequential(nn.Linear(2, 2, bias=False), nn.Tanh()), nn.Sigmoid(), nn.Softmax(dim=1)))
out["losses"] = [repr(nn.MSELoss()), repr(nn.CrossEntropyLoss()), repr(nn.NLLLoss()), repr(nn.BCELoss())]
# The machine and build this was recorded on (PyTorch's numbers can depend on both).
out["header"] = {
    "cpu": open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].split(":", 1)[1].strip(),
    "capability": torch.backends.cpu.get_cpu_capability(), "torch": torch.__version__, "threads": torch.get_num_threads(),
}
print(json.dumps(out, indent=1))
