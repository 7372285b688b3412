// Port of "Tensors" (Learn the Basics; pytorch/tutorials beginner_source/basics/tensorqs_tutorial.py).
// Written as a PyTorch user would; the device and numpy bridge are left out.
manualSeed(0)
let data = [[1, 2], [3, 4]]
let xData = tensor(data)

let xOnes = onesLike(xData)  // retains the properties of xData
print("Ones Tensor: \n \(xOnes) \n")

let xRand = randLike(xData, dtype: "float32")  // overrides the datatype of xData
print("Random Tensor: \n \(xRand) \n")

let shape = [2, 3]
let randTensor = rand(shape)
let onesTensor = ones(shape)
let zerosTensor = zeros(shape)

print("Random Tensor: \n \(randTensor) \n")
print("Ones Tensor: \n \(onesTensor) \n")
print("Zeros Tensor: \n \(zerosTensor)")

var t = rand(3, 4)

print("Shape of tensor: \(t.shape)")
print("Datatype of tensor: \(t.dtype)")

t = ones(4, 4)
print("First row: \(t[0])")
print("First column: \(t[0..., 0])")
print("Last column: \(t[..., -1])")
t[0..., 1] = 0
print(t)

let t1 = cat([t, t, t], dim: 1)
print(t1)

// The matrix multiplication between two tensors: y1 and y2 have the same value
let y1 = t.matmul(t.T)
let y2 = matmul(t, t.T)
print(y1 == y2)

// The element-wise product: z1 and z2 have the same value
let z1 = t * t
let z2 = t.mul(t)
print(z1)

let agg = t.sum()
let aggItem = agg.item()
print(aggItem, type(of: aggItem))

print("\(t) \n")
t.add_(5)
print(t)

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: Ones Tensor: 
// expect:  tensor([[1, 1],
// expect:         [1, 1]]) 
// expect: 
// expect: Random Tensor: 
// expect:  tensor([[0.4963, 0.7682],
// expect:         [0.0885, 0.1320]]) 
// expect: 
// expect: Random Tensor: 
// expect:  tensor([[0.3074, 0.6341, 0.4901],
// expect:         [0.8964, 0.4556, 0.6323]]) 
// expect: 
// expect: Ones Tensor: 
// expect:  tensor([[1., 1., 1.],
// expect:         [1., 1., 1.]]) 
// expect: 
// expect: Zeros Tensor: 
// expect:  tensor([[0., 0., 0.],
// expect:         [0., 0., 0.]])
// expect: Shape of tensor: [3, 4]
// expect: Datatype of tensor: torch.float32
// expect: First row: tensor([1., 1., 1., 1.])
// expect: First column: tensor([1., 1., 1., 1.])
// expect: Last column: tensor([1., 1., 1., 1.])
// expect: tensor([[1., 0., 1., 1.],
// expect:         [1., 0., 1., 1.],
// expect:         [1., 0., 1., 1.],
// expect:         [1., 0., 1., 1.]])
// expect: tensor([[1., 0., 1., 1., 1., 0., 1., 1., 1., 0., 1., 1.],
// expect:         [1., 0., 1., 1., 1., 0., 1., 1., 1., 0., 1., 1.],
// expect:         [1., 0., 1., 1., 1., 0., 1., 1., 1., 0., 1., 1.],
// expect:         [1., 0., 1., 1., 1., 0., 1., 1., 1., 0., 1., 1.]])
// expect: tensor([[True, True, True, True],
// expect:         [True, True, True, True],
// expect:         [True, True, True, True],
// expect:         [True, True, True, True]])
// expect: tensor([[1., 0., 1., 1.],
// expect:         [1., 0., 1., 1.],
// expect:         [1., 0., 1., 1.],
// expect:         [1., 0., 1., 1.]])
// expect: 12.0 Double
// expect: tensor([[1., 0., 1., 1.],
// expect:         [1., 0., 1., 1.],
// expect:         [1., 0., 1., 1.],
// expect:         [1., 0., 1., 1.]]) 
// expect: 
// expect: tensor([[6., 5., 6., 6.],
// expect:         [6., 5., 6., 6.],
// expect:         [6., 5., 6., 6.],
// expect:         [6., 5., 6., 6.]])
