// Port of "Learning PyTorch with Examples", Warm-up: numpy (pytorch/tutorials
// beginner_source/examples_tensor/polynomial_numpy.py); the program beside this file is the
// original with a seed, fewer steps and 10 significant digits. Written as a PyTorch user would.
np.random.seed(0)
// Create random input and output data
let x = np.linspace(-Double.pi, Double.pi, 2000)
let y = np.sin(x)

// Randomly initialize weights
var a = np.random.randn()
var b = np.random.randn()
var c = np.random.randn()
var d = np.random.randn()

let learningRate = 1e-6
for t in 0..<200 {
    // Forward pass: compute predicted y = a + b x + c x^2 + d x^3
    let yPred = a + b * x + c * x.pow(2) + d * x.pow(3)

    // Compute and print loss
    let loss = (yPred - y).pow(2).sum().item()
    if t % 20 == 19 {
        print(t, String(format: "%.10g", loss))
    }

    // Backprop to compute gradients of a, b, c, d with respect to loss
    let gradYPred = 2.0 * (yPred - y)
    let gradA = gradYPred.sum().item()
    let gradB = (gradYPred * x).sum().item()
    let gradC = (gradYPred * x.pow(2)).sum().item()
    let gradD = (gradYPred * x.pow(3)).sum().item()

    // Update weights
    a -= learningRate * gradA
    b -= learningRate * gradB
    c -= learningRate * gradC
    d -= learningRate * gradD
}
let (fa, fb, fc, fd) = (String(format: "%.10g", a), String(format: "%.10g", b), String(format: "%.10g", c), String(format: "%.10g", d))
print("Result: y = \(fa) + \(fb) x + \(fc) x^2 + \(fd) x^3")

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: 19 5252.1936
// expect: 39 2503.18482
// expect: 59 2245.931601
// expect: 79 2087.300513
// expect: 99 1942.59812
// expect: 119 1808.117873
// expect: 139 1683.044765
// expect: 159 1566.713688
// expect: 179 1458.509856
// expect: 199 1357.862099
// expect: Result: y = 1.096227661 + 0.3456156638 x + -0.189117445 x^2 + -0.02062728321 x^3
