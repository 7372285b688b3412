/// The base of every layer and network: ordered, named parameters and children, as
/// `torch.nn.Module` keeps them, so `namedParameters` gives `0.weight`, `hidden.bias`, … in
/// `state_dict` order and `description` prints PyTorch's topology.
open class Module: CustomStringConvertible {
    /// Parameters owned directly by this module, in registration order; nil for an absent bias.
    public private(set) var ownParameters: [(name: String, tensor: Tensor?)] = []
    /// Direct sub-modules in registration order.
    public private(set) var namedChildren: [(name: String, module: Module)] = []
    /// True in training mode (the default), false after `eval()`.
    public private(set) var training = true

    public init() {}

    /// The name printed in the topology: the class name unless overridden.
    open var typeName: String { String(describing: type(of: self)) }

    /// What PyTorch's `extra_repr` returns: the text inside the parentheses.
    open var extraDescription: String { "" }

    /// The forward pass; subclasses override it.
    open func forward(_ x: Tensor) throws -> Tensor {
        throw TensorError("\(typeName): forward(_:) is not implemented")
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try forward(x) }

    /// Adds or replaces a parameter; the tensor is marked as a parameter that requires grad.
    public func registerParameter(_ name: String, _ tensor: Tensor?) {
        if let tensor {
            tensor.isParameter = true
            if tensor.isLeaf { tensor._requiresGrad = true }
        }
        if let i = ownParameters.firstIndex(where: { $0.name == name }) {
            ownParameters[i].tensor = tensor
        } else {
            ownParameters.append((name, tensor))
        }
    }

    /// Tensors that are state but not parameters (BatchNorm's running statistics), by their
    /// PyTorch names (`running_mean`).
    public private(set) var buffers: [(name: String, tensor: Tensor)] = []

    public func registerBuffer(_ name: String, _ tensor: Tensor) {
        if let i = buffers.firstIndex(where: { $0.name == name }) {
            buffers[i].tensor = tensor
        } else {
            buffers.append((name, tensor))
        }
    }

    public func buffer(_ name: String) -> Tensor? { buffers.first { $0.name == name }?.tensor }

    /// Adds or replaces a child module.
    public func registerModule(_ name: String, _ module: Module) {
        if let i = namedChildren.firstIndex(where: { $0.name == name }) {
            namedChildren[i].module = module
        } else {
            namedChildren.append((name, module))
        }
    }

    public func parameter(_ name: String) -> Tensor? {
        ownParameters.first { $0.name == name }?.tensor
    }

    public func child(_ name: String) -> Module? {
        namedChildren.first { $0.name == name }?.module
    }

    public var children: [Module] { namedChildren.map(\.module) }

    /// Every parameter with its dotted path, this module's own first, then each child's.
    public var namedParameters: [(name: String, tensor: Tensor)] {
        var out: [(String, Tensor)] = []
        var seen = Set<ObjectIdentifier>(), visited = Set<ObjectIdentifier>()
        func visit(_ m: Module, _ prefix: String) {
            // Each module once, as PyTorch's named_modules memo: a module that holds itself ends.
            guard visited.insert(ObjectIdentifier(m)).inserted else { return }
            for (name, t) in m.ownParameters {
                if let t, seen.insert(ObjectIdentifier(t)).inserted { out.append((prefix + name, t)) }
            }
            for (name, c) in m.namedChildren { visit(c, prefix + name + ".") }
        }
        visit(self, "")
        return out
    }

    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    /// Clears every parameter's gradient (PyTorch's default `set_to_none=True`).
    public func zeroGrad() {
        for p in parameters { p.grad = nil }
    }

    /// Sets training mode here and in every descendant.
    @discardableResult
    public func train(_ mode: Bool = true) -> Module {
        var visited = Set<ObjectIdentifier>()
        func set(_ m: Module) {
            guard visited.insert(ObjectIdentifier(m)).inserted else { return }
            m.training = mode
            for c in m.children { set(c) }
        }
        set(self)
        return self
    }

    @discardableResult
    public func eval() -> Module { train(false) }

    /// PyTorch's `Module.__repr__`.
    public var description: String {
        var shown = Set<ObjectIdentifier>()
        return describe(&shown)
    }

    /// The topology; a module already being printed further up shows as `Name(…)` (PyTorch
    /// recurses without end on a module that holds itself).
    func describe(_ shown: inout Set<ObjectIdentifier>) -> String {
        guard shown.insert(ObjectIdentifier(self)).inserted else { return typeName + "(…)" }
        defer { shown.remove(ObjectIdentifier(self)) }
        let extraLines =
            extraDescription.isEmpty
            ? [] : extraDescription.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let childLines = namedChildren.map { name, module in
            "(\(name)): " + module.describe(&shown).replacingOccurrences(of: "\n", with: "\n  ")
        }
        let lines = extraLines + childLines
        var s = typeName + "("
        if !lines.isEmpty {
            if extraLines.count == 1 && childLines.isEmpty {
                s += extraLines[0]
            } else {
                s += "\n  " + lines.joined(separator: "\n  ") + "\n"
            }
        }
        return s + ")"
    }
}

/// Layers applied one after another; children are named 0, 1, 2, …
public final class Sequential: Module {
    public init(_ layers: [Module]) {
        super.init()
        for (i, layer) in layers.enumerated() { registerModule(String(i), layer) }
    }

    public convenience init(_ layers: Module...) { self.init(layers) }

    public override func forward(_ x: Tensor) throws -> Tensor {
        var y = x
        for layer in children { y = try layer(y) }
        return y
    }

    public subscript(index: Int) -> Module { children[index] }
    public var count: Int { namedChildren.count }
}
