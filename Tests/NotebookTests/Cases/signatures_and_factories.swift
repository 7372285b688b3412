// Positional forms PyTorch users type, Swift labels, typed arguments with the caret under the
// bad one, and factories with requiresGrad:. Twin: the .py beside this file.
manualSeed(0)
print(randn(2, 3).shape, randn([2, 3]).shape, zeros(2).dtype)   // expect: [2, 3] [2, 3] torch.float32
let x = tensor([[1.0, 2.0], [3.0, 4.0]])
print(x.sum(1), x.sum(dim: 0))                   // expect: tensor([3., 7.]) tensor([4., 6.])
print(x.pow(tensor([1.0, 2.0])))
// expect: tensor([[ 1.,  4.],
// expect:         [ 3., 16.]])
print(eye(2), arange(3), full([2], 7.0))
// expect: tensor([[1., 0.],
// expect:         [0., 1.]]) tensor([0, 1, 2]) tensor([7., 7.])
print(ones(2, requiresGrad: true))               // expect: tensor([1., 1.], requires_grad=True)
print(zerosLike(x).shape, onesLike(x).sum())     // expect: [2, 2] tensor(4.)
print(exp(0.0), abs(-3), sqrt(tensor([4.0])))    // expect: 1.0 3 tensor([2.])
print(x.permute(1, 0))
// expect: tensor([[1., 3.],
// expect:         [2., 4.]])
print(tensor([0, 3, 0, 5]).nonzero())
// expect: tensor([[1],
// expect:         [3]])
print(x.flatten(0, 1))                           // expect: tensor([1., 2., 3., 4.])
x.sum(dim: "rows")                               // expect error: sum: 'dim' must be an Int, not String
