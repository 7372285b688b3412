// Port of "What is torch.nn really?" (pytorch/tutorials beginner_source/nn_tutorial.py), the
// neural net from scratch, on Runbook's MNIST 5k training digits shuffled once with randperm
// (the program beside this file reads the same digits). Written as a PyTorch user would.
let data = MNIST5k(train: true)
manualSeed(0)
let order = randperm(data.count)
let (xAll, yAll) = data.batch(Array(0..<data.count), flatten: true)
let xTrain = xAll[order]
let yTrain = yAll[order]
let n = xTrain.shape[0]
print(xTrain.shape, yTrain.min(), yTrain.max())

let weights = randn(784, 10) / Double(784).squareRoot()
weights.requiringGrad()
let bias = zeros(10, requiresGrad: true)

func logSoftmax(_ x: Tensor) -> Tensor {
    return x - x.exp().sum(-1).log().unsqueeze(-1)
}

func model(_ xb: Tensor) -> Tensor {
    return logSoftmax(xb.matmul(weights) + bias)
}

let bs = 64  // batch size

var xb = xTrain[0..<bs]  // a mini-batch from x
let preds = model(xb)  // predictions
print(String(format: "%.4f", preds[0][0].item()), preds.shape)

func nll(_ input: Tensor, _ target: Tensor) -> Tensor {
    return -input[arange(target.shape[0]), target].mean()
}

let lossFunc = nll

var yb = yTrain[0..<bs]
print(String(format: "%.4f", lossFunc(preds, yb).item()))

func accuracy(_ out: Tensor, _ yb: Tensor) -> Tensor {
    let preds = argmax(out, dim: 1)
    return (preds == yb).float().mean()
}

print(accuracy(preds, yb))

let lr = 0.5  // learning rate
let epochs = 2  // how many epochs to train for

for epoch in 0..<epochs {
    for i in 0..<((n - 1) / bs + 1) {
        let startI = i * bs
        let endI = startI + bs
        xb = xTrain[startI..<endI]
        yb = yTrain[startI..<endI]
        let pred = model(xb)
        let loss = lossFunc(pred, yb)

        loss.backward()
        noGrad {
            weights -= weights.grad! * lr
            bias -= bias.grad! * lr
            weights.grad!.zero_()
            bias.grad!.zero_()
        }
    }
    let l = String(format: "%.4f", lossFunc(model(xb), yb).item())
    let a = String(format: "%.4f", accuracy(model(xb), yb).item())
    print("epoch \(epoch): loss \(l), accuracy \(a)")
}

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: [4000, 784] tensor(0) tensor(9)
// expect: -2.4282 [64, 10]
// expect: 2.3594
// expect: tensor(0.0625)
// expect: epoch 0: loss 0.2525, accuracy 0.9688
// expect: epoch 1: loss 0.1697, accuracy 1.0000
