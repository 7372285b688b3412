import CellLanguage
import Foundation
import TensorEngine

// `np.…` in cells: numpy's legacy generator (seeded by the notebook, bit for bit as numpy's) and
// the numpy functions people reach for beside it, declared once each. Results are float64
// tensors, as numpy's arrays are.

/// A namespace object whose members are declared functions and constants.
final class Namespace: HostObject {
    let typeName: String
    var members: [String: Value] = [:]
    init(_ name: String) { typeName = name }
    func member(_ name: String) throws -> Value? { members[name] }
    var memberNames: [String] { Array(members.keys) }
}

extension Param where T == [Int]? {
    /// numpy's `size`: an Int, a shape, or nil for one number.
    static var npSize: Param {
        Param("size", type: "[Int]?", default: .some(nil), defaultText: "nil") { v in
            switch v {
            case .int(let n) where n >= 0: return [n]
            case .array(let xs), .tuple(let xs):
                return try xs.map { x in
                    guard case .int(let i) = x, i >= 0 else {
                        throw ConversionError("must be made of non-negative Ints, got \(x.displayed)")
                    }
                    return i
                }
            default: throw ConversionError.expected("an Int or an array of Ints", v)
            }
        }
    }
}

final class NumpyNamespace: HostObject {
    let typeName = "numpy"
    let members: Namespace

    init(_ b: EngineBindings) {
        members = Namespace("numpy")
        let random = Namespace("numpy.random")
        let rs = b.numpy, library = b.library
        func define<each T>(
            _ ns: Namespace, _ name: String, _ doc: String, _ params: repeat Param<each T>,
            body: @escaping (repeat each T) throws -> Value
        ) {
            let table = ns === random ? "numpy.random" : "numpy"
            ns.members[name] = .function(
                library.function(
                    table, "np." + (ns === random ? "random." : "") + name, doc,
                    repeat each params, body: body))
        }
        /// A number when `size` is nil, else a tensor of that shape.
        func sized(_ size: [Int]?, _ draw: (Int) throws -> [Double], int: Bool = false) throws -> Value {
            guard let size else {
                let x = try draw(1)[0]
                return int ? .int(Int(x)) : .double(x)
            }
            // Checked before the numbers are drawn: they are held twice (as Doubles, then the tensor).
            let count = try size.reduce(1) { n, d in
                let (m, overflow) = n.multipliedReportingOverflow(by: d)
                guard !overflow else { throw TensorError("size \(size) has more elements than memory can hold") }
                return m
            }
            try Tensor.reserve(count * 2, .float64, for: "np.random")
            let values = try draw(count)
            return b.wrap(try Tensor(values, shape: size, dtype: int ? .int64 : .float64))
        }
        let size = Param<[Int]?>.npSize, dims = Param<[Int]>.shape("d")

        define(random, "seed", "seeds numpy's legacy generator", Param<Int>.int("seed")) { s in
            guard s >= 0, s < 1 << 32 else { throw TensorError("np.random.seed: the seed must be in 0..<2^32") }
            rs.seed(UInt32(s))
            return .nil
        }
        define(
            random, "uniform", "uniform samples in [low, high)", Param<Double>.double("low", default: 0),
            Param<Double>.double("high", default: 1), size
        ) { lo, hi, s in try sized(s) { rs.uniform(lo, hi, count: $0) } }
        define(
            random, "normal", "normal samples with mean loc and standard deviation scale",
            Param<Double>.double("loc", default: 0),
            Param<Double>.double("scale", default: 1), size
        ) { m, sd, s in try sized(s) { rs.normal(m, sd, count: $0) } }
        define(random, "randint", "integers in [low, high)", Param<Int>.int("low"), Param<Int>.int("high"), size) {
            lo, hi, s in
            try sized(s, { try rs.randint(lo, hi, count: $0).map(Double.init) }, int: true)
        }
        for (name, normal) in [("rand", false), ("randn", true)] {
            define(
                random, name,
                normal
                    ? "standard normal samples, shape given as sizes (randn(2, 3))"
                    : "uniform samples in [0, 1), shape given as sizes",
                dims
            ) { d in try sized(d.isEmpty ? nil : d) { normal ? rs.randn(count: $0) : rs.rand(count: $0) } }
        }
        for name in ["random", "standardNormal"] {
            define(
                random, name,
                name == "random"
                    ? "uniform samples in [0, 1) of the given size" : "standard normal samples of the given size",
                size
            ) { s in try sized(s) { name == "random" ? rs.rand(count: $0) : rs.randn(count: $0) } }
        }
        define(
            random, "permutation", "a shuffled copy of 0..<n (or of a tensor's rows)",
            Param<Value>.any("x", type: "Int or Tensor")
        ) { x in
            if case .int(let n) = x {
                guard n >= 0 else { throw TensorError("np.random.permutation: n must be non-negative, got \(n)") }
                return b.wrap(try Tensor(rs.permutation(n)))
            }
            let t = try b.tensor(x)
            return b.wrap(try t.index([.tensor(try Tensor(rs.permutation(t.rank == 0 ? 1 : t.shape[0])))]))
        }
        define(random, "shuffle", "shuffles a tensor's rows in place", Param<Tensor>.tensor("x", b)) { t in
            guard t.rank > 0 else {
                throw TensorError("np.random.shuffle: expects a tensor with at least one dimension")
            }
            var order = Array(0..<t.shape[0])
            rs.shuffle(&order)
            let rows = try noGrad { try t.index([.tensor(try Tensor(order))]) }
            try noGrad { try t.copy_(rows) }
            return .nil
        }
        members.members["random"] = .object(random)

        // Arrays.
        define(
            members, "linspace", "num evenly spaced values from start to stop (numpy's formula, float64)",
            Param<Double>.double("start"),
            Param<Double>.double("stop"), Param<Int>.int("num", default: 50), Param<DType?>.dtype
        ) { a, e, n, d in
            b.wrap(try Tensor.numpyLinspace(a, e, count: n, dtype: d ?? .float64))
        }
        define(
            members, "arange", "start, start + step, … below stop (int64 when all are Ints, else float64)",
            Param<Number>.number("start"), Param<Number?>.number("stop", optional: ()),
            Param<Number>.number("step", default: 1),
            Param<DType?>.dtype
        ) { a, e, st, d in
            let (start, stop) = e == nil ? (0, a.value) : (a.value, e!.value)
            let ints = a.isInt && (e?.isInt ?? true) && st.isInt
            return b.wrap(try Tensor.arange(start, stop, step: st.value, dtype: d ?? (ints ? .int64 : .float64)))
        }
        for (name, fill) in [("zeros", 0.0), ("ones", 1.0)] {
            define(
                members, name, "a float64 array of \(Int(fill))s of the given shape", Param<[Int]>.size("shape"),
                Param<DType?>.dtype
            ) { s, d in
                b.wrap(try Tensor.full(s, fill, dtype: d ?? .float64))
            }
        }
        define(
            members, "array", "a float64 (or int64) array from numbers or nested arrays", Param<Value>.any("object"),
            Param<DType?>.dtype
        ) { x, d in
            let t = try b.tensor(x, dtype: d)
            return b.wrap(d == nil && t.dtype == .float32 ? t.to(.float64) : t.clone().detach())
        }
        define(
            members, "dot", "the matrix (or dot) product of two arrays", Param<Tensor>.tensor("a", b),
            Param<Tensor>.tensor("b", b)
        ) { x, y in
            // numpy promotes: int64 with float64 is float64 (and int64 with int64 stays int64).
            let floating: DType = x.dtype == .float32 && y.dtype == .float32 ? .float32 : .float64
            let product = try (x.dtype == floating ? x : x.to(floating)).matmul(
                y.dtype == floating ? y : y.to(floating))
            let ints = !x.dtype.isFloatingPoint && !y.dtype.isFloatingPoint
            return b.wrap(ints ? product.to(.int64) : product)
        }
        define(members, "square", "the element-wise square", Param<Tensor>.tensor("x", b)) { x in b.wrap(x.pow(2)) }
        let math: [(String, (Tensor) -> Tensor, (Double) -> Double)] = [
            ("sin", { $0.sin() }, Foundation.sin), ("cos", { $0.cos() }, Foundation.cos),
            ("exp", { $0.exp() }, Foundation.exp),
            ("log", { $0.log() }, Foundation.log), ("sqrt", { $0.sqrt() }, Foundation.sqrt),
            ("tanh", { $0.tanh() }, Foundation.tanh),
            ("abs", { $0.abs() }, Swift.abs),
        ]
        for (name, op, scalar) in math {
            define(
                members, name, "element-wise \(name) (a number for a number)",
                Param<Value>.any("x", type: "Tensor or Double")
            ) { x in
                if let d = x.asNumber { return .double(scalar(d)) }
                return b.wrap(op(try b.tensor(x)))
            }
        }
        library.members("numpy", "np", [("pi", "π"), ("e", "Euler's number"), ("inf", "∞"), ("nan", "not a number")])
        members.members["pi"] = .double(Double.pi)
        members.members["e"] = .double(M_E)
        members.members["inf"] = .double(Double.infinity)
        members.members["nan"] = .double(Double.nan)
    }

    func member(_ name: String) throws -> Value? { try members.member(name) }
    var memberNames: [String] { members.memberNames }
}
