import Foundation

/// `y = x·Wᵀ + b`. x is (…, in), W is (out, in), b is (out).
/// Initialised as PyTorch does: W ~ kaiming_uniform(a: √5), b ~ U(±1/√in), weight first.
///
///     let layer = try Linear(1, 5)      // after manualSeed(2): 0.2294, -0.2380, …
public final class Linear: Module {
    public let inFeatures: Int, outFeatures: Int

    public init(
        _ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
        generator: TorchGenerator = .global
    ) throws {
        guard inFeatures >= 0, outFeatures >= 0 else {
            throw TensorError(
                "Linear: feature counts must be non-negative, got in_features=\(inFeatures), out_features=\(outFeatures)"
            )
        }
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        super.init()
        let w = try Tensor.zeros([outFeatures, inFeatures])
        try Init.kaimingUniform_(w, a: 5.0.squareRoot(), generator: generator)
        registerParameter("weight", w)
        if bias {
            let bound = inFeatures > 0 ? 1 / Double(inFeatures).squareRoot() : 0
            registerParameter(
                "bias", try Tensor.zeros([outFeatures]).uniform_(from: -bound, to: bound, generator: generator))
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
    public init(dim: Int) {
        self.dim = dim
        super.init()
    }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.softmax(dim: dim) }
    public override var extraDescription: String { "dim=\(dim)" }
}

public final class LogSoftmax: Module {
    public let dim: Int
    public init(dim: Int) {
        self.dim = dim
        super.init()
    }
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
    public init(negativeSlope: Double = 0.01) {
        self.negativeSlope = negativeSlope
        super.init()
    }
    public override func forward(_ x: Tensor) throws -> Tensor { x.leakyRelu(negativeSlope: negativeSlope) }
    public override var extraDescription: String { "negative_slope=\(pythonFloat(negativeSlope))" }
}

/// `elu` as a layer.
public final class ELU: Module {
    public let alpha: Double
    public init(alpha: Double = 1) {
        self.alpha = alpha
        super.init()
    }
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
    public init(beta: Double = 1, threshold: Double = 20) {
        self.beta = beta
        self.threshold = threshold
        super.init()
    }
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
        let out = try parameter("weight")!.index([.tensor(x)])
        out.gradFn?.name = "EmbeddingBackward0"
        return out
    }

    public override var extraDescription: String { "\(numEmbeddings), \(embeddingDim)" }
}

/// Batch normalisation over (N, C) inputs, as `torch.nn.BatchNorm1d`: in training, each feature
/// is normalised with the batch mean and biased variance, and the running statistics move by
/// `momentum` (with the unbiased variance); in evaluation the running statistics are used.
/// NOTE: the running statistics are not saved by `saveWeights` (they are buffers, not parameters).
public final class BatchNorm1d: Module {
    public let numFeatures: Int, eps: Double, momentum: Double
    public var runningMean: Tensor { buffer("running_mean")! }
    public var runningVar: Tensor { buffer("running_var")! }

    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1) throws {
        guard numFeatures > 0 else { throw TensorError("BatchNorm1d: num_features must be positive") }
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        super.init()
        registerBuffer("running_mean", try Tensor.zeros([numFeatures]))
        registerBuffer("running_var", try Tensor.ones([numFeatures]))
        registerParameter("weight", try Tensor.ones([numFeatures]))
        registerParameter("bias", try Tensor.zeros([numFeatures]))
    }

    /// x (N, C) → (N, C): y = x·α + β with α = weight/√(var + eps), β = bias − mean·α.
    /// NOTE: as ATen's batch_norm CPU kernel: batch mean and variance accumulated in double,
    /// then the folded α and β in float32, y = fma(x, α, β) as its vectorised loop. Backward:
    /// dx = α/N · (N·g − Σg − x̂·Σ(g·x̂)), dweight = Σ(g·x̂), dbias = Σg.
    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 2, x.shape[1] == numFeatures else {
            throw TensorError("BatchNorm1d: expected input of shape (N, \(numFeatures)), got \(x.shape)")
        }
        let n = x.shape[0], c = numFeatures
        let runningMean = self.runningMean, runningVar = self.runningVar
        let weight = parameter("weight")!, bias = parameter("bias")!
        let values = x.contiguousData()
        var mean = [Double](repeating: 0, count: c), invstd = [Double](repeating: 0, count: c)
        if training {
            guard n > 1 else {
                throw TensorError(
                    "BatchNorm1d: expected more than 1 value per channel when training, got input size \(x.shape)")
            }
            for j in 0..<c {
                var sum = 0.0
                for i in 0..<n { sum += values.load(i * c + j) }
                mean[j] = sum / Double(n)
                var squares = 0.0
                for i in 0..<n { squares += (values.load(i * c + j) - mean[j]) * (values.load(i * c + j) - mean[j]) }
                invstd[j] = 1 / (squares / Double(n) + eps).squareRoot()
                let unbiased = squares / Double(n - 1)
                runningMean.store(j, (1 - momentum) * runningMean.load(j) + momentum * mean[j])
                runningVar.store(j, (1 - momentum) * runningVar.load(j) + momentum * unbiased)
            }
        } else {
            for j in 0..<c {
                mean[j] = runningMean.load(j)
                invstd[j] = 1 / (runningVar.load(j) + eps).squareRoot()
            }
        }
        let out = Tensor(uninitialized: x.shape, dtype: .float32)
        for j in 0..<c {
            let alpha = Float(invstd[j]) * Float(weight.load(weight.offset + j * weight.strides[0]))
            let beta = Float(bias.load(bias.offset + j * bias.strides[0])) - Float(mean[j]) * alpha
            for i in 0..<n { out.store(i * c + j, Double(beta.addingProduct(Float(values.load(i * c + j)), alpha))) }
        }
        let training = self.training
        let meanT = try Tensor(mean, shape: [c], dtype: .float32),
            invstdT = try Tensor(invstd, shape: [c], dtype: .float32)
        return x.record(out, "NativeBatchNormBackward0", [x, weight, bias]) { g in
            let xhat = try (x.detach() - meanT) * invstdT
            let alpha = try invstdT * weight.detach()
            let dbias = try g.sum(dim: 0), dweight = try (g * xhat).sum(dim: 0)
            guard training else { return [try g * alpha, dweight, dbias] }
            let dx = try (g * Double(n) - dbias - xhat * dweight) * alpha / Double(n)
            return [dx, dweight, dbias]
        }
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
