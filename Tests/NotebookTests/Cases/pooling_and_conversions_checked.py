# PyTorch twin of pooling_and_conversions_checked.swift: prints its `// expect:` lines.
import torch

print(torch.tensor([1, 2]) * 1e20)
print(torch.tensor([1, 2]) * 2.0, torch.tensor([1, 2]) * 2)
print(torch.tensor([float("nan"), float("inf"), 3.7]).long())
try:
    torch.nn.functional.max_pool2d(torch.ones(1, 1, 4, 4) * 2, 7, stride=7)
except RuntimeError as e:
    print("error:", e)
