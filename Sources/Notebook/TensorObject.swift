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
            guard TensorObject.methods.contains(name) else { return nil }
            return .function(Function(name) { [self] args in try self.method(name, args) })
        }
    }

    func setMember(_ name: String, _ value: Value) throws -> Bool {
        switch name {
        case "requiresGrad":
            guard case .bool(let flag) = value else { return false }
            try tensor.requiringGrad(flag)
            return true
        case "grad":
            if case .nil = value { tensor.grad = nil; return true }
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

    static let methods: Set<String> = [
        "item", "detach", "backward", "sum", "mean", "max", "min", "argmax", "relu", "sigmoid", "tanh", "exp", "log",
        "log1p", "sqrt", "abs", "pow", "clamp", "softmax", "logSoftmax", "reshape", "view", "flatten", "transpose", "t",
        "squeeze", "unsqueeze", "matmul", "mm", "contiguous", "clone", "float", "double", "long", "to", "tolist", "zero_",
        "fill_", "normal_", "uniform_", "add_", "sub_", "mul_", "copy_", "eq", "ne", "lt", "le", "gt", "ge",
        "requiringGrad", "size", "numel", "dim", "sign", "sin", "cos",
    ]

    func method(_ name: String, _ args: Arguments) throws -> Value {
        let b = bindings, t = tensor
        func dim(_ p: [String: Value]) throws -> Int? { try p["dim"].map { try b.int($0, args, "dim") } }
        func keep(_ p: [String: Value]) throws -> Bool { try p["keepDim"].map { try b.bool($0, args, "keepDim") } ?? false }
        func other(_ p: [String: Value], _ key: String = "other") throws -> Tensor { try b.tensor(p[key]!, args) }
        switch name {
        case "item":
            _ = try args.bind([])
            let v = try t.item()
            return t.dtype.isFloatingPoint ? .double(v) : (t.dtype == .bool ? .bool(v != 0) : .int(Int(v)))
        case "detach": _ = try args.bind([]); return b.wrap(t.detach())
        case "backward":
            let p = try args.bind(["_ gradient="])
            try t.backward(try p["gradient"].map { try b.tensor($0, args) })
            return .nil
        case "sum", "mean":
            let p = try args.bind(["dim=", "keepDim="])
            if let d = try dim(p) { return b.wrap(name == "sum" ? try t.sum(dim: d, keepDim: keep(p)) : try t.mean(dim: d, keepDim: keep(p))) }
            return b.wrap(name == "sum" ? try t.sum() : try t.mean())
        case "max", "min":
            let p = try args.bind(["dim=", "keepDim="])
            if let d = try dim(p) {
                let r = name == "max" ? try t.max(dim: d, keepDim: keep(p)) : try t.min(dim: d, keepDim: keep(p))
                return .tuple([b.wrap(r.values), b.wrap(r.indices)])
            }
            return b.wrap(name == "max" ? try t.max() : try t.min())
        case "argmax":
            let p = try args.bind(["dim=", "keepDim="])
            return b.wrap(try t.argmax(dim: dim(p), keepDim: keep(p)))
        case "relu": _ = try args.bind([]); return b.wrap(t.relu())
        case "sigmoid": _ = try args.bind([]); return b.wrap(t.sigmoid())
        case "tanh": _ = try args.bind([]); return b.wrap(t.tanh())
        case "exp": _ = try args.bind([]); return b.wrap(t.exp())
        case "log": _ = try args.bind([]); return b.wrap(t.log())
        case "log1p": _ = try args.bind([]); return b.wrap(t.log1p())
        case "sqrt": _ = try args.bind([]); return b.wrap(t.sqrt())
        case "abs": _ = try args.bind([]); return b.wrap(t.abs())
        case "sign": _ = try args.bind([]); return b.wrap(t.sign())
        case "sin": _ = try args.bind([]); return b.wrap(t.sin())
        case "cos": _ = try args.bind([]); return b.wrap(t.cos())
        case "pow":
            return b.wrap(t.pow(try b.double(try args.bind(["_ exponent"])["exponent"], args, "exponent")))
        case "clamp":
            let p = try args.bind(["min=", "max="])
            return b.wrap(t.clamp(min: try p["min"].map { try b.double($0, args, "min") }, max: try p["max"].map { try b.double($0, args, "max") }))
        case "softmax", "logSoftmax":
            let d = try b.int(try args.bind(["dim"])["dim"], args, "dim")
            return b.wrap(name == "softmax" ? try t.softmax(dim: d) : try t.logSoftmax(dim: d))
        case "reshape", "view":
            guard case .array(let dims) = try args.bind(["_ shape..."])["shape"]! else { return .nil }
            let shape = try dims.count == 1 && dims[0].typeName == "Array" ? b.shapeAllowingInfer(dims[0], args) : b.shapeAllowingInfer(.array(dims), args)
            return b.wrap(name == "view" ? try t.view(shape) : try t.reshape(shape))
        case "flatten":
            let p = try args.bind(["startDim=", "endDim="])
            return b.wrap(try t.flatten(startDim: try p["startDim"].map { try b.int($0, args, "startDim") } ?? 0,
                                        endDim: try p["endDim"].map { try b.int($0, args, "endDim") } ?? -1))
        case "transpose":
            let p = try args.bind(["_ dim0", "_ dim1"])
            return b.wrap(try t.transpose(try b.int(p["dim0"], args, "dim0"), try b.int(p["dim1"], args, "dim1")))
        case "t": _ = try args.bind([]); return b.wrap(try t.t)
        case "squeeze":
            let p = try args.bind(["_ dim="])
            return b.wrap(try t.squeeze(try p["dim"].map { try b.int($0, args, "dim") }))
        case "unsqueeze":
            return b.wrap(try t.unsqueeze(try b.int(try args.bind(["_ dim"])["dim"], args, "dim")))
        case "matmul", "mm":
            let o = try other(try args.bind(["_ other"]))
            return b.wrap(name == "mm" ? try t.mm(o) : try t.matmul(o))
        case "contiguous": _ = try args.bind([]); return b.wrap(t.contiguous())
        case "clone": _ = try args.bind([]); return b.wrap(t.clone())
        case "float": _ = try args.bind([]); return b.wrap(t.to(.float32))
        case "double": _ = try args.bind([]); return b.wrap(t.to(.float64))
        case "long": _ = try args.bind([]); return b.wrap(t.to(.int64))
        case "to":
            return b.wrap(t.to(try b.dtype(try args.bind(["_ dtype"])["dtype"], args)!))
        case "tolist":
            _ = try args.bind([])
            return TensorObject.list(t)
        case "zero_": _ = try args.bind([]); try t.zero_(); return .object(self)
        case "fill_": try t.fill_(try b.double(try args.bind(["_ value"])["value"], args, "value")); return .object(self)
        case "normal_":
            let p = try args.bind(["mean=", "std="])
            try t.normal_(mean: try p["mean"].map { try b.double($0, args, "mean") } ?? 0, std: try p["std"].map { try b.double($0, args, "std") } ?? 1,
                          generator: b.torch)
            return .object(self)
        case "uniform_":
            let p = try args.bind(["from=", "to="])
            try t.uniform_(from: try p["from"].map { try b.double($0, args, "from") } ?? 0, to: try p["to"].map { try b.double($0, args, "to") } ?? 1,
                           generator: b.torch)
            return .object(self)
        case "add_", "sub_":
            let p = try args.bind(["_ other", "alpha="])
            let alpha = try p["alpha"].map { try b.double($0, args, "alpha") } ?? 1
            try t.add_(try other(p), alpha: name == "add_" ? alpha : -alpha)
            return .object(self)
        case "mul_": try t.mul_(try other(try args.bind(["_ other"]))); return .object(self)
        case "copy_": try t.copy_(try other(try args.bind(["_ other"]))); return .object(self)
        case "eq", "ne", "lt", "le", "gt", "ge":
            let o = try other(try args.bind(["_ other"]))
            return b.wrap(try TensorObject.compare(name, t, o))
        case "requiringGrad":
            let p = try args.bind(["_ flag="])
            try t.requiringGrad(try p["flag"].map { try b.bool($0, args, "flag") } ?? true)
            return .object(self)
        case "size":
            let p = try args.bind(["_ dim="])
            guard let d = try p["dim"].map({ try b.int($0, args, "dim") }) else { return .array(t.shape.map(Value.int)) }
            guard d >= -t.rank && d < t.rank else { throw args.error("size: dimension \(d) is out of range for shape \(t.shape)") }
            return .int(t.shape[d < 0 ? d + t.rank : d])
        case "numel": _ = try args.bind([]); return .int(t.count)
        case "dim": _ = try args.bind([]); return .int(t.rank)
        default:
            throw args.error("value of type 'Tensor' has no member '\(name)'")
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

    func binary(_ op: String, _ other: Value, reversed: Bool) throws -> Value? {
        let b = bindings
        let o: Tensor
        switch other {
        case .object(let x as TensorObject): o = x.tensor
        case .int(let i): o = tensor.scalarTensor(Double(i))
        case .double(let d): o = tensor.scalarTensor(d)
        default: return nil
        }
        let (l, r) = reversed ? (o, tensor) : (tensor, o)
        switch op {
        case "+": return b.wrap(try l + r)
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

    // MARK: - Indexing

    /// Applies `t[i, a..<b, …]`: Ints select (negative from the end), ranges slice, an int64
    /// tensor picks rows.
    func index(_ args: Arguments) throws -> Tensor {
        var t = tensor
        var d = 0
        for item in args.items {
            guard item.label == nil else { throw args.error("tensor subscripts take no labels", at: item) }
            guard d < t.rank else { throw args.error("too many indices for a tensor of shape \(tensor.shape)", at: item) }
            switch item.value {
            case .int(let i):
                t = try t.select(dim: d, i)
            case .range(let lo, let hi, let closed):
                t = try t.slice(dim: d, start: lo, end: hi.map { closed ? ($0 == -1 ? nil : $0 + 1) : $0 } ?? nil)
                d += 1
            case .object(let o as TensorObject) where !o.tensor.dtype.isFloatingPoint:
                t = try t.indexSelect(dim: d, o.tensor.rank == 0 ? o.tensor.reshape([1]) : o.tensor)
                d += 1
            default:
                throw args.error("a tensor index must be an Int, a range or an int64 tensor, not \(item.value.typeName)", at: item)
            }
        }
        return t
    }

    func subscriptGet(_ args: Arguments) throws -> Value { bindings.wrap(try index(args)) }

    func subscriptSet(_ args: Arguments, _ value: Value) throws {
        let target = try noGrad { try index(args) }
        try target.copy_(try bindings.tensor(value, args))
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
            guard case .int(let i) = x, i >= -1 else { throw args.error("\(args.callee): a shape is made of Ints (one may be -1)") }
            return i
        }
    }
}
