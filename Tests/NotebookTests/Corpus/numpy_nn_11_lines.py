# "A Neural Network in 11 lines of Python (Part 1)", Andrew Trask (iamtrask.github.io,
# 2015-07-12, "basic-python-network"): the 2-layer network, in numpy. Changed: Python 3 (print,
# range); the output printed row by row to 8 decimals (numpy's array repr is not Runbook's).
import numpy as np


# sigmoid function
def nonlin(x, deriv=False):
    if deriv:
        return x*(1-x)
    return 1/(1+np.exp(-x))


# input dataset
X = np.array([[0, 0, 1],
              [0, 1, 1],
              [1, 0, 1],
              [1, 1, 1]])

# output dataset
y = np.array([[0, 0, 1, 1]]).T

# seed random numbers to make calculation deterministic (just a good practice)
np.random.seed(1)

# initialize weights randomly with mean 0
syn0 = 2*np.random.random((3, 1)) - 1

for iter in range(10000):
    # forward propagation
    l0 = X
    l1 = nonlin(np.dot(l0, syn0))

    # how much did we miss?
    l1_error = y - l1

    # multiply how much we missed by the slope of the sigmoid at the values in l1
    l1_delta = l1_error * nonlin(l1, True)

    # update weights
    syn0 += np.dot(l0.T, l1_delta)

print("Output After Training:")
for row in l1:
    print(f"{row[0]:.8f}")
print("Weights:", " ".join(f"{w:.6f}" for w in syn0[:, 0]))
