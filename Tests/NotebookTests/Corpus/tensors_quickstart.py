# "Tensors" (Learn the Basics) — pytorch/tutorials beginner_source/basics/tensorqs_tutorial.py.
# Changed: torch.manual_seed(0); shapes printed as lists (Runbook has no torch.Size); the device
# and the numpy bridge (shared memory with an ndarray) left out.
import torch

torch.manual_seed(0)
data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)

x_ones = torch.ones_like(x_data)  # retains the properties of x_data
print(f"Ones Tensor: \n {x_ones} \n")

x_rand = torch.rand_like(x_data, dtype=torch.float)  # overrides the datatype of x_data
print(f"Random Tensor: \n {x_rand} \n")

shape = (2, 3,)
rand_tensor = torch.rand(shape)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)

print(f"Random Tensor: \n {rand_tensor} \n")
print(f"Ones Tensor: \n {ones_tensor} \n")
print(f"Zeros Tensor: \n {zeros_tensor}")

tensor = torch.rand(3, 4)

print(f"Shape of tensor: {list(tensor.shape)}")
print(f"Datatype of tensor: {tensor.dtype}")

tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)

t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)

# This computes the matrix multiplication between two tensors. y1, y2, y3 will have the same value
y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
print(y1 == y2)

# This computes the element-wise product. z1, z2, z3 will have the same value
z1 = tensor * tensor
z2 = tensor.mul(tensor)
print(z1)

agg = tensor.sum()
agg_item = agg.item()
print(agg_item, "Double" if isinstance(agg_item, float) else type(agg_item).__name__)  # Swift calls a float Double

print(f"{tensor} \n")
tensor.add_(5)
print(tensor)
