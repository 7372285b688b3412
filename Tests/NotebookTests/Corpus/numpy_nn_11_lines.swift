// Port of "A Neural Network in 11 lines of Python (Part 1)", Andrew Trask (iamtrask.github.io,
// 2015-07-12): the 2-layer network in numpy. Written as a numpy user would.

// sigmoid function
func nonlin(_ x: Tensor, deriv: Bool = false) -> Tensor {
    if deriv {
        return x * (1 - x)
    }
    return 1 / (1 + np.exp(-x))
}

// input dataset
let X = np.array([[0, 0, 1],
                  [0, 1, 1],
                  [1, 0, 1],
                  [1, 1, 1]])

// output dataset
let y = np.array([[0, 0, 1, 1]]).T

// seed random numbers to make calculation deterministic (just a good practice)
np.random.seed(1)

// initialize weights randomly with mean 0
let syn0 = 2 * np.random.random([3, 1]) - 1

var l1 = syn0
for iter in 0..<10000 {
    // forward propagation
    let l0 = X
    l1 = nonlin(np.dot(l0, syn0))

    // how much did we miss?
    let l1Error = y - l1

    // multiply how much we missed by the slope of the sigmoid at the values in l1
    let l1Delta = l1Error * nonlin(l1, deriv: true)

    // update weights
    syn0 += np.dot(l0.T, l1Delta)
}

print("Output After Training:")
for row in l1 {
    print(String(format: "%.8f", row[0].item()))
}
print("Weights:", syn0[0..., 0].tolist().map { String(format: "%.6f", $0) }.joined(separator: " "))

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: Output After Training:
// expect: 0.00966449
// expect: 0.00786506
// expect: 0.99358898
// expect: 0.99211957
// expect: Weights: 9.672993 -0.207843 -4.629637
