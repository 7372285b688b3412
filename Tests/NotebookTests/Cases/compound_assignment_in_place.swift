// `+=`, `-=`, `*=`, `/=` change the tensor itself, as Python's `__iadd__` … do
// (twin: the .py beside this file).
let a = tensor([1.0, 2.0])
let alias = a
a += 1
print(alias)                                     // expect: tensor([2., 3.])
a *= tensor([2.0, 10.0])
a -= 0.5
a /= 2
print(alias)                                     // expect: tensor([ 1.7500, 14.7500])
for row in zeros(2, 2) { row += 1 }              // each row is a view: no effect on a temporary
let rows = zeros(2, 2)
for row in rows { row += 1 }
print(rows)
// expect: tensor([[1., 1.],
// expect:         [1., 1.]])
let n = tensor([1, 2])
n += 1
print(n)                                         // expect: tensor([2, 3])

// The manual SGD step of every from-scratch tutorial: the parameter is updated in place.
manualSeed(0)
let w = randn(3, requiresGrad: true)
let before = w
let loss = (w * w).sum()
loss.backward()
noGrad {
    w -= 0.1 * w.grad!
}
print(before === w, w.requiresGrad, w.isLeaf)    // expect: true true true
print(w)                                         // expect: tensor([ 1.2328, -0.2347, -1.7430], requires_grad=True)
// Outside noGrad, PyTorch refuses to change a leaf that requires grad.
w -= 0.1 * w.grad!                               // expect error: sub_: a leaf Variable that requires grad is being used in an in-place operation (update it inside noGrad { … } or through .data)
