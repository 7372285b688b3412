// Port of "A Gentle Introduction to torch.autograd" (60 Minute Blitz; pytorch/tutorials
// beginner_source/blitz/autograd_tutorial.py), the code past the pretrained model. Written as a
// PyTorch user would.
manualSeed(0)
var a = tensor([2.0, 3.0], requiresGrad: true)
var b = tensor([6.0, 4.0], requiresGrad: true)
let Q = 3 * a.pow(3) - b.pow(2)
let externalGrad = tensor([1.0, 1.0])
Q.backward(gradient: externalGrad)

// check if collected gradients are correct
print(9 * a.pow(2) == a.grad!)
print(-2 * b == b.grad!)
print(a.grad!, b.grad!)

let x = rand(5, 5)
let y = rand(5, 5)
let z = rand([5, 5], requiresGrad: true)

a = x + y
print("Does `a` require gradients?: \(a.requiresGrad)")
b = x + z
print("Does `b` require gradients?: \(b.requiresGrad)")
print(b.sum())

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: tensor([True, True])
// expect: tensor([True, True])
// expect: tensor([36., 81.]) tensor([-12.,  -8.])
// expect: Does `a` require gradients?: false
// expect: Does `b` require gradients?: true
// expect: tensor(26.5041, grad_fn=<SumBackward0>)
