# PyTorch twin of signatures_and_factories.swift: prints its `// expect:` lines.
import torch

torch.manual_seed(0)
print(list(torch.randn(2, 3).shape), list(torch.randn([2, 3]).shape), torch.zeros(2).dtype)
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
print(x.sum(1), x.sum(dim=0))
print(x.pow(torch.tensor([1.0, 2.0])))
print(torch.eye(2), torch.arange(3), torch.full([2], 7.0))
print(torch.ones(2, requires_grad=True))
print(list(torch.zeros_like(x).shape), torch.ones_like(x).sum())
import math
print(math.exp(0.0), abs(-3), torch.sqrt(torch.tensor([4.0])))
print(x.permute(1, 0))
print(torch.tensor([0, 3, 0, 5]).nonzero())
print(x.flatten(0, 1))
