/// Optimizers: a base that walks the parameters, and a per-parameter update hook.
open class Optimizer: CustomStringConvertible {
    public let parameters: [Tensor]
    /// The learning rate, read and set by schedulers and cells alike.
    public var lr: Double

    public init(_ parameters: [Tensor], lr: Double) throws {
        guard lr >= 0, lr.isFinite else { throw TensorError("\(Self.self): invalid learning rate \(lr)") }
        self.parameters = parameters
        self.lr = lr
    }

    /// The class name, as PyTorch prints it.
    public var typeName: String { String(describing: type(of: self)) }

    /// The hyperparameters besides `lr`, with PyTorch's names and its fixed flags
    /// (`differentiable: False`, …), as its `repr` prints them.
    open var settings: [(String, String)] { [] }

    /// PyTorch's `repr(optimizer)` for one parameter group (keys in alphabetical order).
    public var description: String {
        let lines = ([("lr", format(lr))] + settings).sorted { $0.0 < $1.0 }
        return typeName + " (\nParameter Group 0\n" + lines.map { "    \($0.0): \($0.1)\n" }.joined() + ")"
    }

    /// Clears every parameter's gradient (set to nil, PyTorch's default).
    public func zeroGrad() {
        for p in parameters { p.grad = nil }
    }

    /// Updates every parameter that has a gradient.
    public func step() throws {
        try noGrad {
            for (i, p) in parameters.enumerated() {
                if let g = p.grad { try update(p, grad: g, index: i) }
            }
        }
    }

    /// Updates one parameter in place.
    open func update(_ parameter: Tensor, grad: Tensor, index: Int) throws {}
}

/// Stochastic gradient descent exactly as `torch.optim.SGD` (torch/optim/sgd.py):
///
///     g = grad + weightDecay·p
///     buf = g (first step) or momentum·buf + (1 − dampening)·g
///     g = nesterov ? g + momentum·buf : buf         (when momentum ≠ 0)
///     p = p − lr·g
public final class SGD: Optimizer {
    public let momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool
    var buffers: [Int: Tensor] = [:]

    public init(
        _ parameters: [Tensor], lr: Double, momentum: Double = 0, dampening: Double = 0,
        weightDecay: Double = 0, nesterov: Bool = false
    ) throws {
        guard momentum >= 0 else { throw TensorError("SGD: invalid momentum value \(momentum)") }
        guard weightDecay >= 0 else { throw TensorError("SGD: invalid weight_decay value \(weightDecay)") }
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw TensorError("SGD: Nesterov momentum requires a momentum and zero dampening")
        }
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        try super.init(parameters, lr: lr)
    }

    public override var settings: [(String, String)] {
        [
            ("momentum", format(momentum)), ("dampening", format(dampening)), ("weight_decay", format(weightDecay)),
            ("nesterov", nesterov ? "True" : "False"), ("differentiable", "False"), ("foreach", "None"),
            ("fused", "None"),
            ("maximize", "False"),
        ]
    }

    public override func update(_ p: Tensor, grad: Tensor, index: Int) throws {
        var d = grad
        if weightDecay != 0 { d = try d.contiguousCopy().add_(p, alpha: weightDecay) }
        if momentum != 0 {
            let buf: Tensor
            if let existing = buffers[index] {
                buf = try existing.mul_(momentum).add_(d, alpha: 1 - dampening)
            } else {
                buf = d.contiguousCopy()
                buffers[index] = buf
            }
            d = nesterov ? try d.contiguousCopy().add_(buf, alpha: momentum) : buf
        }
        try p.add_(d, alpha: -lr)
    }
}

/// A hyperparameter as Python prints a float (`0.001`, `1e-08`, `0.9`, `0`).
func format(_ x: Double) -> String {
    if x == x.rounded() && Swift.abs(x) < 1e16 { return String(Int(x)) }
    return "\(x)"
}
