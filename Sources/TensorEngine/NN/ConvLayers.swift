/// `Conv2d`, `MaxPool2d` and `Dropout` layers, initialised and printed as PyTorch's.

public final class Conv2d: Module {
    public let inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, padding: Int

    /// Weight (out, in, k, k) ~ kaiming_uniform(a: √5), bias ~ U(±1/√(in·k·k)), weight first.
    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, generator: TorchGenerator = .global
    ) throws {
        guard inChannels > 0, outChannels > 0, kernelSize > 0, stride > 0, padding >= 0 else {
            throw TensorError("Conv2d: channels, kernel size and stride must be positive and padding non-negative")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        super.init()
        let w = try Tensor.zeros([outChannels, inChannels, kernelSize, kernelSize])
        try Init.kaimingUniform_(w, a: 5.0.squareRoot(), generator: generator)
        registerParameter("weight", w)
        if bias {
            let bound = 1 / Double(inChannels * kernelSize * kernelSize).squareRoot()
            registerParameter(
                "bias", try Tensor.zeros([outChannels]).uniform_(from: -bound, to: bound, generator: generator))
        } else {
            registerParameter("bias", nil)
        }
    }

    public var weight: Tensor { parameter("weight")! }
    public var bias: Tensor? { parameter("bias") }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try x.conv2d(weight, bias: bias, stride: stride, padding: padding)
    }

    public override var extraDescription: String {
        var s =
            "\(inChannels), \(outChannels), kernel_size=(\(kernelSize), \(kernelSize)), stride=(\(stride), \(stride))"
        if padding != 0 { s += ", padding=(\(padding), \(padding))" }
        if bias == nil { s += ", bias=False" }
        return s
    }
}

public final class MaxPool2d: Module {
    public let kernelSize: Int, stride: Int
    public init(_ kernelSize: Int, stride: Int? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        super.init()
    }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.maxPool2d(kernel: kernelSize, stride: stride) }
    public override var extraDescription: String {
        "kernel_size=\(kernelSize), stride=\(stride), padding=0, dilation=1, ceil_mode=False"
    }
}

public final class Dropout: Module {
    public let p: Double
    let generator: TorchGenerator
    public init(_ p: Double = 0.5, generator: TorchGenerator = .global) throws {
        guard p >= 0 && p <= 1 else {
            throw TensorError("Dropout: probability has to be between 0 and 1, but got \(p)")
        }
        self.p = p
        self.generator = generator
        super.init()
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try x.dropout(p, training: training, generator: generator)
    }
    public override var extraDescription: String { "p=\(p), inplace=False" }
}
