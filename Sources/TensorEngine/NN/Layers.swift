import Foundation

/// `y = x·Wᵀ + b`. x is (…, in), W is (out, in), b is (out).
/// Initialised as PyTorch does: W ~ kaiming_uniform(a: √5), b ~ U(±1/√in), weight first.
///
///     let layer = try Linear(1, 5)      // after manualSeed(2): 0.2294, -0.2380, …
public final class Linear: Module {
    public let inFeatures: Int, outFeatures: Int

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                generator: TorchGenerator = .global) throws {
        guard inFeatures >= 0, outFeatures >= 0 else {
            throw TensorError("Linear: feature counts must be non-negative, got in_features=\(inFeatures), out_features=\(outFeatures)")
        }
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        super.init()
        let w = try Tensor.zeros([outFeatures, inFeatures])
        try Init.kaimingUniform_(w, a: 5.0.squareRoot(), generator: generator)
        registerParameter("weight", w)
        if bias {
            let bound = inFeatures > 0 ? 1 / Double(inFeatures).squareRoot() : 0
            registerParameter("bias", try Tensor.zeros([outFeatures]).uniform_(from: -bound, to: bound, generator: generator))
        } else {
            registerParameter("bias", nil)
        }
    }

    public var weight: Tensor {
        get { parameter("weight")! }
        set { registerParameter("weight", newValue) }
    }

    public var bias: Tensor? {
        get { parameter("bias") }
        set { registerParameter("bias", newValue) }
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try linear(x, weight: weight, bias: bias)
    }

    public override var extraDescription: String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(bias == nil ? "False" : "True")"
    }
}

public final class ReLU: Module {
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.relu() }
}

public final class Sigmoid: Module {
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.sigmoid() }
}

public final class Tanh: Module {
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.tanh() }
}

public final class Softmax: Module {
    public let dim: Int
    public init(dim: Int) { self.dim = dim; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.softmax(dim: dim) }
    public override var extraDescription: String { "dim=\(dim)" }
}

public final class LogSoftmax: Module {
    public let dim: Int
    public init(dim: Int) { self.dim = dim; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.logSoftmax(dim: dim) }
    public override var extraDescription: String { "dim=\(dim)" }
}

/// Merges dimensions `startDim...endDim` (by default all but the batch dimension).
public final class Flatten: Module {
    public let startDim: Int, endDim: Int
    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.flatten(startDim: startDim, endDim: endDim) }
    public override var extraDescription: String { "start_dim=\(startDim), end_dim=\(endDim)" }
}
