# "Automatic Differentiation with torch.autograd" (Learn the Basics) — pytorch/tutorials
# beginner_source/basics/autogradqs_tutorial.py. Changed: torch.manual_seed(0); the grad_fn
# objects printed by name (their repr holds a memory address); booleans in lower case.
import torch

torch.manual_seed(0)
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

print(f"Gradient function for z = {type(z.grad_fn).__name__}")
print(f"Gradient function for loss = {type(loss.grad_fn).__name__}")

loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x, w)+b
print(str(z.requires_grad).lower())

with torch.no_grad():
    z = torch.matmul(x, w)+b
print(str(z.requires_grad).lower())

z = torch.matmul(x, w)+b
z_det = z.detach()
print(str(z_det.requires_grad).lower())

inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")
