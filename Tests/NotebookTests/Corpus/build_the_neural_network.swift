// Port of "Build the Neural Network" (Learn the Basics; pytorch/tutorials
// beginner_source/basics/buildmodel_tutorial.py). Written as a PyTorch user would.
class NeuralNetwork: Module {
    let flatten = Flatten()
    let linear_relu_stack = Sequential(
        Linear(28 * 28, 512),
        ReLU(),
        Linear(512, 512),
        ReLU(),
        Linear(512, 10)
    )

    func forward(_ x: Tensor) -> Tensor {
        let logits = linear_relu_stack(flatten(x))
        return logits
    }
}

manualSeed(0)
let model = NeuralNetwork()
print(model)

let X = rand(1, 28, 28)
var logits = model(X)
var predProbab = Softmax(dim: 1)(logits)
let yPred = predProbab.argmax(1)
print("Predicted class: \(yPred)")

var inputImage = rand(3, 28, 28)
print(inputImage.size())

let flatten = Flatten()
let flatImage = flatten(inputImage)
print(flatImage.size())

let layer1 = Linear(28 * 28, 20)
var hidden1 = layer1(flatImage)
print(hidden1.size())

print("Before ReLU: \(hidden1)\n\n")
hidden1 = ReLU()(hidden1)
print("After ReLU: \(hidden1)")

let seqModules = Sequential(
    flatten,
    layer1,
    ReLU(),
    Linear(20, 10)
)
inputImage = rand(3, 28, 28)
logits = seqModules(inputImage)

let softmax = Softmax(dim: 1)
predProbab = softmax(logits)
print(predProbab)

print("Model structure: \(model)\n\n")

for (name, param) in model.namedParameters() {
    print("Layer: \(name) | Size: \(param.size()) | Values : \(param[..<2]) \n")
}

// The output, recorded from the PyTorch program beside this file (record.py):
// expect: NeuralNetwork(
// expect:   (flatten): Flatten(start_dim=1, end_dim=-1)
// expect:   (linear_relu_stack): Sequential(
// expect:     (0): Linear(in_features=784, out_features=512, bias=True)
// expect:     (1): ReLU()
// expect:     (2): Linear(in_features=512, out_features=512, bias=True)
// expect:     (3): ReLU()
// expect:     (4): Linear(in_features=512, out_features=10, bias=True)
// expect:   )
// expect: )
// expect: Predicted class: tensor([1])
// expect: [3, 28, 28]
// expect: [3, 784]
// expect: [3, 20]
// expect: Before ReLU: tensor([[ 0.3432,  0.4017,  0.5258, -0.2133,  0.1780, -0.4737, -0.3011,  0.3905,
// expect:           0.3399, -0.1495, -0.3601, -0.2371, -0.2312,  0.3117,  0.4915, -0.5154,
// expect:          -0.1512,  0.0494, -0.3462,  0.4031],
// expect:         [ 0.3284,  0.1825, -0.1181, -0.0112,  0.3111, -0.2115, -0.2090,  0.1090,
// expect:           0.0864, -0.1658, -0.4436, -0.2709, -0.2593,  0.1913,  0.3648, -0.1583,
// expect:           0.0770,  0.0910, -0.2152,  0.7398],
// expect:         [ 0.0927,  0.3688,  0.4693, -0.1588,  0.0698, -0.4310, -0.0757,  0.1459,
// expect:           0.3058, -0.0290, -0.3003, -0.4151, -0.1969,  0.5748,  0.2176, -0.5745,
// expect:          -0.1003, -0.1242, -0.2478,  0.7332]], grad_fn=<AddmmBackward0>)
// expect: 
// expect: 
// expect: After ReLU: tensor([[0.3432, 0.4017, 0.5258, 0.0000, 0.1780, 0.0000, 0.0000, 0.3905, 0.3399,
// expect:          0.0000, 0.0000, 0.0000, 0.0000, 0.3117, 0.4915, 0.0000, 0.0000, 0.0494,
// expect:          0.0000, 0.4031],
// expect:         [0.3284, 0.1825, 0.0000, 0.0000, 0.3111, 0.0000, 0.0000, 0.1090, 0.0864,
// expect:          0.0000, 0.0000, 0.0000, 0.0000, 0.1913, 0.3648, 0.0000, 0.0770, 0.0910,
// expect:          0.0000, 0.7398],
// expect:         [0.0927, 0.3688, 0.4693, 0.0000, 0.0698, 0.0000, 0.0000, 0.1459, 0.3058,
// expect:          0.0000, 0.0000, 0.0000, 0.0000, 0.5748, 0.2176, 0.0000, 0.0000, 0.0000,
// expect:          0.0000, 0.7332]], grad_fn=<ReluBackward0>)
// expect: tensor([[0.1152, 0.0730, 0.1015, 0.0997, 0.0828, 0.1157, 0.1262, 0.1316, 0.0709,
// expect:          0.0834],
// expect:         [0.1168, 0.0739, 0.0937, 0.1051, 0.0887, 0.1102, 0.1279, 0.1319, 0.0687,
// expect:          0.0831],
// expect:         [0.1224, 0.0723, 0.0880, 0.1084, 0.0877, 0.1101, 0.1306, 0.1287, 0.0730,
// expect:          0.0789]], grad_fn=<SoftmaxBackward0>)
// expect: Model structure: NeuralNetwork(
// expect:   (flatten): Flatten(start_dim=1, end_dim=-1)
// expect:   (linear_relu_stack): Sequential(
// expect:     (0): Linear(in_features=784, out_features=512, bias=True)
// expect:     (1): ReLU()
// expect:     (2): Linear(in_features=512, out_features=512, bias=True)
// expect:     (3): ReLU()
// expect:     (4): Linear(in_features=512, out_features=10, bias=True)
// expect:   )
// expect: )
// expect: 
// expect: 
// expect: Layer: linear_relu_stack.0.weight | Size: [512, 784] | Values : tensor([[-0.0003,  0.0192, -0.0294,  ...,  0.0219,  0.0037,  0.0021],
// expect:         [-0.0198, -0.0150, -0.0104,  ..., -0.0203, -0.0060, -0.0299]],
// expect:        grad_fn=<SliceBackward0>) 
// expect: 
// expect: Layer: linear_relu_stack.0.bias | Size: [512] | Values : tensor([0.0320, 0.0142], grad_fn=<SliceBackward0>) 
// expect: 
// expect: Layer: linear_relu_stack.2.weight | Size: [512, 512] | Values : tensor([[ 0.0217,  0.0426, -0.0431,  ...,  0.0227,  0.0204,  0.0404],
// expect:         [-0.0165, -0.0338, -0.0328,  ..., -0.0084, -0.0116, -0.0251]],
// expect:        grad_fn=<SliceBackward0>) 
// expect: 
// expect: Layer: linear_relu_stack.2.bias | Size: [512] | Values : tensor([0.0156, 0.0262], grad_fn=<SliceBackward0>) 
// expect: 
// expect: Layer: linear_relu_stack.4.weight | Size: [10, 512] | Values : tensor([[-0.0299, -0.0093,  0.0166,  ...,  0.0170, -0.0347,  0.0053],
// expect:         [ 0.0414, -0.0066, -0.0315,  ..., -0.0322, -0.0363,  0.0382]],
// expect:        grad_fn=<SliceBackward0>) 
// expect: 
// expect: Layer: linear_relu_stack.4.bias | Size: [10] | Values : tensor([0.0432, 0.0425], grad_fn=<SliceBackward0>) 
// expect: 
