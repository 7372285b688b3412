import CellLanguage
import TensorEngine

/// A tensor in a cell: PyTorch's members and methods with Swift spelling, operators that
/// broadcast, and indexing with Ints, ranges and index tensors.
final class TensorObject: HostObject {
    let tensor: Tensor
    unowned let bindings: EngineBindings

    init(_ t: Tensor, _ b: EngineBindings) {
        tensor = t
        bindings = b
    }

    var typeName: String { "Tensor" }
    var displayText: String { tensor.description }

    func member(_ name: String) throws -> Value? {
        let b = bindings
        switch name {
        case "shape": return .array(tensor.shape.map(Value.int))
        case "dtype": return .string(tensor.dtype.description)
        case "grad": return tensor.grad.map(b.wrap) ?? .nil
        case "data": return b.wrap(tensor.data)
        case "requiresGrad": return .bool(tensor.requiresGrad)
        case "isLeaf": return .bool(tensor.isLeaf)
        case "gradFn": return tensor.gradFn.map { .string($0.name) } ?? .nil
        case "T": return b.wrap(try tensor.t)
        case "count": return .int(tensor.count)
        case "rank", "ndim": return .int(tensor.rank)
        default:
            guard let method = bindings.tensorMethods[name] else { return nil }
            return .function(Function(name) { [tensor] args in try method(tensor, args) })
        }
    }

    /// `if x.sum() > 0 { … }`: a one-element tensor is true when nonzero, as in PyTorch.
    func condition() throws -> Bool? {
        guard tensor.count == 1 else {
            throw TensorError("Boolean value of Tensor with more than one value is ambiguous (shape \(tensor.shape))")
        }
        return try tensor.item() != 0
    }

    func callMethod(_ name: String, _ args: Arguments) throws -> Value? {
        guard let method = bindings.tensorMethods[name] else { return nil }
        return try method(tensor, args)
    }

    var memberNames: [String] {
        ["shape", "dtype", "grad", "data", "requiresGrad", "isLeaf", "gradFn", "T", "count", "rank", "ndim"]
            + Array(bindings.tensorMethods.keys)
    }

    func setMember(_ name: String, _ value: Value) throws -> Bool {
        switch name {
        case "requiresGrad":
            guard case .bool(let flag) = value else { return false }
            try tensor.requiringGrad(flag)
            return true
        case "grad":
            if case .nil = value {
                tensor.grad = nil
                return true
            }
            guard case .object(let o as TensorObject) = value else { return false }
            tensor.grad = o.tensor
            return true
        case "data":
            guard case .object(let o as TensorObject) = value else { return false }
            try noGrad { try tensor.copy_(o.tensor) }
            return true
        default:
            return false
        }
    }

    static func compare(_ op: String, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        switch op {
        case "eq", "==": return try a.eq(b)
        case "ne", "!=": return try a.ne(b)
        case "lt", "<": return try a.lt(b)
        case "le", "<=": return try a.le(b)
        case "gt", ">": return try a.gt(b)
        default: return try a.ge(b)
        }
    }

    /// Nested arrays of numbers, as `tolist()`.
    static func list(_ t: Tensor) -> Value {
        let values = t.scalars
        func scalar(_ v: Double) -> Value {
            t.dtype.isFloatingPoint ? .double(v) : (t.dtype == .bool ? .bool(v != 0) : .int(Int(v)))
        }
        func build(_ dim: Int, _ offset: Int) -> Value {
            if dim == t.rank { return scalar(values[offset]) }
            let stride = t.shape[(dim + 1)...].reduce(1, *)
            return .array((0..<t.shape[dim]).map { build(dim + 1, offset + $0 * stride) })
        }
        return build(0, 0)
    }

    // MARK: - Operators

    /// The other operand of an operator as a tensor: a tensor, or a number as PyTorch wraps it
    /// (an Int in the tensor's type; a Double makes an integer tensor's result float32, as a
    /// Python float does). nil for anything else.
    func operand(_ other: Value) -> Tensor? {
        switch other {
        case .object(let x as TensorObject): return x.tensor
        case .int(let i): return tensor.scalarTensor(Double(i))
        case .double(let d):
            return tensor.dtype.isFloatingPoint ? tensor.scalarTensor(d) : Tensor(scalar: d, dtype: .float32)
        default: return nil
        }
    }

    func binary(_ op: String, _ other: Value, reversed: Bool) throws -> Value? {
        let b = bindings
        guard let o = operand(other) else { return nil }
        let (l, r) = reversed ? (o, tensor) : (tensor, o)
        // A number on the left is Python's __rsub__ and __rtruediv__: `4.2 - x` is torch.rsub
        // (named RsubBackward1), and `2 / x` is x.reciprocal() * 2.
        // NOTE: the reciprocal then the product round twice, as PyTorch does; 2 / x would once.
        let numberOnLeft: Bool = {
            if reversed, case .object = other { return false }
            return reversed
        }()
        switch op {
        case "+": return b.wrap(try l + r)
        case "-" where numberOnLeft: return b.wrap(try tensor.rsub(o))
        case "/" where numberOnLeft && tensor.dtype.isFloatingPoint: return b.wrap(try tensor.reciprocal() * o)
        case "-": return b.wrap(try l - r)
        case "*": return b.wrap(try l * r)
        case "/": return b.wrap(try l / r)
        case "==", "!=", "<", "<=", ">", ">=": return b.wrap(try TensorObject.compare(op, l, r))
        default: return nil
        }
    }

    func prefix(_ op: String) throws -> Value? {
        switch op {
        case "-": return bindings.wrap(try -tensor)
        case "+": return .object(self)
        default: return nil
        }
    }

    /// `x += y`, `x -= y`, `x *= y`, `x /= y` on the tensor itself, as Python's `__iadd__` … do.
    /// NOTE: where the graph would have to record the update (the tensor or the operand requires
    /// grad and grad mode is on, and the tensor is not a leaf), the name is bound to a new tensor
    /// instead: the same values, but other names holding the old tensor do not see them.
    func updateInPlace(_ op: String, _ other: Value) throws -> Bool {
        guard let o = operand(other) else { return false }
        if isGradEnabled && (tensor.requiresGrad || o.requiresGrad) && !(tensor.isLeaf && tensor.requiresGrad) {
            return false
        }
        switch op {
        case "+": try tensor.add_(o)
        case "-": try tensor.sub_(o)
        case "*": try tensor.mul_(o)
        case "/": try tensor.div_(o)
        default: return false
        }
        return true
    }

    // MARK: - Indexing

    /// The subscript as engine indices: Ints select (negative from the end), ranges slice, int64
    /// tensors and arrays of Ints pick positions, bool tensors are masks.
    func indices(_ args: Arguments) throws -> [TensorIndex] {
        try args.items.map { item in
            guard item.label == nil else { throw args.error("tensor subscripts take no labels", at: item) }
            switch item.value {
            case .int(let i): return .int(i)
            case .range(let lo, let hi, let closed):
                // `x[0...Int.max]` is the whole dimension (no + 1 past Int.max).
                return .slice(
                    start: lo, end: hi.map { closed ? ($0 == -1 || $0 == Int.max ? nil : $0 + 1) : $0 } ?? nil, step: 1)
            case .object(let o as TensorObject):
                guard !o.tensor.dtype.isFloatingPoint else {
                    throw args.error("tensors used as indices must be long, int, byte or bool tensors", at: item)
                }
                return .tensor(o.tensor)
            case .array:
                return .tensor(try bindings.tensor(item.value, args, dtype: .int64))
            default:
                throw args.error(
                    "a tensor index must be an Int, a range, an int64 or bool tensor, or an array of Ints, "
                        + "not \(item.value.typeName)", at: item)
            }
        }
    }

    func subscriptGet(_ args: Arguments) throws -> Value { bindings.wrap(try tensor.index(try indices(args))) }

    func subscriptSet(_ args: Arguments, _ value: Value) throws {
        try tensor.indexPut_(try indices(args), try bindings.tensor(value, args))
    }

    func makeIterator() throws -> (() throws -> Value?)? {
        guard tensor.rank > 0 else { return nil }
        var i = 0
        return { [self] in
            guard i < tensor.shape[0] else { return nil }
            defer { i += 1 }
            return bindings.wrap(try tensor.select(i))
        }
    }
}

extension Tensor {
    /// A 0-dimensional tensor for a number in an op with `self` (PyTorch's wrapped scalars).
    func scalarTensor(_ v: Double) -> Tensor {
        if dtype.isFloatingPoint { return Tensor(scalar: v, dtype: dtype) }
        return Tensor(scalar: v, dtype: v.rounded() == v ? .int64 : .float32)
    }
}

extension EngineBindings {
    /// A shape that may contain one -1.
    func shapeAllowingInfer(_ v: Value, _ args: Arguments) throws -> [Int] {
        guard case .array(let items) = v else { throw args.error("\(args.callee): expected a shape") }
        return try items.map { x in
            guard case .int(let i) = x, i >= -1 else {
                throw args.error("\(args.callee): a shape is made of Ints (one may be -1)")
            }
            return i
        }
    }
}
