# Dive into Deep Learning, 2.5 "Automatic Differentiation" (d2l-ai/d2l-en,
# chapter_preliminaries/autograd.md, PyTorch tab). Changed: torch.manual_seed(0); booleans in
# lower case as the cell language prints them.
import torch

torch.manual_seed(0)
x = torch.arange(4.0)
print(x)
x.requires_grad_(True)
print("nil" if x.grad is None else x.grad)  # Swift prints None as nil
y = 2 * torch.dot(x, x)
print(y)
y.backward()
print("nil" if x.grad is None else x.grad)  # Swift prints None as nil
print(x.grad == 4 * x)

x.grad.zero_()  # Reset the gradient
y = x.sum()
y.backward()
print("nil" if x.grad is None else x.grad)  # Swift prints None as nil

x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(len(y)))  # Faster: y.sum().backward()
print("nil" if x.grad is None else x.grad)  # Swift prints None as nil

x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print(x.grad == u)

x.grad.zero_()
y.sum().backward()
print(x.grad == 2 * x)


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
print(a.grad == d / a)
print(a, a.grad)
