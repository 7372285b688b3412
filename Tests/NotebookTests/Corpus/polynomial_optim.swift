// Port of "Learning PyTorch with Examples", PyTorch: optim (pytorch/tutorials
// beginner_source/examples_nn/polynomial_optim.py); the program beside this file is the original
// with a seed, fewer steps and rounded output. Written as a PyTorch user would.
manualSeed(0)
// Create Tensors to hold input and outputs.
let x = linspace(-Double.pi, Double.pi, 2000)
let y = sin(x)

// Prepare the input tensor (x, x^2, x^3).
let p = tensor([1, 2, 3])
let xx = x.unsqueeze(-1).pow(p)

// Use the nn package to define our model and loss function.
let model = Sequential(Linear(3, 1), Flatten(0, 1))
let lossFn = MSELoss(reduction: "sum")

// An Optimizer updates the weights of the model for us. Here we use RMSprop.
let learningRate = 1e-3
let optimizer = RMSprop(model.parameters(), lr: learningRate)
for t in 0..<300 {
    // Forward pass: compute predicted y by passing x to the model.
    let yPred = model(xx)

    // Compute and print loss.
    let loss = lossFn(yPred, y)
    if t % 30 == 29 {
        print(t, String(format: "%.5g", loss.item()))
    }

    // Before the backward pass, zero all of the gradients for the variables it will update.
    optimizer.zeroGrad()

    // Backward pass: compute gradient of the loss with respect to model parameters
    loss.backward()

    // Calling the step function on an Optimizer makes an update to its parameters
    optimizer.step()
}

let linearLayer = model[0]
let terms = [linearLayer.bias.item(), linearLayer.weight[0..., 0].item(), linearLayer.weight[0..., 1].item(),
             linearLayer.weight[0..., 2].item()].map { String(format: "%.4f", $0) }
print("Result: y = \(terms[0]) + \(terms[1]) x + \(terms[2]) x^2 + \(terms[3]) x^3")

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: 29 45351
// expect: 59 34342
// expect: 89 26856
// expect: 119 21180
// expect: 149 16676
// expect: 179 13028
// expect: 209 10054
// expect: 239 7635.3
// expect: 269 5686.4
// expect: 299 4140
// expect: Result: y = -0.3551 + 0.3385 x + 0.0699 x^2 + -0.1356 x^3
