import Foundation

/// Losses with PyTorch's reductions. Each is a `Module` (printed as `MSELoss()`) called with
/// `(input, target)`.

public enum Reduction: String, Sendable {
    case mean, sum, none

    func apply(_ t: Tensor) throws -> Tensor {
        switch self {
        case .mean: return try t.mean()
        case .sum: return try t.sum()
        case .none: return t
        }
    }
}

/// A loss: a module of two arguments.
open class Loss: Module {
    public let reduction: Reduction
    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
        super.init()
    }

    open func loss(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        throw TensorError("\(typeName): loss(_:_:) is not implemented")
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) throws -> Tensor { try loss(input, target) }

    public override func forward(_ x: Tensor) throws -> Tensor {
        throw TensorError("\(typeName) takes two arguments: (input, target)")
    }
}

/// Mean squared error: (input − target)², reduced.
public final class MSELoss: Loss {
    public override func loss(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try mseLoss(input, target, reduction: reduction)
    }
}

/// Negative log-likelihood of log-probabilities (N, C) at int64 class indices (N).
public final class NLLLoss: Loss {
    public override func loss(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try nllLoss(input, target, reduction: reduction)
    }
}

/// Log-softmax followed by NLL, on raw scores (N, C) and class indices (N).
public final class CrossEntropyLoss: Loss {
    public override func loss(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try nllLoss(input.logSoftmax(dim: 1), target, reduction: reduction)
    }
}

/// Binary cross-entropy of probabilities; the logs are clamped at −100 as in PyTorch.
/// NOTE: as ATen's CPU kernel (Loss.cpp): (t − 1)·max(log1p(−x), −100) − t·max(log(x), −100)
/// with the C library's logf and log1pf; backward g·(x − t)/max((1 − x)·x, 1e-12), then ÷ the
/// count for the mean (measured: every element equal to PyTorch 2.15's, each reduction).
public final class BCELoss: Loss {
    public override func loss(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try checkSameShape(input, target, "BCELoss")
        if input.detach().contiguousData().scalars.contains(where: { !($0 >= 0 && $0 <= 1) }) {
            throw TensorError("BCELoss: all elements of input should be between 0 and 1")
        }
        guard input.dtype == .float32, target.dtype == .float32 else {
            let t = target.detach()
            let logP = input.log().clamp(min: -100), log1mP = try (-input).log1p().clamp(min: -100)
            return try reduction.apply((t - 1) * log1mP - t * logP).named("BinaryCrossEntropyBackward0")
        }
        return try elementwiseLoss(
            input, target, reduction: reduction, name: "BinaryCrossEntropyBackward0",
            { x, t in (t - 1) * Swift.max(Foundation.log1p(-x), -100) - t * Swift.max(Foundation.log(x), -100) },
            derivative: { g, x, t, _ in g * (x - t) / Swift.max((1 - x) * x, 1e-12) })
    }
}

/// (input − target)² reduced. Backward (PyTorch's mse_loss_backward): (input − target)·norm·g
/// with norm = 2/N for the mean.
public func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    guard input.shape == target.shape else {
        throw TensorError("mse_loss: input shape \(input.shape) and target shape \(target.shape) differ")
    }
    let norm = reduction == .mean ? 2.0 / Double(input.count) : 2.0
    if input.dtype == .float32, target.dtype == .float32, input.isContiguous, target.isContiguous, reduction != .none {
        // One pass, rounding as the composed ops below do: d = x − t, d·d summed in double in
        // order, rounded to float, then divided by the count for the mean.
        let n = input.count
        let diff = Tensor(uninitialized: input.shape, dtype: .float32)
        let px = input.pointer(Float.self), pt = target.pointer(Float.self), pd = diff.pointer(Float.self)
        defer { withExtendedLifetime((input, target)) {} }
        var acc = 0.0
        for i in 0..<n {
            let d = px[i] - pt[i]
            pd[i] = d
            acc += Double(d * d)
        }
        let total = Float(acc)
        let out = Tensor(scalar: Double(reduction == .mean ? total / Float(n) : total), dtype: .float32)
        return input.record(out, "MseLossBackward0", [input, target]) { g in
            let gi: Tensor
            if g.dtype == .float32 && g.count == 1 {
                let scale = Float(norm), g0 = g.pointer(Float.self)[0]
                gi = Tensor(uninitialized: input.shape, dtype: .float32)
                let pg = gi.pointer(Float.self)
                for i in 0..<n { pg[i] = pd[i] * scale * g0 }
            } else {
                gi = try diff * norm * g
            }
            return [gi, target.requiresGrad ? try -gi : nil]
        }
    }
    let diff = try noGrad { try input - target }
    let sq = try noGrad { try diff * diff }
    let out = try noGrad { try reduction.apply(sq) }
    return input.record(out, "MseLossBackward0", [input, target]) { g in
        let gi = try diff * norm * g
        return [gi, target.requiresGrad ? try -gi : nil]
    }
}

/// −input[i, target[i]] reduced (mean over the batch). input is (N, C) log-probabilities.
public func nllLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    guard input.rank == 2, target.rank == 1, target.shape[0] == input.shape[0] else {
        throw TensorError(
            "nll_loss: expected input (N, C) and target (N), got input \(input.shape) and target \(target.shape)")
    }
    guard !target.dtype.isFloatingPoint else {
        throw TensorError("nll_loss: expected target of type torch.int64, got \(target.dtype)")
    }
    let (n, c) = (input.shape[0], input.shape[1])
    let labels = target.integers.map(Int.init)
    for (i, l) in labels.enumerated() where l < 0 || l >= c {
        throw TensorError("nll_loss: target \(l) at position \(i) is out of bounds for \(c) classes")
    }
    let x = input.contiguousData()
    let out: Tensor
    if reduction == .none {
        out = Tensor(uninitialized: [n], dtype: input.dtype)
        for i in 0..<n { out.store(i, -x.load(i * c + labels[i])) }
    } else {
        // NOTE: ATen's nll_loss_out_frame: −x summed in 8 levels of chunks of 2^p values
        // (p = max(4, ⌈log₂ n⌉/8)), in the input's type, the levels added in order, then ÷ n
        // for the mean (measured: equal to PyTorch 2.15 at batches of 64 and 1,000).
        let round: (Double) -> Double = input.dtype == .float32 ? { Double(Float($0)) } : { $0 }
        let levels = 8, power = Swift.max(4, ceilLog2(n) / levels), mask = (1 << power) - 1
        var partial = [Double](repeating: 0, count: levels)
        for b in 0..<n {
            partial[0] = round(partial[0] - x.load(b * c + labels[b]))
            for j in 0..<(levels - 1) {
                if b & (mask << (j * power)) != 0 { break }
                partial[j + 1] = round(partial[j + 1] + partial[j])
                partial[j] = 0
            }
        }
        let total = partial.reduce(0) { round($0 + $1) }
        out = Tensor(scalar: reduction == .mean ? round(total / Double(n)) : total, dtype: input.dtype)
    }
    return input.record(out, "NllLossBackward0", [input]) { g in
        let gi = try Tensor.zeros([n, c], dtype: input.dtype)
        let gv = g.contiguousData()
        for i in 0..<n {
            let gi_ = reduction == .none ? gv.load(i) : gv.load(0)
            gi.store(i * c + labels[i], -(reduction == .mean ? gi_ / Double(n) : gi_))
        }
        return [gi]
    }
}

/// Mean (or sum) of |input − target|.
public final class L1Loss: Loss {
    public override func loss(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try checkSameShape(input, target, "L1Loss")
        return try reduction.apply((input - target).abs())
    }
}

/// Huber's loss with threshold `delta`: ½d² where |d| < delta, delta·(|d| − ½delta) elsewhere.
public final class HuberLoss: Loss {
    public let delta: Double
    public init(reduction: Reduction = .mean, delta: Double = 1) {
        self.delta = delta
        super.init(reduction: reduction)
    }
    public override func loss(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try checkSameShape(input, target, "HuberLoss")
        return try reduction.apply(huber(input - target, delta: delta, scale: 1)).named("HuberLossBackward0")
    }
}

/// Smooth L1 with threshold `beta`: ½d²/beta where |d| < beta, |d| − ½beta elsewhere
/// (Huber's loss divided by beta).
public final class SmoothL1Loss: Loss {
    public let beta: Double
    public init(reduction: Reduction = .mean, beta: Double = 1) {
        self.beta = beta
        super.init(reduction: reduction)
    }
    public override func loss(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try checkSameShape(input, target, "SmoothL1Loss")
        return try reduction.apply(huber(input - target, delta: beta, scale: 1 / beta)).named("SmoothL1LossBackward0")
    }
}

/// Binary cross-entropy on raw scores, in PyTorch's stable form (1 − t)·x − logσ(x).
/// NOTE: as ATen: logσ(x) by its vector kernel, min(x, 0) − log1p(exp(−|x|)) with Sleef's expf
/// and log1pf; backward (σ(x) − t)·g, then ÷ the count for the mean, σ as `sigmoid` (the C
/// library's expf in the scalar tail) (measured: every element equal to PyTorch 2.15's, each
/// reduction).
public final class BCEWithLogitsLoss: Loss {
    public override func loss(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try checkSameShape(input, target, "BCEWithLogitsLoss")
        guard input.dtype == .float32, target.dtype == .float32 else {
            let t = target.detach()
            return try reduction.apply(input.clamp(min: 0) - input * t + (-input.abs()).exp().log1p())
                .named("BinaryCrossEntropyWithLogitsBackward0")
        }
        return try elementwiseLoss(
            input, target, reduction: reduction, name: "BinaryCrossEntropyWithLogitsBackward0",
            { x, t in (1 - t) * x - (Swift.min(x, 0) - sleefLog1pf(sleefExpf(-Swift.abs(x)))) },
            derivative: { g, x, t, scalar in (1 / (1 + (scalar ? Float.exp(-x) : sleefExpf(-x))) - t) * g })
    }
}

/// An element-wise loss `value(x, t)` of two float32 tensors of one shape, reduced, with its
/// gradient `derivative(g, x, t, scalar)` per element (÷ the count for the mean, as ATen's
/// backward kernels divide last; `scalar`: the element is in the tail ATen's vector loops leave to
/// scalar code, see `unary`). The target gets no gradient.
func elementwiseLoss(
    _ input: Tensor, _ target: Tensor, reduction: Reduction, name: String, _ value: (Float, Float) -> Float,
    derivative: @escaping (Float, Float, Float, Bool) -> Float
) throws -> Tensor {
    let x = input.detach().contiguousData(), t = target.detach().contiguousData()
    let n = x.count
    let each = Tensor(uninitialized: input.shape, dtype: .float32)
    withExtendedLifetime((x, t)) {
        let px = x.pointer(Float.self), pt = t.pointer(Float.self), pe = each.pointer(Float.self)
        for i in 0..<n { pe[i] = value(px[i], pt[i]) }
    }
    let out = try noGrad { try reduction.apply(each) }
    return input.record(out, name, [input]) { g in
        let g = try (g.dtype == .float32 ? g : g.to(.float32)).broadcast(to: input.shape).contiguousData()
        let dx = Tensor(uninitialized: input.shape, dtype: .float32)
        withExtendedLifetime((x, t, g)) {
            let px = x.pointer(Float.self), pt = t.pointer(Float.self), pg = g.pointer(Float.self)
            let pd = dx.pointer(Float.self), count = Float(n), tail = n - n % 32
            for i in 0..<n {
                let d = derivative(pg[i], px[i], pt[i], i >= tail)
                pd[i] = reduction == .mean ? d / count : d
            }
        }
        return [dx]
    }
}

func checkSameShape(_ input: Tensor, _ target: Tensor, _ name: String) throws {
    guard input.shape == target.shape else {
        throw TensorError("\(name): target shape \(target.shape) must match input shape \(input.shape)")
    }
}

/// scale · (|d| < delta ? ½d² : delta·(|d| − ½delta)), with the gradient of each branch.
func huber(_ d: Tensor, delta: Double, scale: Double) throws -> Tensor {
    let a = d.abs()
    let small = try a.lt(a.scalarLike(delta))
    let quadratic = try d * d * 0.5
    let linear = try (a - 0.5 * delta) * delta
    return try Tensor.where(small, quadratic, linear) * scale
}

extension Tensor {
    /// The tensor with its graph node named as PyTorch names the fused op it stands for (a loss
    /// composed here of several ops prints as PyTorch's one).
    func named(_ gradFnName: String) -> Tensor {
        gradFn?.name = gradFnName
        return self
    }
}
