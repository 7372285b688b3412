import CellLanguage
import TensorEngine

// Layers, losses, optimizers, schedulers and initialisers as cells see them, declared once each
// with PyTorch's positional order and Swift labels (TensorLibrary.swift has the tensor surface).

extension Param where T == Module {
    static func module(_ name: String, _ b: EngineBindings) -> Param {
        Param(name, type: "Module") { v in
            guard let m = b.module(v) else { throw ConversionError.expected("a Module", v) }
            return m
        }
    }
}

extension Param where T == [Module] {
    /// Layers given one by one (`Sequential(a, b)`) or as one array (`Sequential([a, b])`).
    static func modules(_ name: String, _ b: EngineBindings) -> Param {
        Param(name, variadic: true, type: "Module") { v in
            guard case .array(var items) = v else { throw ConversionError.expected("modules", v) }
            if items.count == 1, case .array(let xs) = items[0] { items = xs }
            return try items.map { x in
                guard let m = b.module(x) else { throw ConversionError("must hold modules, found \(x.typeName)") }
                return m
            }
        }
    }
}

extension Param where T == Reduction {
    static var reduction: Param {
        Param("reduction", positional: false, type: "String", default: .mean, defaultText: "\"mean\"") { v in
            guard case .string(let s) = v, let r = Reduction(rawValue: s) else {
                throw ConversionError("must be \"mean\", \"sum\" or \"none\"")
            }
            return r
        }
    }
}

extension EngineBindings {
    func installNNLibrary() {
        let b = self
        func layer<each T>(
            _ name: String, _ doc: String, _ params: repeat Param<each T>,
            body: @escaping (repeat each T) throws -> Module
        ) {
            let bind = library.declare("Layers", name, doc, repeat each params)
            interpreter.define(
                name,
                .function(
                    Function(name) { args in
                        let values = try bind(args)
                        return b.wrap(try body(repeat each values))
                    }))
        }
        func optimizer<each T>(
            _ name: String, _ doc: String, _ params: repeat Param<each T>,
            body: @escaping ([Tensor], repeat each T) throws -> Optimizer
        ) {
            let parameters = Param<[Tensor]>.tensors("params", b)
            let bind = library.declare("Optimizers", name, doc, first: parameters, repeat each params)
            interpreter.define(
                name,
                .function(
                    Function(name) { args in
                        let (ps, values) = try bind(args)
                        return .object(OptimizerObject(try body(ps, repeat each values), bindings: b))
                    }))
        }
        func int(_ name: String, default d: Int? = nil) -> Param<Int> { .int(name, default: d) }
        func double(_ name: String, default d: Double? = nil) -> Param<Double> { .double(name, default: d) }
        func bool(_ name: String, default d: Bool? = nil) -> Param<Bool> { .bool(name, default: d) }
        func lr(_ d: Double?) -> Param<Double> { double("lr", default: d) }

        // Layers.
        interpreter.define(
            "Layers", "Parameter", "a tensor registered as a parameter when set on a module (requires grad)",
            Param<Tensor>.tensor("data", b)
        ) { x in
            let t = x.detach()
            try t.requiringGrad()
            t.isParameter = true
            return b.wrap(t)
        }
        layer(
            "Linear", "y = x·Wᵀ + b, initialised as PyTorch", int("inFeatures"), int("outFeatures"),
            bool("bias", default: true)
        ) { i, o, bias in try Linear(i, o, bias: bias, generator: b.torch) }
        layer(
            "Conv2d", "2-D convolution over (N, C, H, W), initialised as PyTorch", int("inChannels"),
            int("outChannels"), int("kernelSize"), int("stride", default: 1), int("padding", default: 0),
            bool("bias", default: true).labeled
        ) { i, o, k, s, p, bias in
            try Conv2d(i, o, kernelSize: k, stride: s, padding: p, bias: bias, generator: b.torch)
        }
        layer(
            "MaxPool2d", "maximum over kernelSize×kernelSize windows", int("kernelSize"),
            Param<Int?>.int("stride", optional: ())
        ) { k, s in MaxPool2d(k, stride: s) }
        layer(
            "Dropout", "zeroes elements with probability p in training, scales the rest by 1/(1 − p)",
            double("p", default: 0.5)
        ) { p in try Dropout(p, generator: b.torch) }
        layer("Sequential", "layers applied one after another", Param<[Module]>.modules("layers", b)) { Sequential($0) }
        layer("ReLU", "max(x, 0)") { ReLU() }
        layer("Sigmoid", "1 / (1 + exp(-x))") { Sigmoid() }
        layer("Tanh", "hyperbolic tangent") { Tanh() }
        layer("GELU", "x·Φ(x), the exact GELU") { GELU() }
        layer("Identity", "passes its input through") { Identity() }
        layer("LeakyReLU", "x > 0 ? x : negativeSlope·x", double("negativeSlope", default: 0.01)) {
            LeakyReLU(negativeSlope: $0)
        }
        layer("ELU", "x > 0 ? x : alpha·(exp(x) − 1)", double("alpha", default: 1)) { ELU(alpha: $0) }
        layer("Softplus", "log(1 + exp(beta·x)) / beta", double("beta", default: 1), double("threshold", default: 20)) {
            Softplus(beta: $0, threshold: $1)
        }
        layer("Softmax", "softmax along dim", int("dim")) { Softmax(dim: $0) }
        layer("LogSoftmax", "log-softmax along dim", int("dim")) { LogSoftmax(dim: $0) }
        layer("Flatten", "merges dimensions startDim…endDim", int("startDim", default: 1), int("endDim", default: -1)) {
            Flatten(startDim: $0, endDim: $1)
        }
        layer(
            "Embedding", "rows of a (numEmbeddings, embeddingDim) table, looked up by int64 indices",
            int("numEmbeddings"), int("embeddingDim")
        ) { n, d in try Embedding(n, d, generator: b.torch) }
        layer(
            "BatchNorm1d", "normalises each feature of (N, C) over the batch", int("numFeatures"),
            double("eps", default: 1e-5), double("momentum", default: 0.1)
        ) { n, e, m in try BatchNorm1d(n, eps: e, momentum: m) }

        // Losses, as modules (`MSELoss()(y, t)`) and as torch.nn.functional's functions (`mseLoss(y, t)`).
        let losses: [(String, String, String, (Reduction) -> Loss)] = [
            ("MSELoss", "mseLoss", "mean squared error", { MSELoss(reduction: $0) }),
            ("L1Loss", "l1Loss", "mean absolute error", { L1Loss(reduction: $0) }),
            (
                "CrossEntropyLoss", "crossEntropy", "log-softmax then NLL, on raw scores (N, C) and class indices (N)",
                { CrossEntropyLoss(reduction: $0) }
            ),
            (
                "NLLLoss", "nllLoss", "negative log-likelihood of log-probabilities at class indices",
                { NLLLoss(reduction: $0) }
            ),
            ("BCELoss", "binaryCrossEntropy", "binary cross-entropy of probabilities", { BCELoss(reduction: $0) }),
            (
                "BCEWithLogitsLoss", "binaryCrossEntropyWithLogits",
                "binary cross-entropy on raw scores (sigmoid inside, stable)",
                { BCEWithLogitsLoss(reduction: $0) }
            ),
        ]
        for (name, function, doc, make) in losses {
            interpreter.define("Losses", name, doc, Param<Reduction>.reduction) { b.wrap(make($0)) }
            interpreter.define(
                "Losses", function, doc + ", of input and target", Param<Tensor>.tensor("input", b),
                Param<Tensor>.tensor("target", b), Param<Reduction>.reduction
            ) { b.wrap(try make($2)($0, $1)) }
        }
        interpreter.define(
            "Losses", "HuberLoss", "½d² below delta, linear above", Param<Reduction>.reduction,
            double("delta", default: 1).labeled
        ) {
            b.wrap(HuberLoss(reduction: $0, delta: $1))
        }
        interpreter.define(
            "Losses", "SmoothL1Loss", "Huber's loss divided by beta", Param<Reduction>.reduction,
            double("beta", default: 1).labeled
        ) {
            b.wrap(SmoothL1Loss(reduction: $0, beta: $1))
        }

        // Optimizers and schedulers.
        optimizer(
            "SGD", "stochastic gradient descent, as torch.optim.SGD", lr(nil), double("momentum", default: 0),
            double("dampening", default: 0), double("weightDecay", default: 0), bool("nesterov", default: false)
        ) { ps, l, m, d, w, n in
            try SGD(ps, lr: l, momentum: m, dampening: d, weightDecay: w, nesterov: n)
        }
        optimizer(
            "Adam", "Adam, as torch.optim.Adam", lr(1e-3), betas, double("eps", default: 1e-8),
            double("weightDecay", default: 0)
        ) { ps, l, betas, e, w in
            try Adam(ps, lr: l, betas: (betas.0, betas.1), eps: e, weightDecay: w)
        }
        optimizer(
            "AdamW", "Adam with decoupled weight decay, as torch.optim.AdamW", lr(1e-3), betas,
            double("eps", default: 1e-8), double("weightDecay", default: 0.01)
        ) { ps, l, betas, e, w in
            try AdamW(ps, lr: l, betas: (betas.0, betas.1), eps: e, weightDecay: w)
        }
        optimizer(
            "RMSprop", "RMSprop, as torch.optim.RMSprop", lr(0.01), double("alpha", default: 0.99),
            double("eps", default: 1e-8),
            double("weightDecay", default: 0)
        ) { ps, l, a, e, w in
            try RMSprop(ps, lr: l, alpha: a, eps: e, weightDecay: w)
        }
        optimizer(
            "Adagrad", "Adagrad, as torch.optim.Adagrad", lr(0.01), double("lrDecay", default: 0),
            double("weightDecay", default: 0),
            double("initialAccumulatorValue", default: 0), double("eps", default: 1e-10)
        ) { ps, l, d, w, i, e in
            try Adagrad(ps, lr: l, lrDecay: d, weightDecay: w, initialAccumulatorValue: i, eps: e)
        }
        interpreter.define(
            "Optimizers", "StepLR", "multiplies the optimizer's lr by gamma every stepSize calls of step()",
            Param<Value>.any("optimizer", type: "Optimizer"), int("stepSize"), double("gamma", default: 0.1)
        ) { o, s, g in
            guard case .object(let opt as OptimizerObject) = o else {
                throw TensorError("StepLR: expects an optimizer, not \(o.typeName)")
            }
            return .object(SchedulerObject(try StepLR(opt.optimizer, stepSize: s, gamma: g)))
        }

        // Initialisers, in place.
        let gain = double("gain", default: 1).labeled, a = double("a", default: 0).labeled,
            tensor = Param<Tensor>.tensor("tensor", b)
        interpreter.define("Initialisers", "kaimingUniform_", "He-uniform initialisation in place", tensor, a) { t, a in
            try Init.kaimingUniform_(t, a: a, generator: b.torch)
            return b.wrap(t)
        }
        interpreter.define("Initialisers", "kaimingNormal_", "He-normal initialisation in place", tensor, a) { t, a in
            try Init.kaimingNormal_(t, a: a, generator: b.torch)
            return b.wrap(t)
        }
        interpreter.define("Initialisers", "xavierUniform_", "Glorot-uniform initialisation in place", tensor, gain) {
            t, g in
            try Init.xavierUniform_(t, gain: g, generator: b.torch)
            return b.wrap(t)
        }
        interpreter.define("Initialisers", "xavierNormal_", "Glorot-normal initialisation in place", tensor, gain) {
            t, g in
            try Init.xavierNormal_(t, gain: g, generator: b.torch)
            return b.wrap(t)
        }
    }
}

/// Adam's (β1, β2), given as a tuple or an array.
private let betas = Param<(Double, Double)>(
    "betas", positional: false, type: "(Double, Double)", default: (0.9, 0.999),
    defaultText: "(0.9, 0.999)"
) { v in
    switch v {
    case .tuple(let xs), .array(let xs):
        if xs.count == 2, let b1 = xs[0].asNumber, let b2 = xs[1].asNumber { return (b1, b2) }
    default: break
    }
    throw ConversionError.expected("two numbers (β1, β2)", v)
}

/// An optimizer in a cell: `step()`, `zeroGrad()`, `lr` (read and set), printed as PyTorch.
final class OptimizerObject: HostObject {
    let optimizer: Optimizer
    unowned let bindings: EngineBindings
    init(_ o: Optimizer, bindings: EngineBindings) {
        optimizer = o
        self.bindings = bindings
    }
    var typeName: String { optimizer.typeName }
    var displayText: String { optimizer.description }

    func callMethod(_ name: String, _ args: Arguments) throws -> Value? {
        switch name {
        case "step":
            try args.none()
            try bindings.checkGradients?(optimizer.parameters)
            try optimizer.step()
        case "zeroGrad":
            try args.none()
            optimizer.zeroGrad()
        default: return nil
        }
        return .nil
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        // `let step = opt.step` as a value: the same methods, through `callMethod`.
        case "step", "zeroGrad": return .function(Function(name) { args in try self.callMethod(name, args) ?? .nil })
        case "lr": return .double(optimizer.lr)
        default: return nil
        }
    }

    func setMember(_ name: String, _ value: Value) throws -> Bool {
        guard name == "lr", let v = value.asNumber, v >= 0 else { return false }
        optimizer.lr = v
        return true
    }
}

/// A learning-rate scheduler in a cell: `step()` and `getLastLr()`.
final class SchedulerObject: HostObject {
    let scheduler: StepLR
    init(_ s: StepLR) { scheduler = s }
    var typeName: String { "StepLR" }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "step":
            return .function(
                Function("step") { args in
                    try args.none()
                    self.scheduler.step()
                    return .nil
                })
        case "getLastLr":
            return .function(Function("getLastLr") { _ in .array([.double(self.scheduler.optimizer.lr)]) })
        default: return nil
        }
    }
}
