import Foundation

/// Element-wise arithmetic with broadcasting, unary math, comparisons and in-place updates.
/// Each op's backward sits right under its forward.

enum Arith { case add, sub, mul, div }

extension Tensor {
    /// Forward of a binary arithmetic op, no graph. int64 stays int64 except for division.
    func arith(_ op: Arith, _ other: Tensor, _ name: String) throws -> Tensor {
        let outShape = try broadcastShapes(shape, other.shape, op: name)
        var dt = DType.promote(dtype, other.dtype)
        if dt == .bool { dt = .int64 }
        if op == .div && !dt.isFloatingPoint { dt = .float32 }
        // Only broadcasting can make an output larger than both inputs: checked then.
        if outShape != shape && outShape != other.shape {
            try Tensor.reserve(try Tensor.elementCount(outShape), dt, for: name)
        }
        let a = dtype == dt ? self : to(dt)
        let b = other.dtype == dt ? other : other.to(dt)
        let out = Tensor(uninitialized: outShape, dtype: dt)
        switch dt {
        case .float32:
            switch op {
            case .add: zipKernel(a, b, out, Float.self, +)
            case .sub: zipKernel(a, b, out, Float.self, -)
            case .mul: zipKernel(a, b, out, Float.self, *)
            case .div: zipKernel(a, b, out, Float.self, /)
            }
        case .float64:
            switch op {
            case .add: zipKernel(a, b, out, Double.self, +)
            case .sub: zipKernel(a, b, out, Double.self, -)
            case .mul: zipKernel(a, b, out, Double.self, *)
            case .div: zipKernel(a, b, out, Double.self, /)
            }
        case .int64, .bool:
            switch op {
            case .add: zipKernel(a, b, out, Int64.self, &+)
            case .sub: zipKernel(a, b, out, Int64.self, &-)
            case .mul: zipKernel(a, b, out, Int64.self, &*)
            case .div: break
            }
        }
        return out
    }

    /// A 0-dimensional tensor holding `value` in the type an op with `self` should use.
    func scalarLike(_ value: Double) -> Tensor {
        if dtype.isFloatingPoint { return Tensor(scalar: value, dtype: dtype) }
        return Tensor(scalar: value, dtype: value.rounded() == value ? .int64 : .float32)
    }

    // MARK: add, sub, mul, div

    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try a.arith(.add, b, "add")
        return a.record(out, "AddBackward0", [a, b]) { g in [g, g] }
    }

    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try a.arith(.sub, b, "sub")
        return a.record(out, "SubBackward0", [a, b]) { g in [g, try -g] }
    }

    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try a.arith(.mul, b, "mul")
        return a.record(out, "MulBackward0", [a, b]) { g in
            [a.requiresGrad ? try g * b.detach() : nil, b.requiresGrad ? try g * a.detach() : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try a.arith(.div, b, "div")
        return a.record(out, "DivBackward0", [a, b]) { g in
            let bd = b.detach()
            return [
                a.requiresGrad ? try g / bd : nil,
                b.requiresGrad ? try -(g * a.detach()) / (bd * bd) : nil,
            ]
        }
    }

    public static prefix func - (a: Tensor) throws -> Tensor {
        let out: Tensor
        switch a.dtype {
        case .float32:
            out = a.uninitializedLike()
            mapKernel(a, out, Float.self) { -$0 }
        case .float64:
            out = a.uninitializedLike()
            mapKernel(a, out, Double.self) { -$0 }
        case .int64, .bool:
            out = Tensor(uninitialized: a.shape, dtype: .int64)
            mapKernel(a, out, Int64.self) { 0 &- $0 }
        }
        return a.record(out, "NegBackward0", [a]) { g in [try -g] }
    }

    public static func + (a: Tensor, b: Double) throws -> Tensor { try a + a.scalarLike(b) }
    public static func - (a: Tensor, b: Double) throws -> Tensor { try a - a.scalarLike(b) }
    public static func * (a: Tensor, b: Double) throws -> Tensor { try a * a.scalarLike(b) }
    public static func / (a: Tensor, b: Double) throws -> Tensor { try a / a.scalarLike(b) }
    public static func + (a: Double, b: Tensor) throws -> Tensor { try b.scalarLike(a) + b }
    public static func - (a: Double, b: Tensor) throws -> Tensor { try b.scalarLike(a) - b }
    public static func * (a: Double, b: Tensor) throws -> Tensor { try b.scalarLike(a) * b }
    public static func / (a: Double, b: Tensor) throws -> Tensor { try b.scalarLike(a) / b }

    // MARK: unary math

    /// Applies a float function element-wise (ints are promoted to float32 first); float32 data
    /// goes eight at a time through `f32x8` when given, which must give `f32`'s bits lane by lane.
    /// `tail`: what ATen's scalar loop computes for the last `count % 32` elements of a float32
    /// tensor (its `vectorized_loop` takes two 16-float vectors at a time and leaves the rest to
    /// the scalar function, which may differ, e.g. the C library's expf instead of Sleef's).
    func unary(
        _ f32: (Float) -> Float, _ f64: (Double) -> Double,
        vector f32x8: ((SIMD8<Float>) -> SIMD8<Float>)? = nil, tail: ((Float) -> Float)? = nil
    ) -> Tensor {
        let src = dtype.isFloatingPoint ? self : to(.float32)
        let out = src.uninitializedLike()
        if src.dtype == .float32 {
            if let f32x8 { mapKernel8(src, out, f32x8, f32) } else { mapKernel(src, out, Float.self, f32) }
            if let tail {
                let c = src.contiguousData(), n = out.count
                let pc = c.pointer(Float.self), po = out.pointer(Float.self)
                defer { withExtendedLifetime(c) {} }
                for i in (n - n % 32)..<n { po[i] = tail(pc[i]) }
            }
        } else {
            mapKernel(src, out, Double.self, f64)
        }
        return out
    }

    public func exp() -> Tensor {
        let out = unary(Float.exp, Double.exp, vector: expf8)
        return record(out, "ExpBackward0", [self]) { [unowned(unsafe) out] g in [try g * out.detach()] }
    }

    public func log() -> Tensor {
        let out = unary(Float.log, Double.log)
        return record(out, "LogBackward0", [self]) { g in [try g / self.detach()] }
    }

    public func sin() -> Tensor {
        let out = unary({ Foundation.sinf($0) }, { Foundation.sin($0) })
        return record(out, "SinBackward0", [self]) { g in [try g * self.detach().cos()] }
    }

    public func cos() -> Tensor {
        let out = unary({ Foundation.cosf($0) }, { Foundation.cos($0) })
        return record(out, "CosBackward0", [self]) { g in [try -(g * self.detach().sin())] }
    }

    /// log(1 + x), accurate near zero.
    public func log1p() -> Tensor {
        // NOTE: ATen's vector kernel is Sleef's log1pf (`sleefLog1pf`), on every element.
        let out = unary(sleefLog1pf, Double.log1p)
        return record(out, "Log1PBackward0", [self]) { g in [try g / (self.detach() + 1)] }
    }

    /// exp(x) − 1, accurate near zero. Backward: g · (y + 1).
    public func expm1() -> Tensor {
        // NOTE: ATen's vector kernel is Sleef's expm1f (`sleefExpm1f`), on every element (its
        // vectors take the tail too; the C library's expm1f there gave 2 of 2,035 different).
        let out = unary(sleefExpm1f, { Foundation.expm1($0) })
        return record(out, "Expm1Backward0", [self]) { [unowned(unsafe) out] g in [try g * (out.detach() + 1)] }
    }

    /// 1 / √x. Backward (rsqrt_backward): −0.5 · g · y³.
    public func rsqrt() -> Tensor {
        let out = unary({ 1 / $0.squareRoot() }, { 1 / $0.squareRoot() })
        return record(out, "RsqrtBackward0", [self]) { [unowned(unsafe) out] g in
            let y = out.detach()
            return [try (g * -0.5) * (y * y * y)]
        }
    }

    /// Tangent. Backward: g · (1 + y²).
    public func tan() -> Tensor {
        let out = unary({ Foundation.tanf($0) }, { Foundation.tan($0) })
        return record(out, "TanBackward0", [self]) { [unowned(unsafe) out] g in
            let y = out.detach()
            return [try g * (y * y + 1)]
        }
    }

    public func sqrt() -> Tensor {
        let out = unary({ $0.squareRoot() }, { $0.squareRoot() })
        return record(out, "SqrtBackward0", [self]) { [unowned(unsafe) out] g in [try g / (out.detach() * 2)] }
    }

    public func abs() -> Tensor {
        let out = unary({ Swift.abs($0) }, { Swift.abs($0) })
        return record(out, "AbsBackward0", [self]) { g in [try g * self.detach().sign()] }
    }

    /// -1, 0 or 1 by the sign of each element.
    public func sign() -> Tensor {
        unary({ $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }, { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) })
    }

    /// `other − self` (torch.rsub, what Python's `4.2 - x` calls). Backward: (−g, g).
    public func rsub(_ other: Tensor) throws -> Tensor {
        let out = try other.arith(.sub, self, "rsub")
        return record(out, "RsubBackward1", [self, other]) { g in [try -g, g] }
    }

    /// 1 / x. Backward: −g · y² (reciprocal_backward).
    public func reciprocal() -> Tensor {
        let out = unary({ 1 / $0 }, { 1 / $0 })
        return record(out, "ReciprocalBackward0", [self]) { [unowned(unsafe) out] g in
            let y = out.detach()
            return [try -g * (y * y)]
        }
    }

    /// `self` raised to a constant power.
    /// NOTE: as ATen's pow_tensor_scalar kernel, six exponents are other operations: 0.5 √x,
    /// 2 x·x, 3 x·x·x, −0.5 1/√x, −1 1/x, −2 1/(x·x); the rest Sleef's powf (`sleefPowf`), the C
    /// library's powf in the scalar tail (see `unary`). The backward,
    /// g · (e · x^(e−1)), goes through the same special cases (x³'s is 3·(x·x)).
    public func pow(_ exponent: Double) -> Tensor {
        let out: Tensor
        switch exponent {
        case 0.5: out = unary({ $0.squareRoot() }, { $0.squareRoot() })
        case 2: out = unary({ $0 * $0 }, { $0 * $0 })
        case 3: out = unary({ $0 * $0 * $0 }, { $0 * $0 * $0 })
        case -0.5: out = unary({ 1 / $0.squareRoot() }, { 1 / $0.squareRoot() })
        case -1: out = unary({ 1 / $0 }, { 1 / $0 })
        case -2: out = unary({ 1 / ($0 * $0) }, { 1 / ($0 * $0) })
        default:
            let e32 = Float(exponent)
            out = unary({ sleefPowf($0, e32) }, { Double.pow($0, exponent) }, tail: { Foundation.pow($0, e32) })
        }
        return record(out, "PowBackward0", [self]) { g in
            [try g * (self.detach().pow(exponent - 1) * exponent)]
        }
    }

    /// `self` raised element-wise to `exponent`, broadcast together (integers become float32).
    /// Backward: exponent * self^(exponent - 1) for the base; self^exponent * log(self) for the
    /// exponent.
    public func pow(_ exponent: Tensor) throws -> Tensor {
        let outShape = try broadcastShapes(shape, exponent.shape, op: "pow")
        var dt = DType.promote(dtype, exponent.dtype)
        if !dt.isFloatingPoint { dt = .float32 }
        let a = try (dtype == dt ? self : to(dt)).broadcast(to: outShape).contiguousData()
        let e = try (exponent.dtype == dt ? exponent : exponent.to(dt)).broadcast(to: outShape).contiguousData()
        let out = Tensor(uninitialized: outShape, dtype: dt)
        let tail = out.count - out.count % 32
        for i in 0..<out.count {
            let x = a.load(i), y = e.load(i)
            if dt == .float32 {
                // ATen's pow_tensor_tensor kernel: Sleef's powf, the C library's in the scalar tail.
                let (x, y) = (Float(x), Float(y))
                out.store(i, Double(i < tail ? sleefPowf(x, y) : Foundation.pow(x, y)))
            } else {
                out.store(i, Double.pow(x, y))
            }
        }
        return record(out, "PowBackward1", [self, exponent]) { [unowned(unsafe) out] g in
            let x = self.detach(), y = exponent.detach()
            return [try g * (y * (try x.pow(y - 1))), try g * (out * x.log())]
        }
    }

    /// Limits every element to `[min, max]`. Backward: the gradient where the value was strictly
    /// inside, 0 on the bounds and outside (a selection: PyTorch 2.15 gives 0 at x = min and
    /// x = max, measured).
    public func clamp(min lo: Double? = nil, max hi: Double? = nil) -> Tensor {
        let l32 = lo.map(Float.init) ?? -.infinity, h32 = hi.map(Float.init) ?? .infinity
        let l64 = lo ?? -.infinity, h64 = hi ?? .infinity
        let out = unary({ Swift.min(Swift.max($0, l32), h32) }, { Swift.min(Swift.max($0, l64), h64) })
        return record(out, "ClampBackward1", [self]) { g in
            let x = self.detach()
            let inside = x.unary(
                { ($0 > l32 || lo == nil) && ($0 < h32 || hi == nil) ? 1 : 0 },
                { ($0 > l64 || lo == nil) && ($0 < h64 || hi == nil) ? 1 : 0 }
            ).to(.bool)
            return [try Tensor.where(inside, g, g.scalarLike(0))]
        }
    }

    // MARK: comparisons (no gradient)

    func compare(_ other: Tensor, _ name: String, _ f: (Double, Double) -> Bool) throws -> Tensor {
        let outShape = try broadcastShapes(shape, other.shape, op: name)
        let a = try broadcast(to: outShape).scalars, b = try other.broadcast(to: outShape).scalars
        let out = Tensor(uninitialized: outShape, dtype: .bool)
        let p = out.storage.ints
        for i in 0..<a.count { p[i] = f(a[i], b[i]) ? 1 : 0 }
        return out
    }

    public func eq(_ other: Tensor) throws -> Tensor { try compare(other, "eq", ==) }
    public func ne(_ other: Tensor) throws -> Tensor { try compare(other, "ne", !=) }
    public func lt(_ other: Tensor) throws -> Tensor { try compare(other, "lt", <) }
    public func le(_ other: Tensor) throws -> Tensor { try compare(other, "le", <=) }
    public func gt(_ other: Tensor) throws -> Tensor { try compare(other, "gt", >) }
    public func ge(_ other: Tensor) throws -> Tensor { try compare(other, "ge", >=) }

    // MARK: in-place updates (PyTorch's trailing underscore)

    /// In-place updates are refused where they would corrupt the graph: PyTorch's message for a
    /// leaf; a tensor computed in the graph cannot be updated in place in this engine (no
    /// version counters), where PyTorch would record the update.
    func checkInPlace(_ name: String) throws {
        guard gradEnabled && requiresGrad else { return }
        if isLeaf {
            throw TensorError(
                "\(name): a leaf Variable that requires grad is being used in an in-place operation "
                    + "(update it inside noGrad { … } or through .data)")
        }
        throw TensorError(
            "\(name): a tensor that is part of the autograd graph cannot be changed in place; "
                + "compute a new tensor, or use noGrad { … } or .data")
    }

    /// PyTorch refuses to store a floating-point result in an integer tensor.
    func checkResultType(_ other: Tensor, _ name: String) throws {
        if !dtype.isFloatingPoint && other.dtype.isFloatingPoint {
            throw TensorError(
                "\(name): result type Float can't be cast to the desired output type \(dtype == .bool ? "Bool" : "Long")"
            )
        }
    }

    /// `self /= other` in place. Division of integers is refused, as PyTorch refuses to store its
    /// float result in an int64 tensor.
    @discardableResult
    public func div_(_ other: Tensor) throws -> Tensor {
        try checkInPlace("div_")
        try checkResultType(Tensor(scalar: 1), "div_")
        let result = try arith(.div, other, "div_")
        guard result.shape == shape else {
            throw TensorError(
                "div_: shape \(other.shape) cannot be broadcast to the shape \(shape) of the tensor updated in place")
        }
        try assign(from: result)
        return self
    }

    /// `self += alpha * other`, one fused multiply-add per element as PyTorch's CPU kernel.
    @discardableResult
    public func add_(_ other: Tensor, alpha: Double = 1) throws -> Tensor {
        try checkInPlace("add_")
        try checkResultType(other, "add_")
        guard try broadcastShapes(shape, other.shape, op: "add_") == shape else {
            throw TensorError(
                "add_: shape \(other.shape) cannot be broadcast to the shape \(shape) of the tensor updated in place")
        }
        let b = other.dtype == dtype ? other : other.to(dtype)
        switch dtype {
        case .float32:
            let a = Float(alpha)
            if alpha == 1 {
                updateKernel(self, b, Float.self, +)
            } else {
                updateKernel(self, b, Float.self) { $0.addingProduct($1, a) }
            }
        case .float64:
            if alpha == 1 {
                updateKernel(self, b, Double.self, +)
            } else {
                updateKernel(self, b, Double.self) { $0.addingProduct($1, alpha) }
            }
        case .int64, .bool:
            let a = Int64(alpha)
            updateKernel(self, b, Int64.self) { $0 &+ $1 &* a }
        }
        return self
    }

    @discardableResult
    public func sub_(_ other: Tensor, alpha: Double = 1) throws -> Tensor {
        try checkInPlace("sub_")
        return try add_(other, alpha: -alpha)
    }

    @discardableResult
    public func mul_(_ other: Tensor) throws -> Tensor {
        try checkInPlace("mul_")
        try checkResultType(other, "mul_")
        let result = try arith(.mul, other, "mul_")
        guard result.shape == shape else {
            throw TensorError(
                "mul_: shape \(other.shape) cannot be broadcast to the shape \(shape) of the tensor updated in place")
        }
        try assign(from: result)
        return self
    }

    @discardableResult
    public func mul_(_ value: Double) throws -> Tensor { try mul_(scalarLike(value)) }

    @discardableResult
    public func add_(_ value: Double) throws -> Tensor { try add_(scalarLike(value)) }

    /// Sets every element to `value`.
    @discardableResult
    public func fill_(_ value: Double) throws -> Tensor {
        try checkInPlace("fill_")
        forEachOffset { store($0, value) }
        return self
    }

    @discardableResult
    public func zero_() throws -> Tensor { try fill_(0) }

    /// Copies `source` (broadcast to this shape) into this tensor.
    @discardableResult
    public func copy_(_ source: Tensor) throws -> Tensor {
        try checkInPlace("copy_")
        try assign(from: source)
        return self
    }
}
