# PyTorch twin of boolean_mask_and_index_tensors.swift: prints its `// expect:` lines.
import torch

x = torch.tensor([-1.0, 2.0, -3.0, 4.0])
print(x[x > 0])
m = torch.tensor([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
print(m[m < 0])
print(m[torch.tensor([1, 0, 1])])
print(m[:, torch.tensor([2, 0])])
logp = torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]])
print(logp[torch.arange(2), torch.tensor([2, 0])])
print(m[torch.tensor([True, False])])
print(m[[1, -2]])
print(list(m[torch.tensor([[0, 1], [1, 1]])].shape))
print(m[1, torch.tensor([0, 2])])

y = torch.tensor([-1.0, 2.0, -3.0, 4.0])
y[y < 0] = 0
print(y)
y[torch.tensor([0, 3])] = torch.tensor([10.0, 20.0])
print(y)
z = torch.zeros(2, 3)
z[z == 0] = torch.tensor(7.0)
z[torch.tensor([1]), torch.tensor([2])] = -1
print(z)
w = torch.zeros(3, 2)
w[torch.tensor([True, False, True])] = torch.tensor([1.0, 2.0])
print(w)

a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
picked = a[torch.tensor([0, 2, 2])]
print(picked)
(picked * picked).sum().backward()
print(a.grad)
b = torch.tensor([[1.0, -2.0], [3.0, -4.0]], requires_grad=True)
b[b > 0].sum().backward()
print(b.grad)
try:
    m[torch.tensor([0.0])]
except IndexError as e:
    print("error:", e)
