/// RMSprop and Adagrad, step for step as `torch.optim`'s single-tensor CPU path.

/// RMSprop as `torch.optim.RMSprop` (no momentum, not centered):
///
///     g = grad + weightDecay·p
///     s = α·s + (1 − α)·g²
///     p = p − lr · g / (√s + ε)
public final class RMSprop: Optimizer {
    public let alpha: Double, eps: Double, weightDecay: Double
    var squareAverages: [Int: Tensor] = [:]

    public init(
        _ parameters: [Tensor], lr: Double = 0.01, alpha: Double = 0.99, eps: Double = 1e-8,
        weightDecay: Double = 0
    ) throws {
        guard alpha >= 0, eps >= 0, weightDecay >= 0 else {
            throw TensorError("RMSprop: invalid alpha, eps or weight_decay value")
        }
        self.alpha = alpha
        self.eps = eps
        self.weightDecay = weightDecay
        try super.init(parameters, lr: lr)
    }

    public override var settings: [(String, String)] {
        [
            ("alpha", format(alpha)), ("eps", format(eps)), ("weight_decay", format(weightDecay)), ("momentum", "0"),
            ("centered", "False"), ("capturable", "False"), ("differentiable", "False"), ("foreach", "None"),
            ("maximize", "False"),
        ]
    }

    public override func update(_ p: Tensor, grad: Tensor, index: Int) throws {
        var g = grad
        if weightDecay != 0 { g = try g.contiguousCopy().add_(p, alpha: weightDecay) }
        let s = try squareAverages[index] ?? Tensor.zeros(p.shape, dtype: p.dtype)
        squareAverages[index] = s
        // square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        try s.mul_(alpha).addcmul_(g, g, value: 1 - alpha)
        // avg = square_avg.sqrt().add_(eps); param.addcdiv_(grad, avg, value=-lr)
        let avg = try s.sqrt().add_(eps)
        try p.addcdiv_(g, avg, value: -lr)
    }
}

/// Adagrad as `torch.optim.Adagrad`:
///
///     g = grad + weightDecay·p
///     sum = sum + g²
///     p = p − lr/(1 + (t − 1)·lrDecay) · g / (√sum + ε)
public final class Adagrad: Optimizer {
    public let lrDecay: Double, weightDecay: Double, eps: Double, initialAccumulator: Double
    var sums: [Int: Tensor] = [:], steps: [Int: Int] = [:]

    public init(
        _ parameters: [Tensor], lr: Double = 0.01, lrDecay: Double = 0, weightDecay: Double = 0,
        initialAccumulatorValue: Double = 0, eps: Double = 1e-10
    ) throws {
        guard lrDecay >= 0, weightDecay >= 0, initialAccumulatorValue >= 0, eps >= 0 else {
            throw TensorError("Adagrad: invalid lr_decay, weight_decay, initial_accumulator_value or eps")
        }
        self.lrDecay = lrDecay
        self.weightDecay = weightDecay
        self.eps = eps
        initialAccumulator = initialAccumulatorValue
        try super.init(parameters, lr: lr)
    }

    public override var settings: [(String, String)] {
        [
            ("lr_decay", format(lrDecay)), ("weight_decay", format(weightDecay)),
            ("initial_accumulator_value", format(initialAccumulator)), ("eps", format(eps)),
            ("differentiable", "False"),
            ("foreach", "None"), ("fused", "None"), ("maximize", "False"),
        ]
    }

    public override func update(_ p: Tensor, grad: Tensor, index: Int) throws {
        var g = grad
        if weightDecay != 0 { g = try g.contiguousCopy().add_(p, alpha: weightDecay) }
        let sum = try sums[index] ?? Tensor.full(p.shape, initialAccumulator, dtype: p.dtype)
        sums[index] = sum
        let t = (steps[index] ?? 0) + 1
        steps[index] = t
        let clr = lr / (1 + Double(t - 1) * lrDecay)
        // state_sum.addcmul_(grad, grad, value=1); std = state_sum.sqrt().add_(eps)
        // param.addcdiv_(grad, std, value=-clr)
        try sum.addcmul_(g, g)
        let std = try sum.sqrt().add_(eps)
        try p.addcdiv_(g, std, value: -clr)
    }
}

/// `torch.optim.lr_scheduler.StepLR`: every `stepSize` calls of `step()`, the learning rate is
/// multiplied by `gamma` (the chainable form PyTorch uses).
public final class StepLR {
    public let optimizer: Optimizer
    public let stepSize: Int, gamma: Double
    public private(set) var lastEpoch = 0

    public init(_ optimizer: Optimizer, stepSize: Int, gamma: Double = 0.1) throws {
        guard stepSize > 0 else { throw TensorError("StepLR: step_size must be positive, got \(stepSize)") }
        self.optimizer = optimizer
        self.stepSize = stepSize
        self.gamma = gamma
    }

    public func step() {
        lastEpoch += 1
        if lastEpoch % stepSize == 0 { optimizer.lr *= gamma }
    }
}
