# "What is torch.nn really?" — pytorch/tutorials beginner_source/nn_tutorial.py, its first part:
# "Neural net from scratch (without torch.nn)", logistic regression with hand-written
# log_softmax, nll and accuracy. Changed: the data are Runbook's MNIST 5k training digits
# (Data/mnist_5k.csv.gz, rows i % 500 < 400, pixels / 255) instead of the downloaded MNIST,
# shuffled once with torch.randperm; torch.manual_seed(0); shapes as lists. Run from the
# repository root after `make setup`.
import gzip
import math

import numpy as np
import torch

rows = np.loadtxt(gzip.open("Data/mnist_5k.csv.gz"), delimiter=",", dtype=np.int64)
rows = rows[np.arange(len(rows)) % 500 < 400]
torch.manual_seed(0)
order = torch.randperm(len(rows))
x_train = (torch.tensor(rows[:, :784], dtype=torch.float32) / 255)[order]
y_train = torch.tensor(rows[:, 784])[order]
n, c = x_train.shape
print(list(x_train.shape), y_train.min(), y_train.max())

weights = torch.randn(784, 10) / math.sqrt(784)
weights.requires_grad_()
bias = torch.zeros(10, requires_grad=True)


def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)


def model(xb):
    return log_softmax(xb @ weights + bias)


bs = 64  # batch size

xb = x_train[0:bs]  # a mini-batch from x
preds = model(xb)  # predictions
print(f"{preds[0][0].item():.4f}", list(preds.shape))


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()


loss_func = nll

yb = y_train[0:bs]
print(f"{loss_func(preds, yb).item():.4f}")


def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()


print(accuracy(preds, yb))

lr = 0.5  # learning rate
epochs = 2  # how many epochs to train for

for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()
    print(f"epoch {epoch}: loss {loss_func(model(xb), yb).item():.4f}, accuracy {accuracy(model(xb), yb).item():.4f}")
