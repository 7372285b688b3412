import CellLanguage
import TensorEngine

/// A layer or network in a cell: call it, read its parameters and children, swap parameters.
final class ModuleObject: HostObject {
    let module: Module
    unowned let bindings: EngineBindings

    /// The module as a loss (called with input and target), found once.
    let loss: Loss?

    init(_ m: Module, _ b: EngineBindings) {
        module = m
        bindings = b
        loss = m as? Loss
    }

    var typeName: String { module.typeName }
    var displayText: String { module.description }

    func call(_ args: Arguments) throws -> Value { try ModuleObject.call(module, args, bindings, loss: loss) }

    /// `net(x)` for a layer, `criterion(output, target)` for a loss.
    static func call(_ module: Module, _ args: Arguments, _ b: EngineBindings, loss: Loss?) throws -> Value {
        // `net(x)` and `criterion(y, t)` as nearly every call is written: no binding needed.
        let items = args.items
        if let loss {
            if items.count == 2, items[0].label == nil, items[1].label == nil {
                return b.wrap(try loss(try b.tensor(items[0].value, args), try b.tensor(items[1].value, args)))
            }
            let slots = try lossCall.bind(args)
            return b.wrap(try loss(try b.tensor(slots[0]!.value, args), try b.tensor(slots[1]!.value, args)))
        }
        if items.count == 1, items[0].label == nil { return b.wrap(try module(try b.tensor(items[0].value, args))) }
        return b.wrap(try module(try b.tensor(try layerCall.bind(args)[0]!.value, args)))
    }

    static let layerCall = Signature("forward", [.init(name: "input", typeName: "Tensor")])
    static let lossCall = Signature(
        "loss", [.init(name: "input", typeName: "Tensor"), .init(name: "target", typeName: "Tensor")])

    func member(_ name: String) throws -> Value? {
        try ModuleObject.member(module, name, bindings)
    }

    var memberNames: [String] {
        ["parameters", "namedParameters", "children", "zeroGrad", "train", "eval", "forward", "training"]
            + module.ownParameters.map(\.name) + module.namedChildren.map(\.name)
    }

    static func member(_ module: Module, _ name: String, _ b: EngineBindings) throws -> Value? {
        func method(_ body: @escaping (Arguments) throws -> Value) -> Value { .function(Function(name, body)) }
        switch name {
        case "parameters":
            return method { args in
                try args.none()
                return .array(module.parameters.map(b.wrap))
            }
        case "namedParameters":
            return method { args in
                try args.none()
                return .array(module.namedParameters.map { .tuple([.string($0.name), b.wrap($0.tensor)]) })
            }
        case "children":
            return method { args in
                try args.none()
                return .array(module.children.map(b.wrap))
            }
        case "zeroGrad":
            return method { args in
                try args.none()
                module.zeroGrad()
                return .nil
            }
        case "train":
            return method { args in
                let p = try args.bind(["_ mode="])
                module.train(try p["mode"].map { try b.bool($0, args, "mode") } ?? true)
                return .nil
            }
        case "eval":
            return method { args in
                try args.none()
                module.eval()
                return .nil
            }
        case "forward": return method { args in try call(module, args, b, loss: module as? Loss) }
        case "training": return .bool(module.training)
        default:
            if let p = module.ownParameters.first(where: { $0.name == name }) { return p.tensor.map(b.wrap) ?? .nil }
            if let c = module.child(name) { return b.wrap(c) }
            // Buffers under their PyTorch names, in camelCase (`runningMean` for running_mean).
            let snake = name.reduce(into: "") { s, ch in s += ch.isUppercase ? "_" + ch.lowercased() : String(ch) }
            if let t = module.buffer(snake) ?? module.buffer(name) { return b.wrap(t) }
            if let l = module as? Linear {
                if name == "inFeatures" { return .int(l.inFeatures) }
                if name == "outFeatures" { return .int(l.outFeatures) }
            }
            return nil
        }
    }

    func setMember(_ name: String, _ value: Value) throws -> Bool {
        try ModuleObject.setMember(module, name, value, bindings)
    }

    /// Replacing a parameter (`layer.weight = Parameter(…)`) keeps it registered under its name.
    static func setMember(_ module: Module, _ name: String, _ value: Value, _ b: EngineBindings) throws -> Bool {
        guard module.ownParameters.contains(where: { $0.name == name }) else { return false }
        if case .nil = value {
            module.registerParameter(name, nil)
            return true
        }
        guard case .object(let o as TensorObject) = value else { return false }
        let old = module.parameter(name)
        if let old, old.shape != o.tensor.shape {
            throw TensorError("\(module.typeName).\(name): expected shape \(old.shape), got \(o.tensor.shape)")
        }
        module.registerParameter(name, o.tensor)
        return true
    }

    func subscriptGet(_ args: Arguments) throws -> Value {
        guard let seq = module as? Sequential else { throw args.error("only Sequential can be indexed") }
        guard args.count == 1, case .int(let i) = args.items[0].value, i >= -seq.count, i < seq.count else {
            throw args.error("index out of range for a Sequential of \(seq.count) layers")
        }
        return bindings.wrap(seq[i < 0 ? i + seq.count : i])
    }

    func makeIterator() throws -> (() throws -> Value?)? {
        guard module is Sequential else { return nil }
        var i = 0
        let children = module.children
        return { [self] in
            guard i < children.count else { return nil }
            defer { i += 1 }
            return bindings.wrap(children[i])
        }
    }

    func isType(of value: Value) -> Bool? { nil }
}

/// `Module` in a cell: the base class of a user's network (`class Net: Module { … }`) and the
/// type in annotations.
final class ModuleClass: HostObject {
    unowned let bindings: EngineBindings
    init(_ b: EngineBindings) { bindings = b }
    var typeName: String { "Module" }
    var displayText: String { "<type Module>" }

    func makeBase(for instance: Instance, interpreter: Interpreter) throws -> HostObject? {
        let module = ScriptModule(instance: instance, interpreter: interpreter, bindings: bindings)
        bindings.scriptModules.append(module)
        return ScriptModuleBase(module, bindings)
    }

    func isType(of value: Value) -> Bool? {
        switch value {
        case .object(let o): return o is ModuleObject
        case .instance(let i): return i.base is ScriptModuleBase
        default: return false
        }
    }
}

/// The engine-side stand-in for a cell-defined module: it forwards through the cell's
/// `forward` method and registers children and parameters as the cell sets its properties.
/// NOTE: it holds its instance strongly (a cycle through `Instance.base`): a cell module living
/// only inside a `Sequential` must stay alive; notebooks are short-lived processes.
final class ScriptModule: Module {
    var instance: Instance?
    unowned let interpreter: Interpreter
    unowned let bindings: EngineBindings
    let name: String

    init(instance: Instance, interpreter: Interpreter, bindings: EngineBindings) {
        self.instance = instance
        self.interpreter = interpreter
        self.bindings = bindings
        self.name = instance.cls.name
        super.init()
    }

    override var typeName: String { name }

    override func forward(_ x: Tensor) throws -> Tensor {
        guard let instance else { throw TensorError("\(name): the module no longer exists") }
        let range =
            interpreter.callSite ?? SourceRange(SourceLocation(line: 0, column: 0), SourceLocation(line: 0, column: 0))
        let result = try interpreter.callMethod(
            instance, "forward",
            Arguments(
                [.init(label: nil, value: bindings.wrap(x), range: range)],
                range: range, callee: "forward"))
        guard case .object(let o as TensorObject) = result else {
            throw TensorError("\(name).forward must return a Tensor, not \(result.typeName)")
        }
        return o.tensor
    }
}

final class ScriptModuleBase: HostObject {
    let module: ScriptModule
    unowned let bindings: EngineBindings
    init(_ m: ScriptModule, _ b: EngineBindings) {
        module = m
        bindings = b
    }

    var typeName: String { module.typeName }
    var displayText: String { module.description }

    func member(_ name: String) throws -> Value? { try ModuleObject.member(module, name, bindings) }

    func call(_ args: Arguments) throws -> Value {
        try ModuleObject.call(module, args, bindings, loss: nil)
    }

    func fieldDidChange(_ name: String, _ value: Value) throws {
        switch value {
        case .object(let o as ModuleObject): module.registerModule(name, o.module)
        case .instance(let i):
            if let base = i.base as? ScriptModuleBase { module.registerModule(name, base.module) }
        case .object(let o as TensorObject) where o.tensor.isParameter:
            module.registerParameter(name, o.tensor)
        default: break
        }
    }
}
