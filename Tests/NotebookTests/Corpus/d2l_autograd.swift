// Port of Dive into Deep Learning, 2.5 "Automatic Differentiation" (d2l-ai/d2l-en,
// chapter_preliminaries/autograd.md, PyTorch tab). Written as a PyTorch user would.
manualSeed(0)
let x = arange(4.0)
print(x)
x.requiringGrad(true)
print(x.grad)
var y = 2 * dot(x, x)
print(y)
y.backward()
print(x.grad!)
print(x.grad! == 4 * x)

x.grad!.zero_()  // Reset the gradient
y = x.sum()
y.backward()
print(x.grad!)

x.grad!.zero_()
y = x * x
y.backward(gradient: ones(y.shape[0]))  // Faster: y.sum().backward()
print(x.grad!)

x.grad!.zero_()
y = x * x
let u = y.detach()
let z = u * x
z.sum().backward()
print(x.grad! == u)

x.grad!.zero_()
y.sum().backward()
print(x.grad! == 2 * x)

func f(_ a: Tensor) -> Tensor {
    var b = a * 2
    while b.norm() < 1000 {
        b = b * 2
    }
    var c: Tensor
    if b.sum() > 0 {
        c = b
    } else {
        c = 100 * b
    }
    return c
}

let a = randn([], requiresGrad: true)
let d = f(a)
d.backward()
print(a.grad! == d / a)
print(a, a.grad!)

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: tensor([0., 1., 2., 3.])
// expect: nil
// expect: tensor(28., grad_fn=<MulBackward0>)
// expect: tensor([ 0.,  4.,  8., 12.])
// expect: tensor([True, True, True, True])
// expect: tensor([1., 1., 1., 1.])
// expect: tensor([0., 2., 4., 6.])
// expect: tensor([True, True, True, True])
// expect: tensor([True, True, True, True])
// expect: tensor(True)
// expect: tensor(1.5410, requires_grad=True) tensor(1024.)
