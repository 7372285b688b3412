import CellLanguage
import Foundation
import TensorEngine

/// The tensor engine as cells see it: tensors, modules, losses, optimizers and both generators,
/// under the names a PyTorch or Swift user guesses first.
final class EngineBindings {
    unowned let interpreter: Interpreter
    /// Every declared function, method and type, for the reference.
    var library: HostLibrary { interpreter.library }
    /// Told of the tensor `backward()` is called on (a loss), and of an optimizer's parameters
    /// before its `step()` (their gradients): the Runner reports the first value that is no
    /// longer finite. Two closures, no array or name per call: they run at every step.
    var checkLoss: ((Tensor) throws -> Void)?
    var checkGradients: (([Tensor]) throws -> Void)?
    /// Tensor methods by name, declared in TensorLibrary.swift.
    var tensorMethods: [String: (Tensor, Arguments) throws -> Value] = [:]
    let torch: TorchGenerator
    let numpy: NumpyRandomState
    /// Every module a cell class made: each holds its instance, which holds it (see `release`).
    var scriptModules: [ScriptModule] = []

    init(interpreter: Interpreter, torch: TorchGenerator, numpy: NumpyRandomState) {
        self.interpreter = interpreter
        self.torch = torch
        self.numpy = numpy
    }

    /// Ends the reference cycles of a run (the tables' closures hold these bindings; a cell
    /// module and its instance hold each other), so a process running many notebooks gets
    /// their memory back. Called when a run is over.
    func release() {
        tensorMethods = [:]
        checkLoss = nil
        checkGradients = nil
        for m in scriptModules { m.instance = nil }
        scriptModules = []
        interpreter.releaseEverything()
    }

    // MARK: - Conversions between cell values and engine values

    func wrap(_ t: Tensor) -> Value { .object(TensorObject(t, self)) }
    func wrap(_ m: Module) -> Value {
        if let s = m as? ScriptModule, let inst = s.instance { return .instance(inst) }
        return .object(ModuleObject(m, self))
    }

    /// A tensor from a tensor value, a number, or a (nested) array of numbers, with the error
    /// at the call.
    func tensor(_ v: Value, _ args: Arguments, dtype: DType? = nil) throws -> Tensor {
        do {
            return try tensor(v, dtype: dtype)
        } catch let e as ConversionError {
            throw args.error(e.reason)
        }
    }

    /// A tensor from a tensor value, a number, or a (nested) array of numbers or bools.
    func tensor(_ v: Value, dtype: DType? = nil) throws -> Tensor {
        // The common case first, without a dynamic cast.
        if case .object(let o) = v, type(of: o) == TensorObject.self {
            return unsafeDowncast(o, to: TensorObject.self).tensor
        }
        switch v {
        case .object(let o as TensorObject): return o.tensor
        case .int(let i): return Tensor(scalar: Double(i), dtype: dtype ?? .int64)
        case .double(let d): return Tensor(scalar: d, dtype: dtype ?? .float32)
        case .bool(let b): return Tensor(scalar: b ? 1 : 0, dtype: dtype ?? .bool)
        case .array:
            var shape: [Int] = []
            var flat: [Double] = []
            var allInts = true
            var allBools = true
            func walk(_ x: Value, _ depth: Int) throws {
                switch x {
                case .array(let items):
                    if depth == shape.count {
                        shape.append(items.count)
                    } else if shape[depth] != items.count {
                        throw ConversionError(
                            "tensor: rows have different lengths (\(shape[depth]) and \(items.count)) at depth \(depth)"
                        )
                    }
                    for item in items { try walk(item, depth + 1) }
                case .int(let i):
                    guard depth == shape.count else {
                        throw ConversionError("tensor: mixed nesting depths in the array")
                    }
                    allBools = false
                    flat.append(Double(i))
                case .double(let d):
                    guard depth == shape.count else {
                        throw ConversionError("tensor: mixed nesting depths in the array")
                    }
                    allInts = false
                    allBools = false
                    flat.append(d)
                case .bool(let b):
                    guard depth == shape.count else {
                        throw ConversionError("tensor: mixed nesting depths in the array")
                    }
                    flat.append(b ? 1 : 0)
                case .object(let o as TensorObject) where o.tensor.count == 1:
                    allInts = allInts && !o.tensor.dtype.isFloatingPoint
                    allBools = allBools && o.tensor.dtype == .bool
                    flat.append(try o.tensor.item())
                default:
                    throw ConversionError("tensor: expected numbers, found \(x.typeName)")
                }
            }
            try walk(v, 0)
            let inferred: DType = flat.isEmpty ? .float32 : allBools ? .bool : allInts ? .int64 : .float32
            return try Tensor(flat, shape: shape, dtype: dtype ?? inferred)
        default:
            throw ConversionError("expected a Tensor, a number or an array of numbers, not \(v.typeName)")
        }
    }

    func module(_ v: Value, _ args: Arguments) throws -> Module {
        guard let m = module(v) else { throw args.error("expected a Module, not \(v.typeName)") }
        return m
    }

    /// The engine module a value stands for: a layer, or a cell class deriving from Module.
    func module(_ v: Value) -> Module? {
        switch v {
        case .object(let o as ModuleObject): return o.module
        case .instance(let inst): return (inst.base as? ScriptModuleBase)?.module
        default: return nil
        }
    }

    func int(_ v: Value?, _ args: Arguments, _ what: String) throws -> Int {
        guard case .int(let i)? = v else {
            throw args.error("\(args.callee): '\(what)' must be an Int, not \(v?.typeName ?? "missing")")
        }
        return i
    }

    func double(_ v: Value?, _ args: Arguments, _ what: String) throws -> Double {
        switch v {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        case .object(let o as TensorObject)? where o.tensor.count == 1: return try o.tensor.item()
        default: throw args.error("\(args.callee): '\(what)' must be a number, not \(v?.typeName ?? "missing")")
        }
    }

    func bool(_ v: Value?, _ args: Arguments, _ what: String) throws -> Bool {
        guard case .bool(let b)? = v else {
            throw args.error("\(args.callee): '\(what)' must be a Bool, not \(v?.typeName ?? "missing")")
        }
        return b
    }

    /// A shape given as `2, 3`, as `[2, 3]` or as a tuple.
    func shape(_ values: [Value], _ args: Arguments) throws -> [Int] {
        var items = values
        if items.count == 1 {
            switch items[0] {
            case .array(let xs), .tuple(let xs): items = xs
            default: break
            }
        }
        return try items.map { v in
            guard case .int(let i) = v, i >= 0 else {
                throw args.error("\(args.callee): a shape is made of non-negative Ints, got \(v.displayed)")
            }
            return i
        }
    }

    func dtype(_ v: Value?, _ args: Arguments) throws -> DType? {
        guard let v else { return nil }
        guard case .string(let s) = v, let d = DType(rawValue: s.replacingOccurrences(of: "torch.", with: "")) else {
            throw args.error("dtype must be one of \"float32\", \"float64\", \"int64\", \"bool\"")
        }
        return d
    }

    func reduction(_ v: Value?, _ args: Arguments) throws -> Reduction {
        guard let v else { return .mean }
        guard case .string(let s) = v, let r = Reduction(rawValue: s) else {
            throw args.error("reduction must be \"mean\", \"sum\" or \"none\"")
        }
        return r
    }

    func tensors(_ v: Value, _ args: Arguments) throws -> [Tensor] {
        guard case .array(let items) = v else { throw args.error("\(args.callee) expects an array of tensors") }
        return try items.map { try tensor($0, args) }
    }

    func call(_ f: Value, _ values: [Value], _ args: Arguments) throws -> Value {
        try interpreter.call(
            f,
            Arguments(
                values.map { .init(label: nil, value: $0, range: args.range) }, range: args.range, callee: "closure"))
    }

    // MARK: - Globals

    func install() {
        let i = interpreter
        // Types (also usable in annotations).
        i.define(
            "Tensor",
            .object(
                TypeObject("Tensor", self) { args in
                    try self.wrap(
                        self.tensor(
                            try args.bind(["_ data", "dtype="])["data"]!, args,
                            dtype: try self.dtype(args["dtype"], args)))
                } isType: {
                    if case .object(let o) = $0 { return o is TensorObject } else { return false }
                }))
        i.define("Module", .object(ModuleClass(self)))
        installTensorLibrary()

        i.define(
            "oneHot",
            .function(
                library.function(
                    "Tensor functions", "oneHot", "one-hot rows (N, classes) of int64 labels (N)",
                    Param<Tensor>.tensor("labels", self), Param<Int>.int("classes")
                ) { labels, n in
                    guard !labels.dtype.isFloatingPoint, labels.rank == 1 else {
                        throw TensorError(
                            "oneHot: expects a 1-D int64 tensor of labels, got \(labels.dtype) \(labels.shape)")
                    }
                    let out = try Tensor.zeros([labels.count, n])
                    for (row, l) in labels.integers.enumerated() {
                        guard l >= 0 && l < n else { throw TensorError("oneHot: label \(l) is outside 0..<\(n)") }
                        try out.select(row).select(Int(l)).fill_(1)
                    }
                    return self.wrap(out)
                }))
        let bindBody = library.declare(
            "Tensor functions", "noGrad", "runs body without recording gradients (torch.no_grad())",
            Param<Value>.any("body", type: "() -> Any"))
        i.define("noGrad") { args in
            let body = try bindBody(args)
            return try noGrad { try self.call(body, [], args) }
        }

        installNNLibrary()
        library.members(
            "Tensor properties", "Tensor",
            [
                ("shape", "the sizes, as an array of Ints"), ("dtype", "the element type (torch.float32, …)"),
                ("grad", "the gradient accumulated by backward(), or nil"),
                ("data", "the same values outside the graph (assignable)"),
                ("requiresGrad", "whether operations on it are recorded (assignable)"),
                ("isLeaf", "whether it was made, not computed"),
                ("gradFn", "the name of the operation that computed it, or nil"), ("T", "the transpose of a matrix"),
                ("count", "the number of elements"), ("ndim", "the number of dimensions"),
            ])
        library.members(
            "Module methods", "Module",
            [
                ("parameters()", "every parameter, in registration order"),
                ("namedParameters()", "(name, parameter) pairs with dotted paths"),
                ("children()", "the direct sub-modules"), ("zeroGrad()", "clears every parameter's gradient"),
                ("train()", "training mode (Dropout active, BatchNorm on batch statistics)"),
                ("eval()", "evaluation mode"),
                ("forward()", "the module's computation (call the module itself: net(x))"),
                ("training", "true in training mode"),
            ])
        library.members(
            "Optimizers", "Optimizer",
            [
                ("step()", "updates every parameter that has a gradient"),
                ("zeroGrad()", "clears the parameters' gradients"),
                ("lr", "the learning rate (assignable)"),
            ])
        library.members(
            "Optimizers", "StepLR",
            [("step()", "counts an epoch"), ("getLastLr()", "the current learning rate, in an array")])
        // numpy's legacy generator, as `np.random.…`, and `np.linspace`.
        i.define("np", .object(NumpyNamespace(self)))
        i.permutation = { [unowned self] n in try Tensor.randperm(n, generator: self.torch).integers.map(Int.init) }
    }
}

/// A named host type: callable to construct, and usable in type annotations.
final class TypeObject: HostObject {
    let typeName: String
    unowned let bindings: EngineBindings
    let construct: (Arguments) throws -> Value
    let check: (Value) -> Bool

    init(
        _ name: String, _ bindings: EngineBindings, construct: @escaping (Arguments) throws -> Value,
        isType: @escaping (Value) -> Bool
    ) {
        typeName = name
        self.bindings = bindings
        self.construct = construct
        check = isType
    }

    var displayText: String { "<type \(typeName)>" }
    func call(_ args: Arguments) throws -> Value { try construct(args) }
    func isType(of value: Value) -> Bool? { check(value) }
}
