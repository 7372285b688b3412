// Port of "Learning PyTorch with Examples", PyTorch: nn (pytorch/tutorials
// beginner_source/examples_nn/polynomial_nn.py); the program beside this file is the original
// with a seed, fewer steps and rounded output. Written as a PyTorch user would.
manualSeed(0)
// Create Tensors to hold input and outputs.
let x = linspace(-Double.pi, Double.pi, 2000)
let y = sin(x)

// The output y is a linear function of (x, x^2, x^3): prepare the tensor (x, x^2, x^3).
let p = tensor([1, 2, 3])
let xx = x.unsqueeze(-1).pow(p)

// Use the nn package to define our model as a sequence of layers.
let model = Sequential(
    Linear(3, 1),
    Flatten(0, 1)
)
print(model)

// The nn package also contains definitions of popular loss functions.
let lossFn = MSELoss(reduction: "sum")

let learningRate = 1e-6
for t in 0..<200 {
    // Forward pass: compute predicted y by passing x to the model.
    let yPred = model(xx)

    // Compute and print loss.
    let loss = lossFn(yPred, y)
    if t % 20 == 19 {
        print(t, String(format: "%.5g", loss.item()))
    }

    // Zero the gradients before running the backward pass.
    model.zeroGrad()

    // Backward pass: gradients of the loss with respect to all the learnable parameters.
    loss.backward()

    // Update the weights using gradient descent.
    noGrad {
        for param in model.parameters() {
            param -= learningRate * param.grad!
        }
    }
}

// You can access the first layer of `model` like accessing the first item of a list
let linearLayer = model[0]

// For linear layer, its parameters are stored as `weight` and `bias`.
let terms = [linearLayer.bias.item(), linearLayer.weight[0..., 0].item(), linearLayer.weight[0..., 1].item(),
             linearLayer.weight[0..., 2].item()].map { String(format: "%.5f", $0) }
print("Result: y = \(terms[0]) + \(terms[1]) x + \(terms[2]) x^2 + \(terms[3]) x^3")

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: Sequential(
// expect:   (0): Linear(in_features=3, out_features=1, bias=True)
// expect:   (1): Flatten(start_dim=0, end_dim=1)
// expect: )
// expect: 19 888.09
// expect: 39 740.49
// expect: 59 681.7
// expect: 79 630.15
// expect: 99 582.65
// expect: 119 538.8
// expect: 139 498.32
// expect: 159 460.95
// expect: 179 426.45
// expect: 199 394.59
// expect: Result: y = -0.32871 + 0.33386 x + 0.05671 x^2 + -0.01895 x^3
