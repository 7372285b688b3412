// Port of "Learning PyTorch with Examples", PyTorch: Tensors (pytorch/tutorials
// beginner_source/examples_tensor/polynomial_tensor.py); the program beside this file is the
// original with a seed, fewer steps and rounded output. Written as a PyTorch user would.
manualSeed(0)
// Create random input and output data
let x = linspace(-Double.pi, Double.pi, 2000, dtype: "float32")
let y = sin(x)

// Randomly initialize weights
let a = randn([])
let b = randn([])
let c = randn([])
let d = randn([])

let learningRate = 1e-6
for t in 0..<200 {
    // Forward pass: compute predicted y
    let yPred = a + b * x + c * x.pow(2) + d * x.pow(3)

    // Compute and print loss
    let loss = (yPred - y).pow(2).sum().item()
    if t % 20 == 19 {
        print(t, String(format: "%.5g", loss))
    }

    // Backprop to compute gradients of a, b, c, d with respect to loss
    let gradYPred = 2.0 * (yPred - y)
    let gradA = gradYPred.sum()
    let gradB = (gradYPred * x).sum()
    let gradC = (gradYPred * x.pow(2)).sum()
    let gradD = (gradYPred * x.pow(3)).sum()

    // Update weights using gradient descent
    a -= learningRate * gradA
    b -= learningRate * gradB
    c -= learningRate * gradC
    d -= learningRate * gradD
}

let r = [a, b, c, d].map { String(format: "%.4f", $0.item()) }
print("Result: y = \(r[0]) + \(r[1]) x + \(r[2]) x^2 + \(r[3]) x^3")

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: 19 10262
// expect: 39 4243.6
// expect: 59 3757.5
// expect: 79 3485
// expect: 99 3238.3
// expect: 119 3009.4
// expect: 139 2796.8
// expect: 159 2599.5
// expect: 179 2416.1
// expect: 199 2245.9
// expect: Result: y = 1.3173 + 0.0503 x + -0.2273 x^2 + 0.0214 x^3
