// Port of Dive into Deep Learning, 3.4 "Linear Regression Implementation from Scratch"
// (d2l-ai/d2l-en, chapter_linear-regression/linear-regression-scratch.md). Written as a PyTorch
// user would; the minibatch order comes from randperm, as in the program beside this file.
manualSeed(0)

/// Generate y = Xw + b + noise.
func syntheticData(_ w: Tensor, _ b: Double, _ numExamples: Int) -> (Tensor, Tensor) {
    let X = normal(0, 1, [numExamples, w.shape[0]])
    var y = matmul(X, w) + b
    y += normal(0, 0.01, y.shape)
    return (X, y.reshape([-1, 1]))
}

let trueW = tensor([2, -3.4])
let trueB = 4.2
let (features, labels) = syntheticData(trueW, trueB, 1000)
print("features:", features[0], "\nlabel:", labels[0])

func dataIter(_ batchSize: Int, _ features: Tensor, _ labels: Tensor) -> [(Tensor, Tensor)] {
    let numExamples = features.shape[0]
    let indices = randperm(numExamples)
    var batches = [(Tensor, Tensor)]()
    for i in stride(from: 0, to: numExamples, by: batchSize) {
        let batchIndices = indices[i..<min(i + batchSize, numExamples)]
        batches.append((features[batchIndices], labels[batchIndices]))
    }
    return batches
}

let batchSize = 10
let w = normal(0, 0.01, [2, 1], requiresGrad: true)
let b = zeros(1, requiresGrad: true)

/// The linear regression model.
func linreg(_ X: Tensor, _ w: Tensor, _ b: Tensor) -> Tensor {
    return matmul(X, w) + b
}

/// Squared loss.
func squaredLoss(_ yHat: Tensor, _ y: Tensor) -> Tensor {
    return (yHat - y.reshape(yHat.shape)).pow(2) / 2
}

/// Minibatch stochastic gradient descent.
func sgd(_ params: [Tensor], _ lr: Double, _ batchSize: Int) {
    noGrad {
        for param in params {
            param -= lr * param.grad! / batchSize
            param.grad!.zero_()
        }
    }
}

let lr = 0.03
let numEpochs = 3
let net = linreg
let loss = squaredLoss

for epoch in 0..<numEpochs {
    for (X, y) in dataIter(batchSize, features, labels) {
        let l = loss(net(X, w, b), y)  // Minibatch loss in `X` and `y`
        // Compute gradient on `l` with respect to [`w`, `b`]
        l.sum().backward()
        sgd([w, b], lr, batchSize)  // Update parameters using their gradient
    }
    noGrad {
        let trainL = loss(net(features, w, b), labels)
        print("epoch \(epoch + 1), loss \(String(format: "%f", trainL.mean().item()))")
    }
}

print("error in estimating w: \(trueW - w.reshape(trueW.shape))")
print("error in estimating b: \(trueB - b)")

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: features: tensor([-1.1258, -1.1524]) 
// expect: label: tensor([5.8655])
// expect: epoch 1, loss 0.039329
// expect: epoch 2, loss 0.000143
// expect: epoch 3, loss 0.000047
// expect: error in estimating w: tensor([ 5.8532e-05, -7.1383e-04], grad_fn=<SubBackward0>)
// expect: error in estimating b: tensor([0.0012], grad_fn=<RsubBackward1>)
