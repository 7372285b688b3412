import CellLanguage
import TensorEngine

// The tensor surface of the cell language, declared once per function: each line names the op,
// says in one line what it does, lists typed parameters (positional as in PyTorch, labels as in
// Swift) and calls the engine. `tensorOp` registers the method `x.op(…)` and, where PyTorch has
// it, the free function `op(x, …)`.

// MARK: - Parameter types of the engine

extension Param where T == Tensor {
    /// A tensor, or a number or (nested) array of numbers made into one.
    static func tensor(_ name: String, _ b: EngineBindings) -> Param {
        Param(name, type: "Tensor") { try b.tensor($0) }
    }
}

extension Param where T == Tensor? {
    static func tensor(_ name: String, _ b: EngineBindings, optional: Void) -> Param {
        Param(name, type: "Tensor?", default: .some(nil), defaultText: "nil") { try b.tensor($0) }
    }
}

extension Param where T == [Tensor] {
    static func tensors(_ name: String, _ b: EngineBindings) -> Param {
        Param(name, type: "[Tensor]") { v in
            guard case .array(let items) = v else { throw ConversionError.expected("an array of tensors", v) }
            return try items.map { try b.tensor($0) }
        }
    }
}

extension Param where T == [Tensor] {
    /// Tensors given one by one (`meshgrid(x, y)`) or as one array (`meshgrid([x, y])`).
    static func spread(_ name: String, _ b: EngineBindings) -> Param {
        Param(name, variadic: true, type: "Tensor") { v in
            guard case .array(var items) = v else { throw ConversionError.expected("tensors", v) }
            if items.count == 1, case .array(let xs) = items[0] { items = xs }
            return try items.map { try b.tensor($0) }
        }
    }
}

extension Param where T == [Int] {
    /// Sizes given as `2, 3`, as `[2, 3]` or as a tuple (`allowInfer`: one may be -1).
    static func shape(_ name: String = "size", allowInfer: Bool = false) -> Param {
        Param(name, variadic: true, type: "Int") { v in
            guard case .array(var items) = v else { throw ConversionError.expected("sizes", v) }
            if items.count == 1 {
                switch items[0] {
                case .array(let xs), .tuple(let xs): items = xs
                default: break
                }
            }
            return try items.map { x in
                guard case .int(let i) = x, i >= (allowInfer ? -1 : 0) else {
                    throw ConversionError(
                        "must be made of \(allowInfer ? "Ints (one may be -1)" : "non-negative Ints"), got \(x.displayed)"
                    )
                }
                return i
            }
        }
    }

    /// One shape argument (`full([2, 3], 7)`, `randint(0, 5, [3])`), not spread over the call.
    static func size(_ name: String = "size") -> Param {
        let spread = shape(name)
        return Param(name, type: "[Int]") { try spread.convert(.array([$0])) }
    }
}

extension Param where T == [Int] {
    /// Dimensions given as `0, 2, 1` or `[0, 2, 1]` (negative counts from the end).
    static func dims(_ name: String = "dims") -> Param {
        Param(name, variadic: true, type: "Int") { v in
            guard case .array(var items) = v else { throw ConversionError.expected("dimensions", v) }
            if items.count == 1, case .array(let xs) = items[0] { items = xs }
            return try items.map { x in
                guard case .int(let i) = x else { throw ConversionError("must be made of Ints, got \(x.displayed)") }
                return i
            }
        }
    }
}

extension Param where T == DType? {
    static var dtype: Param {
        Param("dtype", positional: false, type: "String?", default: .some(nil), defaultText: "nil") { v in
            guard case .string(let s) = v, let d = DType(rawValue: s.replacingOccurrences(of: "torch.", with: ""))
            else {
                throw ConversionError("must be one of \"float32\", \"float64\", \"int64\", \"bool\"")
            }
            return d
        }
    }
}

extension Param where T == Bool {
    /// `requiresGrad:` on every factory.
    static var requiresGrad: Param { Param<Bool>.bool("requiresGrad", default: false).labeled }
    static var keepDim: Param { Param<Bool>.bool("keepDim", default: false).labeled }
}

/// A factory's result with `requiresGrad:` applied.
private func made(_ t: Tensor, _ requiresGrad: Bool) throws -> Tensor {
    if requiresGrad { try t.requiringGrad() }
    return t
}

extension EngineBindings {
    /// Registers `x.name(…)` and (unless `free` is false) `name(x, …)`. Where the language
    /// already has a function of that name for numbers (`exp(2.0)`, `abs(-3)`), the free
    /// function still answers it for a plain number.
    func tensorOp<each T>(
        _ name: String, _ doc: String, _ params: repeat Param<each T>, free: Bool = true,
        _ body: @escaping (Tensor, repeat each T) throws -> Value
    ) {
        let bind = library.declare("Tensor methods", name, doc, repeat each params, receiver: "Tensor")
        // `x.backward()`, `x.sum()`: without arguments the defaults are bound once, here (making
        // the tuple of a parameter pack on every call costs more than the call).
        let empty = Arguments(
            [], range: SourceRange(SourceLocation(line: 0, column: 0), SourceLocation(line: 0, column: 0)), callee: name
        )
        let withDefaults: ((Tensor) throws -> Value)? = (try? bind(empty)).map { values in
            { t in try body(t, repeat each values) }
        }
        tensorMethods[name] = { t, args in
            if args.items.isEmpty, let withDefaults { return try withDefaults(t) }
            let values = try bind(args)
            return try body(t, repeat each values)
        }
        guard free else { return }
        let numeric = interpreter.globals.value(of: name)
        let input = Param<Value>.any("input", type: numeric == nil ? "Tensor" : "Tensor or Double")
        let bindFree = library.declare("Tensor functions", name, doc, first: input, repeat each params)
        interpreter.define(
            name,
            .function(
                Function(name) { [unowned self] args in
                    let (x, values) = try bindFree(args)
                    if let numeric, x.asNumber != nil { return try interpreter.call(numeric, args) }
                    return try body(try self.tensor(x, args), repeat each values)
                }))
    }

    func installTensorLibrary() {
        let b = self
        func t(_ x: Tensor) -> Value { wrap(x) }
        let dim = Param<Int>.int("dim"), dimOpt = Param<Int?>.int("dim", optional: ()),
            other = Param<Tensor>.tensor("other", b)

        // Element-wise math and activations.
        let unary: [(String, String, (Tensor) -> Tensor)] = [
            ("relu", "max(x, 0)", { $0.relu() }),
            ("sigmoid", "1 / (1 + exp(-x))", { $0.sigmoid() }),
            ("tanh", "hyperbolic tangent", { $0.tanh() }),
            ("exp", "e to the x", { $0.exp() }),
            ("log", "natural logarithm", { $0.log() }),
            ("log1p", "log(1 + x), accurate near 0", { $0.log1p() }),
            ("expm1", "exp(x) - 1, accurate near 0", { $0.expm1() }),
            ("sqrt", "square root", { $0.sqrt() }),
            ("rsqrt", "1 / sqrt(x)", { $0.rsqrt() }),
            ("abs", "absolute value", { $0.abs() }),
            ("sign", "-1, 0 or 1 by the sign of x", { $0.sign() }),
            ("sin", "sine", { $0.sin() }),
            ("cos", "cosine", { $0.cos() }),
            ("tan", "tangent", { $0.tan() }),
        ]
        for (name, doc, f) in unary {
            tensorOp(name, doc) { x in t(f(x)) }
        }
        tensorOp(
            "pow", "x raised to a number or, element-wise with broadcasting, to a tensor",
            Param<Value>.any("exponent", type: "Double or Tensor")
        ) { x, e in
            if let d = e.asNumber { return t(x.pow(d)) }
            return t(try x.pow(try b.tensor(e)))
        }
        tensorOp(
            "clamp", "limits every element to [min, max]", Param<Double?>.double("min", optional: ()),
            Param<Double?>.double("max", optional: ())
        ) { x, lo, hi in
            t(x.clamp(min: lo, max: hi))
        }
        tensorOp("leakyRelu", "x > 0 ? x : negativeSlope·x", Param<Double>.double("negativeSlope", default: 0.01)) {
            x, s in
            t(x.leakyRelu(negativeSlope: s))
        }
        tensorOp("elu", "x > 0 ? x : alpha·(exp(x) − 1)", Param<Double>.double("alpha", default: 1)) { x, a in
            t(x.elu(alpha: a))
        }
        tensorOp("gelu", "x·Φ(x), the exact GELU") { x in t(x.gelu()) }
        tensorOp(
            "softplus", "log(1 + exp(beta·x)) / beta", Param<Double>.double("beta", default: 1),
            Param<Double>.double("threshold", default: 20)
        ) {
            x, beta, th in t(x.softplus(beta: beta, threshold: th))
        }
        tensorOp("isnan", "true where the element is NaN") { x in t(x.isnan()) }
        tensorOp("softmax", "exp(x) / sum(exp(x)) along dim", dim) { x, d in t(try x.softmax(dim: d)) }
        tensorOp("logSoftmax", "log(softmax(x)) along dim, in one stable pass", dim) { x, d in
            t(try x.logSoftmax(dim: d))
        }

        // Reductions.
        tensorOp("sum", "sum of all elements, or along dim", dimOpt, .keepDim) { x, d, k in
            t(try d.map { try x.sum(dim: $0, keepDim: k) } ?? x.sum())
        }
        tensorOp("mean", "mean of all elements, or along dim", dimOpt, .keepDim) { x, d, k in
            t(try d.map { try x.mean(dim: $0, keepDim: k) } ?? x.mean())
        }
        for (name, isMax) in [("max", true), ("min", false)] {
            tensorOp(
                name, "\(isMax ? "largest" : "smallest") element, or (values, indices) along dim", dimOpt, .keepDim
            ) { x, d, k in
                guard let d else { return t(isMax ? try x.max() : try x.min()) }
                let r = isMax ? try x.max(dim: d, keepDim: k) : try x.min(dim: d, keepDim: k)
                return .tuple([t(r.values), t(r.indices)])
            }
        }
        tensorOp("argmax", "index of the largest element (flattened), or along dim", dimOpt, .keepDim) { x, d, k in
            t(try x.argmax(dim: d, keepDim: k))
        }
        tensorOp("argmin", "index of the smallest element (flattened), or along dim", dimOpt, .keepDim) { x, d, k in
            t(try x.argmin(dim: d, keepDim: k))
        }
        let unbiased = Param<Bool>.bool("unbiased", default: true).labeled
        tensorOp(
            "var", "variance of all elements, or along dim (divided by n − 1 unless unbiased: false)", dimOpt, unbiased,
            .keepDim
        ) { x, d, u, k in
            t(try x.variance(dim: d, unbiased: u, keepDim: k))
        }
        tensorOp("std", "standard deviation of all elements, or along dim", dimOpt, unbiased, .keepDim) { x, d, u, k in
            t(try x.std(dim: d, unbiased: u, keepDim: k))
        }
        tensorOp("prod", "product of all elements, or along dim", dimOpt, .keepDim) { x, d, k in
            t(try x.prod(dim: d, keepDim: k))
        }
        tensorOp("cumsum", "running sums along dim", dim) { x, d in t(try x.cumsum(dim: d)) }
        tensorOp(
            "sort", "(values, indices) sorted along dim (stable)", Param<Int>.int("dim", default: -1),
            Param<Bool>.bool("descending", default: false).labeled
        ) { x, d, desc in
            let r = try x.sort(dim: d, descending: desc)
            return .tuple([t(r.values), t(r.indices)])
        }
        tensorOp(
            "topk", "(values, indices) of the k largest (or smallest) along dim", Param<Int>.int("k"),
            Param<Int>.int("dim", default: -1),
            Param<Bool>.bool("largest", default: true).labeled
        ) { x, k, d, l in
            let r = try x.topk(k, dim: d, largest: l)
            return .tuple([t(r.values), t(r.indices)])
        }
        tensorOp(
            "bincount", "how often each non-negative integer occurs", Param<Int>.int("minlength", default: 0).labeled
        ) { x, m in
            t(try x.bincount(minlength: m))
        }
        tensorOp(
            "allclose", "whether |x − other| ≤ atol + rtol·|other| everywhere", other,
            Param<Double>.double("rtol", default: 1e-5),
            Param<Double>.double("atol", default: 1e-8), Param<Bool>.bool("equalNan", default: false).labeled
        ) { x, o, r, a, n in
            .bool(try x.allclose(o, rtol: r, atol: a, equalNaN: n))
        }

        // Shapes and views.
        for (name, isView) in [("reshape", false), ("view", true)] {
            tensorOp(
                name,
                isView
                    ? "the same storage seen with another shape (one size may be -1)"
                    : "the same elements in another shape (one size may be -1)",
                Param<[Int]>.shape("shape", allowInfer: true), free: !isView
            ) { x, s in
                t(isView ? try x.view(s) : try x.reshape(s))
            }
        }
        tensorOp(
            "flatten", "merges dimensions startDim…endDim into one", Param<Int>.int("startDim", default: 0),
            Param<Int>.int("endDim", default: -1)
        ) { x, s, e in
            t(try x.flatten(startDim: s, endDim: e))
        }
        tensorOp("transpose", "swaps two dimensions (a view)", Param<Int>.int("dim0"), Param<Int>.int("dim1")) {
            x, a, c in t(try x.transpose(a, c))
        }
        tensorOp("permute", "reorders the dimensions (a view)", Param<[Int]>.dims()) { x, d in t(try x.permute(d)) }
        tensorOp("t", "transpose of a matrix", free: true) { x in t(try x.t) }
        tensorOp("squeeze", "removes size-1 dimensions (all, or only dim)", dimOpt) { x, d in t(try x.squeeze(d)) }
        tensorOp("unsqueeze", "inserts a size-1 dimension at dim", dim) { x, d in t(try x.unsqueeze(d)) }
        tensorOp(
            "expand", "a view repeated along size-1 dimensions to the given sizes", Param<[Int]>.shape("size"),
            free: false
        ) { x, s in
            t(try x.expand(s))
        }
        tensorOp(
            "repeat", "the tensor tiled sizes[i] times along each dimension", Param<[Int]>.shape("sizes"), free: false
        ) { x, s in
            t(try x.repeating(s))
        }
        tensorOp("flip", "reversed along the given dimensions", Param<[Int]>.dims()) { x, d in t(try x.flip(d)) }
        tensorOp("gather", "out[i][j] = x[i][index[i][j]] along dim", dim, Param<Tensor>.tensor("index", b)) {
            x, d, i in
            t(try x.gather(dim: d, i))
        }
        tensorOp(
            "chunk", "chunks views of (nearly) equal size along dim", Param<Int>.int("chunks"),
            Param<Int>.int("dim", default: 0)
        ) { x, n, d in
            .array(try x.chunk(n, dim: d).map(t))
        }
        tensorOp(
            "split", "views of splitSize elements (or of each given size) along dim",
            Param<Value>.any("splitSize", type: "Int or [Int]"),
            Param<Int>.int("dim", default: 0)
        ) { x, s, d in
            switch s {
            case .int(let n): return .array(try x.split(size: n, dim: d).map(t))
            case .array(let items):
                let sizes = try items.map { v -> Int in
                    guard case .int(let i) = v else {
                        throw TensorError("split: sizes must be Ints, got \(v.typeName)")
                    }
                    return i
                }
                return .array(try x.split(sizes: sizes, dim: d).map(t))
            default: throw TensorError("split: splitSize must be an Int or an array of Ints, not \(s.typeName)")
            }
        }
        tensorOp("contiguous", "the same values laid out contiguously", free: false) { x in t(x.contiguous()) }
        tensorOp("clone", "a copy that stays in the graph") { x in t(x.clone()) }
        tensorOp("nonzero", "positions of the nonzero elements, one row per element") { x in t(try x.nonzero()) }
        tensorOp("matmul", "matrix product (vectors, matrices, batches)", other) { x, o in t(try x.matmul(o)) }
        tensorOp(
            "add", "x + alpha · other, with broadcasting", other, Param<Double>.double("alpha", default: 1).labeled
        ) { x, o, a in
            t(try x + (a == 1 ? o : o * a))
        }
        tensorOp(
            "sub", "x − alpha · other, with broadcasting", other, Param<Double>.double("alpha", default: 1).labeled
        ) { x, o, a in
            t(try x - (a == 1 ? o : o * a))
        }
        tensorOp("mul", "x · other, element-wise with broadcasting", other) { x, o in t(try x * o) }
        tensorOp("div", "x / other, element-wise with broadcasting", other) { x, o in t(try x / o) }
        tensorOp("dot", "the sum of the element-wise product of two vectors", other) { x, o in
            guard x.rank == 1, o.rank == 1, x.count == o.count else {
                throw TensorError("dot: expects two 1-D tensors of the same size, got \(x.shape) and \(o.shape)")
            }
            return t(try x.matmul(o))
        }
        tensorOp(
            "norm", "the Euclidean (2-)norm of all elements, or along dim", dimOpt, .keepDim
        ) { x, d, k in
            let squares = try x * x
            return t(try (d.map { try squares.sum(dim: $0, keepDim: k) } ?? squares.sum()).sqrt())
        }
        tensorOp("mm", "product of two matrices", other) { x, o in t(try x.mm(o)) }

        // Comparisons (also as operators).
        for name in ["eq", "ne", "lt", "le", "gt", "ge"] {
            tensorOp(name, "element-wise comparison, a bool tensor", other) { x, o in
                t(try TensorObject.compare(name, x, o))
            }
        }

        // Conversions and autograd.
        tensorOp("item", "the one element as a number", free: false) { x in
            let v = try x.item()
            return x.dtype.isFloatingPoint ? .double(v) : (x.dtype == .bool ? .bool(v != 0) : .int(Int(v)))
        }
        tensorOp("tolist", "nested arrays of numbers", free: false) { x in TensorObject.list(x) }
        tensorOp("detach", "the same values outside the graph") { x in t(x.detach()) }
        tensorOp(
            "backward", "gradients of this tensor into every leaf that requires grad",
            Param<Tensor?>.tensor("gradient", b, optional: ()), Param<Bool>.bool("retainGraph", default: false).labeled,
            free: false
        ) { x, g, retain in
            if g == nil { try b.checkLoss?(x) }  // a loss: one number, no gradient given
            try x.backward(g, retainGraph: retain)
            return .nil
        }
        tensorOp(
            "requiringGrad", "sets requiresGrad (PyTorch's requires_grad_)", Param<Bool>.bool("flag", default: true),
            free: false
        ) { x, f in
            try x.requiringGrad(f)
            return t(x)
        }
        for (name, dtype) in [("float", DType.float32), ("double", .float64), ("long", .int64)] {
            tensorOp(name, "converted to \(dtype)", free: false) { x in t(x.to(dtype)) }
        }
        tensorOp(
            "to", "converted to a dtype (\"float32\", \"float64\", \"int64\", \"bool\")", Param<DType?>.dtype,
            free: false
        ) { x, d in
            t(d.map { x.to($0) } ?? x)
        }
        tensorOp("size", "the sizes, or the size of dim", dimOpt, free: false) { x, d in
            guard let d else { return .array(x.shape.map(Value.int)) }
            guard d >= -x.rank && d < x.rank else {
                throw TensorError("size: dimension \(d) is out of range for shape \(x.shape)")
            }
            return .int(x.shape[d < 0 ? d + x.rank : d])
        }
        tensorOp("numel", "the number of elements") { x in .int(x.count) }
        tensorOp("dim", "the number of dimensions", free: false) { x in .int(x.rank) }

        // In place (PyTorch's trailing underscore).
        tensorOp("zero_", "sets every element to 0", free: false) { x in
            try x.zero_()
            return t(x)
        }
        tensorOp("fill_", "sets every element to value", Param<Double>.double("value"), free: false) { x, v in
            try x.fill_(v)
            return t(x)
        }
        tensorOp(
            "normal_", "fills with normal samples from the torch generator", Param<Double>.double("mean", default: 0),
            Param<Double>.double("std", default: 1), free: false
        ) { x, m, s in
            try x.normal_(mean: m, std: s, generator: b.torch)
            return t(x)
        }
        tensorOp(
            "uniform_", "fills with uniform samples in [from, to) from the torch generator",
            Param<Double>.double("from", default: 0),
            Param<Double>.double("to", default: 1), free: false
        ) { x, lo, hi in
            try x.uniform_(from: lo, to: hi, generator: b.torch)
            return t(x)
        }
        for (name, sign) in [("add_", 1.0), ("sub_", -1.0)] {
            tensorOp(
                name, sign > 0 ? "x += alpha * other" : "x -= alpha * other", other,
                Param<Double>.double("alpha", default: 1).labeled,
                free: false
            ) { x, o, a in
                try x.add_(o, alpha: sign * a)
                return t(x)
            }
        }
        tensorOp("mul_", "x *= other", other, free: false) { x, o in
            try x.mul_(o)
            return t(x)
        }
        tensorOp("div_", "x /= other", other, free: false) { x, o in
            try x.div_(o)
            return t(x)
        }
        tensorOp("copy_", "copies other (broadcast) into x", other, free: false) { x, o in
            try x.copy_(o)
            return t(x)
        }

        tensorOp(
            "maxPool2d", "maximum over kernelSize×kernelSize windows of (N, C, H, W)", Param<Int>.int("kernelSize"),
            Param<Int?>.int("stride", optional: ())
        ) { x, k, s in t(try x.maxPool2d(kernel: k, stride: s)) }
        tensorOp(
            "dropout", "zeroes elements with probability p when training, scales the rest by 1/(1 − p)",
            Param<Double>.double("p", default: 0.5), Param<Bool>.bool("training", default: true)
        ) { x, p, tr in
            t(try x.dropout(p, training: tr, generator: b.torch))
        }

        installFactories()
    }

    func installFactories() {
        let b = self, i = interpreter
        func t(_ x: Tensor) -> Value { wrap(x) }
        let dtype = Param<DType?>.dtype, grad = Param<Bool>.requiresGrad, shape = Param<[Int]>.shape()

        i.define(
            "Creating tensors",
            "tensor", "a new tensor from a number or a (nested) array of numbers or bools", Param<Value>.any("data"),
            dtype, grad
        ) { data, d, g in
            // A copy, as torch.tensor makes: the result never shares storage with its argument.
            var out = try b.tensor(data, dtype: d).clone().detach()
            if let d, out.dtype != d { out = out.to(d) }
            return t(try made(out, g))
        }
        for (name, fill) in [("zeros", 0.0), ("ones", 1.0), ("empty", 0.0)] {
            let doc =
                name == "empty"
                ? "a tensor of the given sizes (filled with zeros here: no garbage)" : "a tensor of \(Int(fill))s"
            i.define("Creating tensors", name, doc, shape, dtype, grad) { s, d, g in
                t(try made(try Tensor.full(s, fill, dtype: d ?? .float32), g))
            }
        }
        i.define(
            "Creating tensors",
            "full", "a tensor filled with value", Param<[Int]>.size(), Param<Double>.double("fillValue"), dtype, grad
        ) { s, v, d, g in
            t(try made(try Tensor.full(s, v, dtype: d ?? .float32), g))
        }
        i.define(
            "Creating tensors", "eye", "the n×m identity matrix", Param<Int>.int("n"),
            Param<Int?>.int("m", optional: ()), dtype, grad
        ) {
            n, m, d, g in
            let out = try Tensor.zeros([n, m ?? n], dtype: d ?? .float32)
            for k in 0..<Swift.min(n, m ?? n) { try out.select(k).select(k).fill_(1) }
            return t(try made(out, g))
        }
        for (name, normal) in [("rand", false), ("randn", true)] {
            i.define(
                "Creating tensors",
                name,
                normal
                    ? "standard normal samples from the torch generator"
                    : "uniform samples in [0, 1) from the torch generator",
                shape, dtype, grad
            ) { s, d, g in
                let dt = d ?? .float32
                return t(
                    try made(
                        normal
                            ? try Tensor.randn(s, dtype: dt, generator: b.torch)
                            : try Tensor.rand(s, dtype: dt, generator: b.torch), g))
            }
        }
        for (name, kind) in [("zerosLike", 0), ("onesLike", 1), ("randLike", 2), ("randnLike", 3)] {
            i.define(
                "Creating tensors",
                name, "like \(["zeros", "ones", "rand", "randn"][kind]), with the shape and dtype of input",
                Param<Tensor>.tensor("input", b),
                dtype, grad
            ) { x, d, g in
                let dt = d ?? x.dtype
                let out: Tensor
                switch kind {
                case 0, 1: out = try Tensor.full(x.shape, Double(kind), dtype: dt)
                case 2: out = try Tensor.rand(x.shape, dtype: dt, generator: b.torch)
                default: out = try Tensor.randn(x.shape, dtype: dt, generator: b.torch)
                }
                return t(try made(out, g))
            }
        }
        i.define(
            "Creating tensors",
            "normal", "normal samples with the given mean and std (numbers), of the given size",
            Param<Double>.double("mean"),
            Param<Double>.double("std"), Param<[Int]>.size(), dtype, grad
        ) { m, s, size, d, g in
            let out = try Tensor.zeros(size, dtype: d ?? .float32)
            try out.normal_(mean: m, std: s, generator: b.torch)
            return t(try made(out, g))
        }
        i.define(
            "Creating tensors",
            "arange", "start, start + step, … up to (not including) end; int64 when all are Ints, else float32",
            Param<Number>.number("start"), Param<Number?>.number("end", optional: ()),
            Param<Number>.number("step", default: 1),
            dtype, grad
        ) { a, e, s, d, g in
            let (start, end) = e == nil ? (0, a.value) : (a.value, e!.value)
            let ints = a.isInt && (e?.isInt ?? true) && s.isInt
            return t(try made(try Tensor.arange(start, end, step: s.value, dtype: d ?? (ints ? .int64 : .float32)), g))
        }
        i.define(
            "Creating tensors",
            "linspace", "steps evenly spaced values from start to end", Param<Double>.double("start"),
            Param<Double>.double("end"),
            Param<Int>.int("steps"), dtype, grad
        ) { a, e, n, d, g in
            t(try made(try Tensor.linspace(a, e, count: n, dtype: d ?? .float32), g))
        }
        i.define(
            "Creating tensors",
            "randint", "integers in [low, high) from the torch generator", Param<Int>.int("low"),
            Param<Int>.int("high"),
            Param<[Int]>.size()
        ) { lo, hi, s in
            t(try Tensor.randint(lo, hi, s, generator: b.torch))
        }
        i.define(
            "Creating tensors", "randperm", "a random permutation of 0..<n from the torch generator",
            Param<Int>.int("n")
        ) { n in
            t(try Tensor.randperm(n, generator: b.torch))
        }
        i.define("Creating tensors", "manualSeed", "seeds the torch generator", Param<Int>.int("seed")) { s in
            guard s >= 0 else { throw TensorError("manualSeed: the seed must be non-negative") }
            b.torch.manualSeed(UInt64(s))
            return .nil
        }
        i.define(
            "Creating tensors",
            "where", "condition ? input : other, element-wise with broadcasting", Param<Tensor>.tensor("condition", b),
            Param<Tensor>.tensor("input", b), Param<Tensor>.tensor("other", b)
        ) { c, x, y in
            guard c.dtype == .bool else {
                throw TensorError(
                    "where expected condition to be a boolean tensor, but got a tensor with dtype \(c.dtype)")
            }
            return t(try Tensor.where(c, x, y))
        }
        i.define(
            "Creating tensors",
            "meshgrid", "coordinate grids from 1-D tensors (indexing \"ij\", or numpy's \"xy\")",
            Param<[Tensor]>.spread("tensors", b),
            Param<String>.string("indexing", default: "ij").labeled
        ) { xs, ix in
            .array(try Tensor.meshgrid(xs, indexing: ix).map(t))
        }
        i.define(
            "Creating tensors",
            "cat", "joins tensors along an existing dimension", Param<[Tensor]>.tensors("tensors", b),
            Param<Int>.int("dim", default: 0)
        ) { xs, d in
            t(try Tensor.cat(xs, dim: d))
        }
        i.define(
            "Creating tensors",
            "stack", "joins same-shaped tensors along a new dimension", Param<[Tensor]>.tensors("tensors", b),
            Param<Int>.int("dim", default: 0)
        ) { xs, d in
            t(try Tensor.stack(xs, dim: d))
        }
    }
}
