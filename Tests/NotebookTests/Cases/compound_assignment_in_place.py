# PyTorch twin of compound_assignment_in_place.swift: prints its `// expect:` lines.
import torch

a = torch.tensor([1.0, 2.0])
alias = a
a += 1
print(alias)
a *= torch.tensor([2.0, 10.0])
a -= 0.5
a /= 2
print(alias)
for row in torch.zeros(2, 2):
    row += 1
rows = torch.zeros(2, 2)
for row in rows:
    row += 1
print(rows)
n = torch.tensor([1, 2])
n += 1
print(n)

torch.manual_seed(0)
w = torch.randn(3, requires_grad=True)
before = w
loss = (w * w).sum()
loss.backward()
with torch.no_grad():
    w -= 0.1 * w.grad
print("true" if before is w else "false", str(w.requires_grad).lower(), str(w.is_leaf).lower())
print(w)
try:
    w -= 0.1 * w.grad
except RuntimeError as e:
    print("error:", e)
