"""PyTorch reference for Notebooks/convnets.md and Notebooks/mnist-dense.md.

Trains the nestedsoftware/pytorch networks on the MNIST 5k digits (stratified split: row i trains
iff i % 500 < 400), normalised with the training set's mean and std, batch 10,
DataLoader(TensorDataset, shuffle=True), torch.manual_seed(0) right before the model is built —
the settings the notebooks use. Prints the test accuracy after each epoch.

    pip install torch numpy
    python3 Notebooks/reference/nested.py simple 3        # or: relu 3, 2conv 3, dense 3
"""
import gzip
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
rows = np.loadtxt(gzip.open("Data/mnist_5k.csv.gz"), delimiter=",", dtype=np.float32)
images, labels = rows[:, :784] / 255.0, rows[:, 784].astype(np.int64)
train = np.arange(5000) % 500 < 400
mean, std = images[train].mean(), images[train].std()
x = torch.tensor((images - mean) / std).view(-1, 1, 28, 28)
y = torch.tensor(labels)
train_set = torch.utils.data.TensorDataset(x[train], y[train])
test_x, test_y = x[~train], y[~train]


class Conv(nn.Module):
    def __init__(self, two, act):
        super().__init__()
        self.two, self.act = two, act
        self.conv1 = nn.Conv2d(1, 20, 5)
        if two:
            self.conv2 = nn.Conv2d(20, 40, 5)
        self.fc1 = nn.Linear(640 if two else 2880, 100)
        self.fc2 = nn.Linear(100, 10)

    def forward(self, x):
        x = F.max_pool2d(self.act(self.conv1(x)), 2)
        if self.two:
            x = F.max_pool2d(self.act(self.conv2(x)), 2)
        return self.fc2(self.act(self.fc1(x.flatten(1))))


name, epochs = sys.argv[1], int(sys.argv[2])
torch.manual_seed(0)
if name == "dense":
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 100), nn.Sigmoid(), nn.Linear(100, 10), nn.Sigmoid())
    loss_fn = lambda out, t: F.mse_loss(out, F.one_hot(t, 10).float())
    opt = torch.optim.SGD(model.parameters(), lr=3.0)
else:
    model = Conv(name != "simple", torch.relu if name == "relu" else torch.sigmoid)
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.03 if name == "relu" else 0.1, weight_decay=0.00005 if name == "relu" else 0)
loader = torch.utils.data.DataLoader(train_set, batch_size=10, shuffle=True)
for epoch in range(epochs):
    for xb, yb in loader:
        opt.zero_grad()
        loss_fn(model(xb), yb).backward()
        opt.step()
    with torch.no_grad():
        acc = (model(test_x).argmax(1) == test_y).float().mean().item()
    print(f"{name} epoch {epoch + 1}: test accuracy {acc:.4f}")
