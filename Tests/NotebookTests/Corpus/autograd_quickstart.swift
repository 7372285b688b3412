// Port of "Automatic Differentiation with torch.autograd" (Learn the Basics; pytorch/tutorials
// beginner_source/basics/autogradqs_tutorial.py). Written as a PyTorch user would.
manualSeed(0)
let x = ones(5)  // input tensor
let y = zeros(3)  // expected output
let w = randn(5, 3, requiresGrad: true)
let b = randn(3, requiresGrad: true)
var z = matmul(x, w) + b
let loss = binaryCrossEntropyWithLogits(z, y)

print("Gradient function for z = \(z.gradFn!)")
print("Gradient function for loss = \(loss.gradFn!)")

loss.backward()
print(w.grad!)
print(b.grad!)

z = matmul(x, w) + b
print(z.requiresGrad)

noGrad {
    z = matmul(x, w) + b
}
print(z.requiresGrad)

z = matmul(x, w) + b
let zDet = z.detach()
print(zDet.requiresGrad)

let inp = eye(4, 5, requiresGrad: true)
let out = (inp + 1).pow(2).t()
out.backward(onesLike(out), retainGraph: true)
print("First call\n\(inp.grad!)")
out.backward(onesLike(out), retainGraph: true)
print("\nSecond call\n\(inp.grad!)")
inp.grad!.zero_()
out.backward(onesLike(out), retainGraph: true)
print("\nCall after zeroing gradients\n\(inp.grad!)")

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: Gradient function for z = AddBackward0
// expect: Gradient function for loss = BinaryCrossEntropyWithLogitsBackward0
// expect: tensor([[0.2661, 0.1179, 0.0027],
// expect:         [0.2661, 0.1179, 0.0027],
// expect:         [0.2661, 0.1179, 0.0027],
// expect:         [0.2661, 0.1179, 0.0027],
// expect:         [0.2661, 0.1179, 0.0027]])
// expect: tensor([0.2661, 0.1179, 0.0027])
// expect: true
// expect: false
// expect: false
// expect: First call
// expect: tensor([[4., 2., 2., 2., 2.],
// expect:         [2., 4., 2., 2., 2.],
// expect:         [2., 2., 4., 2., 2.],
// expect:         [2., 2., 2., 4., 2.]])
// expect: 
// expect: Second call
// expect: tensor([[8., 4., 4., 4., 4.],
// expect:         [4., 8., 4., 4., 4.],
// expect:         [4., 4., 8., 4., 4.],
// expect:         [4., 4., 4., 8., 4.]])
// expect: 
// expect: Call after zeroing gradients
// expect: tensor([[4., 2., 2., 2., 2.],
// expect:         [2., 4., 2., 2., 2.],
// expect:         [2., 2., 4., 2., 2.],
// expect:         [2., 2., 2., 4., 2.]])
