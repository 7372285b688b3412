import Foundation

/// The floating-point element types kernels are written for.
protocol FloatElement: BinaryFloatingPoint {
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    static func log1p(_ x: Self) -> Self
}

extension Float: FloatElement {
    static func exp(_ x: Float) -> Float { Foundation.expf(x) }
    static func log(_ x: Float) -> Float { Foundation.logf(x) }
    static func tanh(_ x: Float) -> Float { Foundation.tanhf(x) }
    static func pow(_ x: Float, _ y: Float) -> Float { Foundation.powf(x, y) }
    static func log1p(_ x: Float) -> Float { Foundation.log1pf(x) }
}

extension Double: FloatElement {
    static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    static func log(_ x: Double) -> Double { Foundation.log(x) }
    static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    static func pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
    static func log1p(_ x: Double) -> Double { Foundation.log1p(x) }
}

extension Tensor {
    /// Typed pointer to this tensor's first element (its offset applied).
    @inline(__always) func pointer<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        storage.raw.assumingMemoryBound(to: T.self) + offset
    }
}

/// The shape two shapes broadcast to, by NumPy's rules (align right; 1 stretches).
func broadcastShapes(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
    if a == b { return a }
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let da = i < r - a.count ? 1 : a[i - (r - a.count)]
        let db = i < r - b.count ? 1 : b[i - (r - b.count)]
        guard da == db || da == 1 || db == 1 else {
            throw TensorError(
                "\(op): shapes \(a) and \(b) cannot be broadcast together (dimension \(i): \(da) vs \(db))")
        }
        out[i] = da == 1 ? db : da
    }
    return out
}

extension Tensor {
    /// Strides that read this tensor as if broadcast to `target` (0 along stretched dimensions).
    func broadcastStrides(to target: [Int]) -> [Int] {
        let r = target.count
        var out = [Int](repeating: 0, count: r)
        for i in 0..<rank {
            let j = i + r - rank
            out[j] = shape[i] == 1 && target[j] != 1 ? 0 : strides[i]
        }
        return out
    }

    /// A view broadcast to `target` (no copy).
    func broadcast(to target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let full = try broadcastShapes(shape, target, op: "expand")
        guard full == target else {
            throw TensorError("expand: shape \(shape) cannot be expanded to \(target)")
        }
        return Tensor(storage: storage, shape: target, strides: broadcastStrides(to: target), offset: offset)
    }
}

/// Calls `body(outIndex, offsetA, offsetB, innerCount, innerStrideA, innerStrideB)` once per
/// innermost row of `shape`, in row-major order.
@inline(__always)
func forEachRow(
    _ shape: [Int], _ sa: [Int], _ sb: [Int],
    _ body: (Int, Int, Int, Int, Int, Int) -> Void
) {
    let r = shape.count
    if r == 0 {
        body(0, 0, 0, 1, 0, 0)
        return
    }
    let inner = shape[r - 1]
    let rows = shape.dropLast().reduce(1, *)
    if inner == 0 || rows == 0 { return }
    var index = [Int](repeating: 0, count: r - 1)
    var oa = 0, ob = 0
    for row in 0..<rows {
        body(row * inner, oa, ob, inner, sa[r - 1], sb[r - 1])
        var d = r - 2
        while d >= 0 {
            index[d] += 1
            oa += sa[d]
            ob += sb[d]
            if index[d] < shape[d] { break }
            oa -= sa[d] * shape[d]
            ob -= sb[d] * shape[d]
            index[d] = 0
            d -= 1
        }
    }
}

/// `out[i] = f(a[i], b[i])` over the broadcast shape of `out`; a and b have out's element type.
@inline(__always)
func zipKernel<T, U>(_ a: Tensor, _ b: Tensor, _ out: Tensor, _: T.Type, _ f: (T, T) -> U) {
    // Inlined, a and b may be the caller's temporaries: they must outlive the pointers.
    defer { withExtendedLifetime((a, b)) {} }
    let pa = a.pointer(T.self), pb = b.pointer(T.self), po = out.pointer(U.self)
    let n = out.count
    let aFull = a.shape == out.shape && a.isContiguous
    let bFull = b.shape == out.shape && b.isContiguous
    if aFull && bFull {
        for i in 0..<n { po[i] = f(pa[i], pb[i]) }
    } else if aFull && b.count == 1 {
        let s = pb[0]
        for i in 0..<n { po[i] = f(pa[i], s) }
    } else if bFull && a.count == 1 {
        let s = pa[0]
        for i in 0..<n { po[i] = f(s, pb[i]) }
    } else {
        let sa = a.broadcastStrides(to: out.shape), sb = b.broadcastStrides(to: out.shape)
        forEachRow(out.shape, sa, sb) { o, oa, ob, count, ia, ib in
            for j in 0..<count { po[o + j] = f(pa[oa + j * ia], pb[ob + j * ib]) }
        }
    }
}

/// `out[i] = f(a[i])` over contiguous data.
@inline(__always)
func mapKernel<T, U>(_ a: Tensor, _ out: Tensor, _: T.Type, _ f: (T) -> U) {
    let c = a.contiguousData()
    defer { withExtendedLifetime(c) {} }  // a copy when `a` is a view: pa points into it
    let pa = c.pointer(T.self), po = out.pointer(U.self)
    for i in 0..<out.count { po[i] = f(pa[i]) }
}

/// `out[i] = f(a[i])` over contiguous float32 data, eight elements at a time (`scalar` for the rest).
@inline(__always)
func mapKernel8(_ a: Tensor, _ out: Tensor, _ f: (SIMD8<Float>) -> SIMD8<Float>, _ scalar: (Float) -> Float) {
    let c = a.contiguousData()
    defer { withExtendedLifetime(c) {} }
    let pa = UnsafeRawPointer(c.pointer(Float.self)), po = out.pointer(Float.self)
    let n = out.count
    // Large tensors are cut into one run of whole vectors per thread (element-wise: the bits
    // do not depend on the cut).
    let runs = n >= 1 << 15 ? engineThreads : 1, perRun = (n / 8 + runs - 1) / runs * 8
    parallelFor(runs) { run in
        var i = run * perRun
        let end = run == runs - 1 ? n : Swift.min(n, i + perRun)
        while i + 8 <= end {
            UnsafeMutableRawPointer(po + i).storeBytes(
                of: f(pa.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)), as: SIMD8<Float>.self)
            i += 8
        }
        while i < end {
            po[i] = scalar(c.pointer(Float.self)[i])
            i += 1
        }
    }
}

/// Applies `f` to every element of `self` in place, reading `b` broadcast to `self`'s shape.
@inline(__always)
func updateKernel<T>(_ t: Tensor, _ b: Tensor, _: T.Type, _ f: (T, T) -> T) {
    defer { withExtendedLifetime((t, b)) {} }
    let pt = t.pointer(T.self), pb = b.pointer(T.self)
    if t.isContiguous && b.isContiguous && b.shape == t.shape {
        for i in 0..<t.count { pt[i] = f(pt[i], pb[i]) }
        return
    }
    let st = t.broadcastStrides(to: t.shape), sb = b.broadcastStrides(to: t.shape)
    forEachRow(t.shape, st, sb) { _, ot, ob, count, it, ib in
        for j in 0..<count { pt[ot + j * it] = f(pt[ot + j * it], pb[ob + j * ib]) }
    }
}
