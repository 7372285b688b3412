# "Learning PyTorch with Examples", Warm-up: numpy — pytorch/tutorials
# beginner_source/examples_tensor/polynomial_numpy.py (a third-order polynomial fitted to sin(x)
# with hand-written gradients). Changed for a reproducible record: np.random.seed(0), and 200
# steps printed every 20 instead of 2000 every 100; numbers to 10 significant digits (numpy sums
# pairwise, Runbook in order: the last digits differ).
import numpy as np
import math

np.random.seed(0)
# Create random input and output data
x = np.linspace(-math.pi, math.pi, 2000)
y = np.sin(x)

# Randomly initialize weights
a = np.random.randn()
b = np.random.randn()
c = np.random.randn()
d = np.random.randn()

learning_rate = 1e-6
for t in range(200):
    # Forward pass: compute predicted y
    # y = a + b x + c x^2 + d x^3
    y_pred = a + b * x + c * x ** 2 + d * x ** 3

    # Compute and print loss
    loss = np.square(y_pred - y).sum()
    if t % 20 == 19:
        print(t, f'{loss:.10g}')

    # Backprop to compute gradients of a, b, c, d with respect to loss
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()

    # Update weights
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d

print(f'Result: y = {a:.10g} + {b:.10g} x + {c:.10g} x^2 + {d:.10g} x^3')
