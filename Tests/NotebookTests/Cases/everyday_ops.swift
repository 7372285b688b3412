// The everyday tensor ops a PyTorch user reaches for, forward and backward
// (twin: the .py beside this file).
let x = tensor([[-1.5, 0.0, 2.0], [3.0, -0.5, 1.0]])
print(leakyRelu(x, 0.1))
// expect: tensor([[-0.1500,  0.0000,  2.0000],
// expect:         [ 3.0000, -0.0500,  1.0000]])
print(elu(x))
// expect: tensor([[-0.7769,  0.0000,  2.0000],
// expect:         [ 3.0000, -0.3935,  1.0000]])
print(gelu(x * 0.5))   // NOTE: not at 3.0, where PyTorch's vector erf (Sleef) is an ulp off its scalar path (issue 12)
// expect: tensor([[-0.1700,  0.0000,  0.8413],
// expect:         [ 1.3998, -0.1003,  0.3457]])
print(softplus(x))
// expect: tensor([[0.2014, 0.6931, 2.1269],
// expect:         [3.0486, 0.4741, 1.3133]])
print(x.var(), x.std(dim: 1), x.var(dim: 0, unbiased: false))   // expect: tensor(2.7667) tensor([1.7559, 1.7559]) tensor([5.0625, 0.0625, 0.2500])
print(x.prod(), x.prod(dim: 1), x.cumsum(dim: 1))
// expect: tensor(0.) tensor([-0.0000, -1.5000]) tensor([[-1.5000, -1.5000,  0.5000],
// expect:         [ 3.0000,  2.5000,  3.5000]])
print(x.argmin(), x.argmin(dim: 1), x.min(dim: 1).values)  // expect: tensor(0) tensor([0, 1]) tensor([-1.5000, -0.5000])
print(where(x > 0, x, zeros(1)))
// expect: tensor([[0., 0., 2.],
// expect:         [3., 0., 1.]])
print(x.gather(1, tensor([[2, 0], [1, 1]])))
// expect: tensor([[ 2.0000, -1.5000],
// expect:         [-0.5000, -0.5000]])
let (v, i) = x.sort(dim: 1, descending: true)
print(v, i)
// expect: tensor([[ 2.0000,  0.0000, -1.5000],
// expect:         [ 3.0000,  1.0000, -0.5000]]) tensor([[2, 1, 0],
// expect:         [0, 2, 1]])
print(x.topk(2).values, x.topk(1, dim: 0, largest: false).indices)
// expect: tensor([[2., 0.],
// expect:         [3., 1.]]) tensor([[0, 1, 1]])
print(x.flip(1), x.flip([0, 1])[0])
// expect: tensor([[ 2.0000,  0.0000, -1.5000],
// expect:         [ 1.0000, -0.5000,  3.0000]]) tensor([ 1.0000, -0.5000,  3.0000])
print(tensor([1, 2]).repeat(2, 2))
// expect: tensor([[1, 2, 1, 2],
// expect:         [1, 2, 1, 2]])
print(arange(5).chunk(2).map { $0.shape }, arange(5).split([1, 4]).map { $0.tolist() })  // expect: [[3], [2]] [[0], [1, 2, 3, 4]]
let (gx, gy) = meshgrid(tensor([1, 2]), tensor([3, 4, 5]), indexing: "ij")
print(gx, gy)
// expect: tensor([[1, 1, 1],
// expect:         [2, 2, 2]]) tensor([[3, 4, 5],
// expect:         [3, 4, 5]])
print(tensor([1, 1, 3]).bincount(), tensor([0.0, Double.nan]).isnan())  // expect: tensor([0, 2, 0, 1]) tensor([False,  True])
print(allclose(tensor([1.0]), tensor([1.000001])), allclose(tensor([1.0]), tensor([1.1])))  // expect: true false
let a = tensor([[-1.5, 0.0, 2.0], [3.0, -0.5, 1.0]], requiresGrad: true)
(gelu(a).sum() + a.std() + a.prod(dim: 1).sum() + a.cumsum(dim: 1).sum()).backward()
print(a.grad!)
// expect: tensor([[ 2.6120, -0.5802,  2.2456],
// expect:         [ 3.7925,  4.9922,  0.6234]])
let b = tensor([3.0, 1.0, 2.0], requiresGrad: true)
(b.sort().values * tensor([1.0, 10.0, 100.0])).sum().backward()
print(b.grad!)                                    // expect: tensor([100.,   1.,  10.])
