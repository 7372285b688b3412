// Port of "Learning PyTorch with Examples", PyTorch: Custom nn Modules (pytorch/tutorials
// beginner_source/examples_nn/polynomial_module.py); the program beside this file is the original
// with a seed, fewer steps and rounded output. Written as a PyTorch user would.
class Polynomial3: Module {
    // Four parameters, assigned as member parameters.
    let a = Parameter(randn([]))
    let b = Parameter(randn([]))
    let c = Parameter(randn([]))
    let d = Parameter(randn([]))

    // Accepts a Tensor of input data and returns a Tensor of output data.
    func forward(_ x: Tensor) -> Tensor {
        return a + b * x + c * x.pow(2) + d * x.pow(3)
    }

    func string() -> String {
        let f = [a, b, c, d].map { String(format: "%.4f", $0.item()) }
        return "y = \(f[0]) + \(f[1]) x + \(f[2]) x^2 + \(f[3]) x^3"
    }
}

manualSeed(0)
// Create Tensors to hold input and outputs.
let x = linspace(-Double.pi, Double.pi, 2000)
let y = sin(x)

// Construct our model by instantiating the class defined above
let model = Polynomial3()

// Construct our loss function and an Optimizer.
let criterion = MSELoss(reduction: "sum")
let optimizer = SGD(model.parameters(), lr: 1e-6)
for t in 0..<200 {
    // Forward pass: Compute predicted y by passing x to the model
    let yPred = model(x)

    // Compute and print loss
    let loss = criterion(yPred, y)
    if t % 20 == 19 {
        print(t, String(format: "%.5g", loss.item()))
    }

    // Zero gradients, perform a backward pass, and update the weights.
    optimizer.zeroGrad()
    loss.backward()
    optimizer.step()
}

print("Result: \(model.string())")

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
