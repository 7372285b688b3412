# PyTorch twin of relu_nan_and_differentiable_to.swift: prints its `// expect:` lines.
import torch

x = torch.tensor([float("nan"), -1.0, 0.0, 2.0], requires_grad=True)
print(x.relu())
y = x.relu()
y.backward(torch.tensor([1.0, float("inf"), float("inf"), 3.0]))
print(x.grad)
a = torch.tensor([1.5, -2.0], requires_grad=True)
b = a.to(torch.float64)
print(b)
(b * b).sum().backward()
print(a.grad)
print(4.2 - a)
print(a / 2)
print(a.pow(2), a.pow(torch.tensor([2.0, 3.0])))
