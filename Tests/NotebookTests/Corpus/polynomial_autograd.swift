// Port of "Learning PyTorch with Examples", PyTorch: Tensors and autograd (pytorch/tutorials
// beginner_source/examples_autograd/polynomial_autograd.py); the program beside this file is the
// original with a seed, fewer steps and rounded output. Written as a PyTorch user would.
manualSeed(0)
// Create Tensors to hold input and outputs.
let x = linspace(-Double.pi, Double.pi, 2000)
let y = sin(x)

// Create random Tensors for weights: y = a + b x + c x^2 + d x^3
let a = randn([], requiresGrad: true)
let b = randn([], requiresGrad: true)
let c = randn([], requiresGrad: true)
let d = randn([], requiresGrad: true)

let learningRate = 1e-6
for t in 0..<200 {
    // Forward pass: compute predicted y using operations on Tensors.
    let yPred = a + b * x + c * x.pow(2) + d * x.pow(3)

    // Compute and print loss using operations on Tensors.
    let loss = (yPred - y).pow(2).sum()
    if t % 20 == 19 {
        print(t, String(format: "%.6g", loss.item()))
    }

    // Use autograd to compute the backward pass.
    loss.backward()

    // Manually update weights using gradient descent, outside the graph.
    noGrad {
        a -= learningRate * a.grad!
        b -= learningRate * b.grad!
        c -= learningRate * c.grad!
        d -= learningRate * d.grad!

        // Manually zero the gradients after updating weights
        a.grad = nil
        b.grad = nil
        c.grad = nil
        d.grad = nil
    }
}
let r = [a, b, c, d].map { String(format: "%.5f", $0.item()) }
print("Result: y = \(r[0]) + \(r[1]) x + \(r[2]) x^2 + \(r[3]) x^3")

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: 19 10262.5
// expect: 39 4243.61
// expect: 59 3757.51
// expect: 79 3485.03
// expect: 99 3238.3
// expect: 119 3009.4
// expect: 139 2796.85
// expect: 159 2599.45
// expect: 179 2416.13
// expect: 199 2245.87
// expect: Result: y = 1.31728 + 0.05026 x + -0.22725 x^2 + 0.02138 x^3
