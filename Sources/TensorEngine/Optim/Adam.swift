import Foundation

/// Adam exactly as `torch.optim.Adam`'s single-tensor path (torch/optim/adam.py):
///
///     g = grad + weightDecay·p                      grad.add(param, alpha=weight_decay)
///     m = lerp(m, g, 1 − β1)                        exp_avg.lerp_(grad, 1 - beta1)
///     v = β2·v + (1 − β2)·g·g                       exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
///     p = p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)   param.addcdiv_(exp_avg, denom, value=-step_size)
public class Adam: Optimizer {
    public let beta1: Double, beta2: Double, eps: Double, weightDecay: Double
    var m: [Int: Tensor] = [:], v: [Int: Tensor] = [:], steps: [Int: Int] = [:]

    public init(
        _ parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        eps: Double = 1e-8, weightDecay: Double = 0
    ) throws {
        guard (0..<1).contains(betas.0), (0..<1).contains(betas.1) else {
            throw TensorError("Adam: invalid beta parameters \(betas)")
        }
        guard eps >= 0, weightDecay >= 0 else { throw TensorError("Adam: invalid epsilon or weight_decay") }
        beta1 = betas.0
        beta2 = betas.1
        self.eps = eps
        self.weightDecay = weightDecay
        try super.init(parameters, lr: lr)
    }

    public override var settings: [(String, String)] {
        [
            ("betas", "(\(format(beta1)), \(format(beta2)))"), ("eps", format(eps)),
            ("weight_decay", format(weightDecay)),
            ("amsgrad", "False"), ("capturable", "False"), ("decoupled_weight_decay", self is AdamW ? "True" : "False"),
            ("differentiable", "False"), ("foreach", "None"), ("fused", "None"), ("maximize", "False"),
        ]
    }

    public override func update(_ p: Tensor, grad: Tensor, index: Int) throws {
        try adamStep(p, grad: grad, index: index, coupledDecay: weightDecay)
    }

    func adamStep(_ p: Tensor, grad: Tensor, index: Int, coupledDecay weightDecay: Double) throws {
        var g = grad
        if weightDecay != 0 { g = try g.contiguousCopy().add_(p, alpha: weightDecay) }
        let mt = try m[index] ?? Tensor.zeros(p.shape, dtype: p.dtype)
        let vt = try v[index] ?? Tensor.zeros(p.shape, dtype: p.dtype)
        m[index] = mt
        v[index] = vt
        let t = (steps[index] ?? 0) + 1
        steps[index] = t
        // NOTE: lerp_, addcmul_ and addcdiv_ round as ATen's kernels (fused where they fuse): a
        // rewrite such as m + (1 − β1)(g − m) drifts from PyTorch by an ulp within a few steps.
        try mt.lerp_(g, weight: 1 - beta1)
        try vt.mul_(beta2).addcmul_(g, g, value: 1 - beta2)
        let bias1 = 1 - Foundation.pow(beta1, Double(t)), bias2 = 1 - Foundation.pow(beta2, Double(t))
        let denom = try (vt.sqrt() / bias2.squareRoot()).add_(eps)
        try p.addcdiv_(mt, denom, value: -(lr / bias1))
    }
}

/// AdamW as `torch.optim.AdamW`: the weight decay is applied to the parameter itself
/// (`p = p·(1 − lr·weightDecay)`) before an Adam step without it.
public final class AdamW: Adam {
    public override init(
        _ parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        eps: Double = 1e-8, weightDecay: Double = 0.01
    ) throws {
        try super.init(parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay)
    }

    public override func update(_ p: Tensor, grad: Tensor, index: Int) throws {
        try p.mul_(1 - lr * weightDecay)
        try adamStep(p, grad: grad, index: index, coupledDecay: 0)
    }
}
