# PyTorch twin of layers_losses_optimizers.swift: prints its `// expect:` lines.
import torch
import torch.nn as nn

print(nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(), nn.ELU(), nn.GELU(), nn.Softplus(), nn.Identity(), nn.BatchNorm1d(3)))
torch.manual_seed(0)
emb = nn.Embedding(4, 2)
print(emb, emb(torch.tensor([3, 0, 3])))
y = torch.tensor([0.5, -1.0, 2.0])
t = torch.tensor([0.0, 0.0, 1.0])
print(nn.L1Loss()(y, t), nn.HuberLoss(delta=0.75)(y, t), nn.SmoothL1Loss(reduction="sum")(y, t), nn.BCEWithLogitsLoss()(y, t))
bn = nn.BatchNorm1d(2)
out = bn(torch.tensor([[1.0, 2.0], [3.0, 6.0], [5.0, 1.0]]))
print(out, bn.running_mean, bn.running_var)
bn.eval()
print(bn(torch.tensor([[1.0, 2.0]])))

def trajectory(make, steps=5):
    torch.manual_seed(1)
    w = torch.randn(3, requires_grad=True)
    opt = make([w])
    out = []
    for _ in range(steps):
        loss = ((w - torch.tensor([1.0, -2.0, 0.5])) ** 2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return w

print(trajectory(lambda p: torch.optim.AdamW(p, lr=0.1)))
print(trajectory(lambda p: torch.optim.RMSprop(p, lr=0.01)))
print(trajectory(lambda p: torch.optim.Adagrad(p, lr=0.5)))
print(trajectory(lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)))
torch.manual_seed(1)
w = torch.randn(3, requires_grad=True)
opt = torch.optim.SGD([w], lr=1.0)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
lrs = []
for _ in range(5):
    opt.step()
    sched.step()
    lrs.append(sched.get_last_lr()[0])
print(lrs)
