// Boolean masks and index tensors select and assign as in PyTorch (twin: the .py beside this file).
let x = tensor([-1.0, 2.0, -3.0, 4.0])
print(x[x > 0])                                  // expect: tensor([2., 4.])
let m = tensor([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
print(m[m < 0])                                  // expect: tensor([-2., -4., -6.])
print(m[tensor([1, 0, 1])])
// expect: tensor([[-4.,  5., -6.],
// expect:         [ 1., -2.,  3.],
// expect:         [-4.,  5., -6.]])
print(m[0..., tensor([2, 0])])
// expect: tensor([[ 3.,  1.],
// expect:         [-6., -4.]])
// Two index tensors pair up (the log-likelihood idiom): element (i, y[i]) of each row.
let logp = tensor([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]])
print(logp[arange(2), tensor([2, 0])])           // expect: tensor([0.7000, 0.5000])
print(m[tensor([true, false])])                  // expect: tensor([[ 1., -2.,  3.]])
print(m[[1, -2]])
// expect: tensor([[-4.,  5., -6.],
// expect:         [ 1., -2.,  3.]])
print(m[tensor([[0, 1], [1, 1]])].shape)         // expect: [2, 2, 3]
print(m[1, tensor([0, 2])])                      // expect: tensor([-4., -6.])

// Assignment writes into the tensor itself.
let y = tensor([-1.0, 2.0, -3.0, 4.0])
y[y < 0] = 0
print(y)                                         // expect: tensor([0., 2., 0., 4.])
y[tensor([0, 3])] = tensor([10.0, 20.0])
print(y)                                         // expect: tensor([10.,  2.,  0., 20.])
let z = zeros(2, 3)
z[z == 0] = tensor(7.0)
z[tensor([1]), tensor([2])] = -1
print(z)
// expect: tensor([[ 7.,  7.,  7.],
// expect:         [ 7.,  7., -1.]])
let w = zeros(3, 2)
w[tensor([true, false, true])] = tensor([1.0, 2.0])
print(w)
// expect: tensor([[1., 2.],
// expect:         [0., 0.],
// expect:         [1., 2.]])

// Gradients flow back through a selection; repeated picks add up.
let a = tensor([1.0, 2.0, 3.0], requiresGrad: true)
let picked = a[tensor([0, 2, 2])]
print(picked)                                    // expect: tensor([1., 3., 3.], grad_fn=<IndexBackward0>)
(picked * picked).sum().backward()
print(a.grad!)                                   // expect: tensor([ 2.,  0., 12.])
let b = tensor([[1.0, -2.0], [3.0, -4.0]], requiresGrad: true)
b[b > 0].sum().backward()
print(b.grad!)
// expect: tensor([[1., 0.],
// expect:         [1., 0.]])
print(m[tensor([0.0])])                          // expect error: tensors used as indices must be long, int, byte or bool tensors
