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

/// `leakyRelu` as a layer.
public final class LeakyReLU: Module {
    public let negativeSlope: Double
    public init(negativeSlope: Double = 0.01) { self.negativeSlope = negativeSlope; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.leakyRelu(negativeSlope: negativeSlope) }
    public override var extraDescription: String { "negative_slope=\(pythonFloat(negativeSlope))" }
}

/// `elu` as a layer.
public final class ELU: Module {
    public let alpha: Double
    public init(alpha: Double = 1) { self.alpha = alpha; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.elu(alpha: alpha) }
    public override var extraDescription: String { "alpha=\(pythonFloat(alpha))" }
}

/// `gelu` as a layer (exact, not the tanh approximation).
public final class GELU: Module {
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.gelu() }
    public override var extraDescription: String { "approximate='none'" }
}

/// `softplus` as a layer.
public final class Softplus: Module {
    public let beta: Double, threshold: Double
    public init(beta: Double = 1, threshold: Double = 20) { self.beta = beta; self.threshold = threshold; super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x.softplus(beta: beta, threshold: threshold) }
    public override var extraDescription: String { "beta=\(pythonFloat(beta)), threshold=\(pythonFloat(threshold))" }
}

/// Passes its input through unchanged.
public final class Identity: Module {
    public override init() { super.init() }
    public override func forward(_ x: Tensor) throws -> Tensor { x }
}

/// A lookup table: row `i` of `weight` (numEmbeddings, embeddingDim) for each index `i`.
/// Initialised as PyTorch does: weight ~ N(0, 1).
public final class Embedding: Module {
    public let numEmbeddings: Int, embeddingDim: Int

    public init(_ numEmbeddings: Int, _ embeddingDim: Int, generator: TorchGenerator = .global) throws {
        guard numEmbeddings > 0, embeddingDim > 0 else {
            throw TensorError("Embedding: sizes must be positive, got \(numEmbeddings) and \(embeddingDim)")
        }
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        super.init()
        registerParameter("weight", try Tensor.zeros([numEmbeddings, embeddingDim]).normal_(generator: generator))
    }

    /// indices (…) int64 → (…, embeddingDim). Backward: rows of the gradient added up per index.
    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.dtype == .int64 else {
            throw TensorError("Embedding: expected an int64 tensor of indices, got \(x.dtype)")
        }
        return try parameter("weight")!.index([.tensor(x)])
    }

    public override var extraDescription: String { "\(numEmbeddings), \(embeddingDim)" }
}

/// Batch normalisation over (N, C) inputs, as `torch.nn.BatchNorm1d`: in training, each feature
/// is normalised with the batch mean and biased variance, and the running statistics move by
/// `momentum` (with the unbiased variance); in evaluation the running statistics are used.
/// NOTE: the running statistics are not saved by `saveWeights` (they are buffers, not parameters).
public final class BatchNorm1d: Module {
    public let numFeatures: Int, eps: Double, momentum: Double
    public private(set) var runningMean: Tensor, runningVar: Tensor

    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1) throws {
        guard numFeatures > 0 else { throw TensorError("BatchNorm1d: num_features must be positive") }
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        runningMean = try Tensor.zeros([numFeatures])
        runningVar = try Tensor.ones([numFeatures])
        super.init()
        registerParameter("weight", try Tensor.ones([numFeatures]))
        registerParameter("bias", try Tensor.zeros([numFeatures]))
    }

    /// x (N, C) → (N, C).
    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 2, x.shape[1] == numFeatures else {
            throw TensorError("BatchNorm1d: expected input of shape (N, \(numFeatures)), got \(x.shape)")
        }
        let mean: Tensor, variance: Tensor
        if training {
            let n = x.shape[0]
            guard n > 1 else { throw TensorError("BatchNorm1d: expected more than 1 value per channel when training, got input size \(x.shape)") }
            mean = try x.mean(dim: 0)
            let centered = try x - mean
            variance = try (centered * centered).mean(dim: 0)
            try noGrad {
                let unbiased = try variance.detach() * (Double(n) / Double(n - 1))
                try runningMean.mul_(1 - momentum).add_(mean.detach(), alpha: momentum)
                try runningVar.mul_(1 - momentum).add_(unbiased, alpha: momentum)
            }
        } else {
            mean = runningMean
            variance = runningVar
        }
        let normalized = try (x - mean) / (variance + eps).sqrt()
        return try normalized * parameter("weight")! + parameter("bias")!
    }

    public override var extraDescription: String {
        "\(numFeatures), eps=\(pythonFloat(eps)), momentum=\(pythonFloat(momentum)), affine=True, bias=True, track_running_stats=True"
    }
}

/// A float as Python's `repr` writes it (`0.01`, `1.0`, `1e-05`).
func pythonFloat(_ x: Double) -> String {
    if x == x.rounded() && Swift.abs(x) < 1e16 { return String(format: "%.1f", x) }
    return "\(x)"
}
