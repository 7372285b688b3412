// Port of Dive into Deep Learning, 2.1 "Data Manipulation" (d2l-ai/d2l-en,
// chapter_preliminaries/ndarray.md, PyTorch tab). Written as a PyTorch user would.
manualSeed(0)
var x = arange(12, dtype: "float32")
print(x)
print(x.numel())
print(x.shape)
var X = x.reshape(3, 4)
print(X)
print(zeros([2, 3, 4]))
print(ones([2, 3, 4]))
print(randn(3, 4))
print(tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]))

print(X[-1], X[1..<3])
X[1, 2] = 17
print(X)
X[..<2, ...] = 12
print(X)

print(exp(x))
x = tensor([1.0, 2, 4, 8])
let y = tensor([2, 2, 2, 2])
print(x + y, x - y, x * y, x / y, x.pow(y))

X = arange(12, dtype: "float32").reshape([3, 4])
let Y = tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
print(cat([X, Y], dim: 0), cat([X, Y], dim: 1))
print(X == Y)
print(X.sum())

let a = arange(3).reshape([3, 1])
let b = arange(2).reshape([1, 2])
print(a, b)
print(a + b)

let Z = zerosLike(Y)
Z[...] = X + Y
print(Z)
X += Y
print(X)
let s = tensor([3.5])
print(s, s.item(), Double(s.item()), Int(s.item()))

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11.])
// expect: 12
// expect: [12]
// expect: tensor([[ 0.,  1.,  2.,  3.],
// expect:         [ 4.,  5.,  6.,  7.],
// expect:         [ 8.,  9., 10., 11.]])
// expect: tensor([[[0., 0., 0., 0.],
// expect:          [0., 0., 0., 0.],
// expect:          [0., 0., 0., 0.]],
// expect: 
// expect:         [[0., 0., 0., 0.],
// expect:          [0., 0., 0., 0.],
// expect:          [0., 0., 0., 0.]]])
// expect: tensor([[[1., 1., 1., 1.],
// expect:          [1., 1., 1., 1.],
// expect:          [1., 1., 1., 1.]],
// expect: 
// expect:         [[1., 1., 1., 1.],
// expect:          [1., 1., 1., 1.],
// expect:          [1., 1., 1., 1.]]])
// expect: tensor([[ 1.5410, -0.2934, -2.1788,  0.5684],
// expect:         [-1.0845, -1.3986,  0.4033,  0.8380],
// expect:         [-0.7193, -0.4033, -0.5966,  0.1820]])
// expect: tensor([[2, 1, 4, 3],
// expect:         [1, 2, 3, 4],
// expect:         [4, 3, 2, 1]])
// expect: tensor([ 8.,  9., 10., 11.]) tensor([[ 4.,  5.,  6.,  7.],
// expect:         [ 8.,  9., 10., 11.]])
// expect: tensor([[ 0.,  1.,  2.,  3.],
// expect:         [ 4.,  5., 17.,  7.],
// expect:         [ 8.,  9., 10., 11.]])
// expect: tensor([[12., 12., 12., 12.],
// expect:         [12., 12., 12., 12.],
// expect:         [ 8.,  9., 10., 11.]])
// expect: tensor([162754.7969, 162754.7969, 162754.7969, 162754.7969, 162754.7969,
// expect:         162754.7969, 162754.7969, 162754.7969,   2980.9580,   8103.0840,
// expect:          22026.4648,  59874.1406])
// expect: tensor([ 3.,  4.,  6., 10.]) tensor([-1.,  0.,  2.,  6.]) tensor([ 2.,  4.,  8., 16.]) tensor([0.5000, 1.0000, 2.0000, 4.0000]) tensor([ 1.,  4., 16., 64.])
// expect: tensor([[ 0.,  1.,  2.,  3.],
// expect:         [ 4.,  5.,  6.,  7.],
// expect:         [ 8.,  9., 10., 11.],
// expect:         [ 2.,  1.,  4.,  3.],
// expect:         [ 1.,  2.,  3.,  4.],
// expect:         [ 4.,  3.,  2.,  1.]]) tensor([[ 0.,  1.,  2.,  3.,  2.,  1.,  4.,  3.],
// expect:         [ 4.,  5.,  6.,  7.,  1.,  2.,  3.,  4.],
// expect:         [ 8.,  9., 10., 11.,  4.,  3.,  2.,  1.]])
// expect: tensor([[False,  True, False,  True],
// expect:         [False, False, False, False],
// expect:         [False, False, False, False]])
// expect: tensor(66.)
// expect: tensor([[0],
// expect:         [1],
// expect:         [2]]) tensor([[0, 1]])
// expect: tensor([[0, 1],
// expect:         [1, 2],
// expect:         [2, 3]])
// expect: tensor([[ 2.,  2.,  6.,  6.],
// expect:         [ 5.,  7.,  9., 11.],
// expect:         [12., 12., 12., 12.]])
// expect: tensor([[ 2.,  2.,  6.,  6.],
// expect:         [ 5.,  7.,  9., 11.],
// expect:         [12., 12., 12., 12.]])
// expect: tensor([3.5000]) 3.5 3.5 3
