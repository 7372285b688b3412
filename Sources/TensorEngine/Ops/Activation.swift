import Foundation

/// Activations: relu, sigmoid, tanh, softmax, logSoftmax — forward and backward side by side.

extension Tensor {
    /// max(x, 0). Backward: the gradient passes where the output is positive.
    /// max(x, 0), NaN and −0 kept (PyTorch's clamp_min: relu(nan) is nan). Backward, as
    /// threshold_backward(grad, result, 0): 0 where y ≤ 0, else the gradient itself (a
    /// selection, not a product: an infinite gradient gives 0, not nan, where y ≤ 0).
    public func relu() -> Tensor {
        let out = unary(
            { $0 < 0 ? 0 : $0 }, { $0 < 0 ? 0 : $0 }, vector: { $0.replacing(with: 0, where: $0 .< 0) })
        return record(out, "ReluBackward0", [self]) { [unowned(unsafe) out] g in
            if let fused = zipFloat32(g, out, ReluGrad.self) { return [fused] }
            let kept = out.unary({ $0 <= 0 ? 0 : 1 }, { $0 <= 0 ? 0 : 1 }).to(.bool)
            return [try Tensor.where(kept, g, g.scalarLike(0))]
        }
    }

    /// 1 / (1 + exp(-x)). Backward: g · (1 − y) · y, in that order as PyTorch's kernel.
    /// NOTE: 1 / (1 + exp(−x)) with Sleef's expf, as ATen's vectorised sigmoid kernel computes it
    /// (measured: 2,035 of 2,035 elements; with a correctly rounded exp 1,953).
    public func sigmoid() -> Tensor {
        let out = unary(
            { 1 / (1 + sleefExpf(-$0)) }, { 1 / (1 + Double.exp(-$0)) }, vector: { 1 / (1 + sleefExpf8(-$0)) },
            tail: { 1 / (1 + Float.exp(-$0)) })
        return record(out, "SigmoidBackward0", [self]) { [unowned(unsafe) out] g in
            if let fused = zipFloat32(g, out, SigmoidGrad.self) { return [fused] }
            let y = out.detach()
            return [try g * (1 - y) * y]
        }
    }

    /// Hyperbolic tangent. Backward: g · (1 − y²).
    /// NOTE: ATen's tanh_backward is compiled with contraction: 1 − y·y is one fused
    /// multiply-add, then the product with g (measured: 2,035 of 2,035 elements given PyTorch's
    /// y; 609 with 1 − y·y rounded twice).
    public func tanh() -> Tensor {
        // NOTE: correctly rounded (double tanh rounded to float), as PyTorch's tanh is here:
        // 2,035 of 2,035 elements; glibc's tanhf gave 1,763.
        let out = unary({ Float(Double.tanh(Double($0))) }, Double.tanh)
        return record(out, "TanhBackward0", [self]) { [unowned(unsafe) out] g in
            if let fused = zipFloat32(g, out, TanhGrad.self) { return [fused] }
            let y = out.detach()
            let oneMinusSquare = y.unary({ Float(1).addingProduct(-$0, $0) }, { Double(1).addingProduct(-$0, $0) })
            return [try g * oneMinusSquare]
        }
    }

    /// exp(x − max) / Σ exp(x − max) along `dim`.
    public func softmax(dim: Int) throws -> Tensor {
        let x = dtype.isFloatingPoint ? detach() : to(.float32)
        let d = try normalizeDim(dim, "softmax")
        // As ATen, which makes its input contiguous first.
        if x.dtype == .float32, rank >= 1, shape[d] > 0 { return softmaxContiguous(x.contiguousData(), dim: d) }
        let shifted = try noGrad { try x - x.max(dim: d, keepDim: true).values }
        let e = shifted.exp()
        let out = try noGrad { try e / e.sum(dim: d, keepDim: true) }
        return record(out, "SoftmaxBackward0", [self]) { [unowned(unsafe) out] g in
            // dx = y · (g − Σ g·y)
            let y = out.detach()
            return [try y * (g - (g * y).sum(dim: d, keepDim: true))]
        }
    }

    /// x − max − log Σ exp(x − max) along `dim`.
    public func logSoftmax(dim: Int) throws -> Tensor {
        let x = dtype.isFloatingPoint ? detach() : to(.float32)
        let d = try normalizeDim(dim, "log_softmax")
        if x.dtype == .float32, rank >= 1, shape[d] > 0 { return logSoftmaxContiguous(x.contiguousData(), dim: d) }
        let out = try noGrad { () -> Tensor in
            let shifted = try x - x.max(dim: d, keepDim: true).values
            return try shifted - shifted.exp().sum(dim: d, keepDim: true).log()
        }
        return record(out, "LogSoftmaxBackward0", [self]) { [unowned(unsafe) out] g in
            // dx = g − exp(y) · Σ g
            [try g - out.detach().exp() * g.sum(dim: d, keepDim: true)]
        }
    }
}

extension Tensor {
    /// `softmax` of a contiguous float32 tensor as ATen's CPU kernels compute it.
    /// Along the last dimension (`_vec_softmax_lastdim`, 16-float vectors): the maximum,
    /// exp(x − max) by Sleef's expf (u10), their sum in 16 lanes folded in halves, each times 1/sum.
    /// Along another dimension (`_vec_softmax`, vectors across the inner positions): per inner
    /// position the maximum, exp(x − max) — Sleef's in the positions that fill whole 16-float
    /// vectors, the C library's expf in the rest — summed in order along the dimension, each / sum.
    /// NOTE: measured against PyTorch 2.15 (AVX512) on a 5×17×70 tensor, each dimension: all 5,950
    /// equal (a correctly rounded exp everywhere leaves 670 different along the last dimension;
    /// Sleef's in the tail positions too, 9 and 62 along the others). Backward as composed.
    private func softmaxContiguous(_ x: Tensor, dim d: Int) -> Tensor {
        let n = shape[d], inner = shape[(d + 1)...].reduce(1, *), outer = count / (n * inner)
        let out = Tensor(uninitialized: shape, dtype: .float32)
        let px = x.pointer(Float.self), po = out.pointer(Float.self)
        defer { withExtendedLifetime(x) {} }
        if inner == 1 {
            for r in 0..<outer {
                let row = px + r * n, o = po + r * n
                let best = maximum(row, n, stride: 1)
                expShifted(row, best, into: o, n)
                let inverse = 1 / lanesSum16(UnsafePointer(o), n)
                for k in 0..<n { o[k] *= inverse }
            }
        } else {
            let vectorized = inner / 16 * 16
            for r in 0..<outer {
                let base = r * n * inner
                for i in 0..<inner {
                    let best = maximum(px + base + i, n, stride: inner)
                    var sum: Float = 0
                    for k in 0..<n {
                        let at = base + k * inner + i, shifted = px[at] - best
                        po[at] = i < vectorized ? sleefExpf(shifted) : Float.exp(shifted)
                        sum += po[at]
                    }
                    for k in 0..<n { po[base + k * inner + i] /= sum }
                }
            }
        }
        return record(out, "SoftmaxBackward0", [self]) { [unowned(unsafe) out] g in
            // dx = (g − Σ g·y) · y; along the last dimension as ATen's
            // _vec_host_softmax_backward_lastdim: Σ g·y in 16 lanes (productSum16).
            // Off the last dimension (_vec_softmax_backward): Σ g·y in order, each step fused.
            sliceGradient(g, shape: self.shape, outer: outer, n: n, inner: inner) { pg, pd, at, i in
                var total: Float = 0
                if inner == 1 {
                    total = productSum16(UnsafePointer(pg + at), UnsafePointer(po + at), n)
                } else {
                    for k in 0..<n { total.addProduct(pg[at + k * inner], po[at + k * inner]) }
                }
                for k in 0..<n { pd[at + k * inner] = (pg[at + k * inner] - total) * po[at + k * inner] }
            }
        }
    }

    /// `logSoftmax` of a contiguous float32 tensor as ATen's CPU kernels compute it: the maximum,
    /// the sum of exp(x − max) (along the last dimension by Sleef's expf in 16 lanes folded in
    /// halves; along another, in order, Sleef's expf where the inner positions fill 16-float
    /// vectors and the C library's elsewhere), log of the sum by Sleef's logf, then
    /// (x − max) − log. Backward in one pass per row: g − exp(y) · Σg.
    /// NOTE: measured against PyTorch 2.15 (AVX512) on a 5×17×70 tensor, each dimension: all
    /// 5,950 equal (with correctly rounded exp and log along the last dimension, 5,392).
    private func logSoftmaxContiguous(_ x: Tensor, dim d: Int) -> Tensor {
        let n = shape[d], inner = shape[(d + 1)...].reduce(1, *), outer = count / (n * inner)
        let out = Tensor(uninitialized: shape, dtype: .float32)
        let px = x.pointer(Float.self), po = out.pointer(Float.self)
        defer { withExtendedLifetime(x) {} }
        let vectorized = inner == 1 ? 0 : inner / 16 * 16
        withUnsafeTemporaryAllocation(of: Float.self, capacity: n) { e in
            for r in 0..<outer {
                let base = r * n * inner
                for i in 0..<inner {
                    let best = maximum(px + base + i, n, stride: inner)
                    var sum: Float = 0
                    if inner == 1 {
                        expShifted(px + base, best, into: e.baseAddress!, n)
                        sum = lanesSum16(UnsafePointer(e.baseAddress!), n)
                    } else {
                        for k in 0..<n {
                            let shifted = px[base + k * inner + i] - best
                            sum += i < vectorized ? sleefExpf(shifted) : Float.exp(shifted)
                        }
                    }
                    let logSum = sleefLogf(sum)
                    for k in 0..<n {
                        let at = base + k * inner + i
                        po[at] = (px[at] - best) - logSum
                    }
                }
            }
        }
        return record(out, "LogSoftmaxBackward0", [self]) { g in
            sliceGradient(g, shape: self.shape, outer: outer, n: n, inner: inner) { pg, pd, base, i in
                var total: Float = 0
                if inner == 1 {
                    // ATen's _vec_host_softmax_backward_lastdim: Σg in 16 lanes, Sleef's exp.
                    total = lanesSum16(UnsafePointer(pg + base), n)
                    for k in 0..<n { pd[base + k] = pg[base + k].addingProduct(-sleefExpf(po[base + k]), total) }
                    return
                }
                // ATen's _vec_log_softmax_backward: Σg in order, then g − exp(y)·Σg fused.
                for k in 0..<n { total += pg[base + k * inner] }
                for k in 0..<n {
                    let at = base + k * inner
                    pd[at] = pg[at].addingProduct(-(i < vectorized ? sleefExpf(po[at]) : Float.exp(po[at])), total)
                }
            }
        }
    }
}

/// The gradient of a softmax along a dimension: g as contiguous float32, and `slice(g, dx, start,
/// i)` called for each of the outer × inner slices (n values `inner` apart from `start`, at inner
/// position i) to fill dx.
private func sliceGradient(
    _ g: Tensor, shape: [Int], outer: Int, n: Int, inner: Int,
    _ slice: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void
) -> [Tensor?] {
    let g = g.dtype == .float32 ? g.contiguousData() : g.to(.float32).contiguousData()
    let dx = Tensor(uninitialized: shape, dtype: .float32)
    withExtendedLifetime(g) {
        let pg = g.pointer(Float.self), pd = dx.pointer(Float.self)
        for r in 0..<outer { for i in 0..<inner { slice(pg, pd, r * n * inner + i, i) } }
    }
    return [dx]
}

/// The largest of n values `stride` apart; a NaN wins, as ATen's vec::maximum.
private func maximum(_ p: UnsafePointer<Float>, _ n: Int, stride: Int) -> Float {
    var best = p[0]
    for k in 1..<max(1, n) {
        let v = p[k * stride]
        if v.isNaN && !best.isNaN || v > best { best = v }
    }
    return best
}

/// out[k] = Sleef's expf(x[k] − shift), eight at a time (the same result per element as the scalar).
private func expShifted(_ x: UnsafePointer<Float>, _ shift: Float, into out: UnsafeMutablePointer<Float>, _ n: Int) {
    var k = 0
    while k + 8 <= n {
        let v = UnsafeRawPointer(x + k).loadUnaligned(as: SIMD8<Float>.self) - shift
        UnsafeMutableRawPointer(out + k).storeBytes(of: sleefExpf8(v), as: SIMD8<Float>.self)
        k += 8
    }
    while k < n {
        out[k] = sleefExpf(x[k] - shift)
        k += 1
    }
}

/// Free functions beside the layers, as in mlx-swift: `relu(x)`, `sigmoid(x)`, …
public func relu(_ x: Tensor) -> Tensor { x.relu() }
public func sigmoid(_ x: Tensor) -> Tensor { x.sigmoid() }
public func tanh(_ x: Tensor) -> Tensor { x.tanh() }
public func softmax(_ x: Tensor, dim: Int) throws -> Tensor { try x.softmax(dim: dim) }
public func logSoftmax(_ x: Tensor, dim: Int) throws -> Tensor { try x.logSoftmax(dim: dim) }

/// An element-wise formula of two floats, for `zipFloat32`.
protocol FloatKernel2 { static func apply(_ a: Float, _ b: Float) -> Float }

/// ReLU's backward: 0 where y ≤ 0, else g.
enum ReluGrad: FloatKernel2 {
    @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { y <= 0 ? 0 : g }
}

/// Sigmoid's backward g · (1 − y) · y.
/// tanh's backward: g · fma(−y, y, 1).
enum TanhGrad: FloatKernel2 {
    @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { g * Float(1).addingProduct(-y, y) }
}

enum SigmoidGrad: FloatKernel2 {
    @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { g * (1 - y) * y }
}

/// `K(a[i], b[i])` in one pass for two float32 tensors of the same shape with contiguous data;
/// nil otherwise (the caller then composes the same operations from tensor ops). Backward
/// formulas use it to skip their temporaries, rounding step by step as the composed ops would.
func zipFloat32<K: FloatKernel2>(_ a: Tensor, _ b: Tensor, _: K.Type) -> Tensor? {
    guard a.dtype == .float32, b.dtype == .float32, a.shape == b.shape, a.isContiguous, b.isContiguous else {
        return nil
    }
    let out = Tensor(uninitialized: a.shape, dtype: .float32)
    let pa = a.pointer(Float.self), pb = b.pointer(Float.self), po = out.pointer(Float.self)
    defer { withExtendedLifetime((a, b)) {} }
    let n = out.count, runs = n >= 1 << 15 ? engineThreads : 1, perRun = (n + runs - 1) / runs
    parallelFor(runs) { run in
        for i in (run * perRun)..<Swift.min(n, (run + 1) * perRun) { po[i] = K.apply(pa[i], pb[i]) }
    }
    return out
}

// MARK: - More activations: leaky ReLU, ELU, GELU, Softplus

extension Tensor {
    /// x > 0 ? x : slope·x. Backward: g · (x > 0 ? 1 : slope) (leaky_relu_backward).
    /// NOTE: NaN stays NaN, as torch's leaky_relu.
    public func leakyRelu(negativeSlope slope: Double = 0.01) -> Tensor {
        let s32 = Float(slope)
        let out = unary({ $0 > 0 ? $0 : $0 * s32 }, { $0 > 0 ? $0 : $0 * slope })
        return record(out, "LeakyReluBackward0", [self]) { g in
            let x = self.detach()
            return [try g * x.unary({ $0 > 0 ? 1 : s32 }, { $0 > 0 ? 1 : slope })]
        }
    }

    /// x > 0 ? x : α·(exp(x) − 1). Backward: g · (x > 0 ? 1 : α·exp(x)).
    /// NOTE: as ATen's elu kernels: forward expm1(x)·α, backward (g·α)·exp(x) with Sleef's expf.
    public func elu(alpha: Double = 1) -> Tensor {
        let a32 = Float(alpha)
        // NOTE: as ATen's elu kernel: Sleef's expm1f in its vector loop, the C library's expm1f
        // in the scalar tail.
        let out = unary(
            { $0 > 0 ? $0 : sleefExpm1f($0) * a32 }, { $0 > 0 ? $0 : Foundation.expm1($0) * alpha },
            tail: { $0 > 0 ? $0 : Foundation.expm1($0) * a32 })
        return record(out, "EluBackward0", [self]) { g in
            let x = self.detach()
            let scale = x.unary({ $0 > 0 ? 1 : a32 }, { $0 > 0 ? 1 : alpha })
            let e = x.unary({ $0 > 0 ? 1 : sleefExpf($0) }, { $0 > 0 ? 1 : Double.exp($0) })
            return [try (g * scale) * e]
        }
    }

    /// x·Φ(x) = x/2 · (1 + erf(x/√2)) (the exact GELU, PyTorch's default `approximate="none"`).
    /// Backward: g · (Φ(x) + x·φ(x)).
    /// NOTE: a contiguous float32 tensor of more than one element goes to oneDNN's kernels, as in
    /// PyTorch (OneDNN.swift); otherwise ATen's GeluKernel: (x·0.5)·(1 + erf(x·(1/√2))) with its
    /// vector erf (`atenErf`), the C library's erff in the scalar tail; backward
    /// g·(cdf + x·pdf), cdf = 0.5·(1 + erf(x/√2)), pdf = (2/√π · 1/√2 · 0.5)·exp(x·x·−0.5).
    public func gelu() -> Tensor {
        let r2 = 1 / 2.0.squareRoot(), r2pi = 1 / (2 * Double.pi).squareRoot()
        let a32 = Float(r2)
        let oneDNN = dtype == .float32 && isContiguous && count > 1
        let out =
            oneDNN
            ? unary(oneDNNGelu, { $0 })
            : unary(
                { $0 * 0.5 * (1 + atenErf($0 * a32)) }, { $0 * 0.5 * (1 + Foundation.erf($0 * r2)) },
                tail: { $0 * 0.5 * (1 + Foundation.erf($0 * a32)) })
        return record(out, "GeluBackward0", [self]) { g in
            let x = self.detach()
            guard x.dtype == .float32 else {
                func d(_ v: Double) -> Double {
                    0.5 * (1 + Foundation.erf(v * r2)) + v * r2pi * Double.exp(-0.5 * v * v)
                }
                return [try g * x.unary({ Float(d(Double($0))) }, d)]
            }
            let beta = Float(2 / Double.pi.squareRoot() * r2 * 0.5)
            let g32 = g.dtype == .float32 ? g : g.to(.float32)
            let dx = Tensor(uninitialized: x.shape, dtype: .float32)
            zipKernel(g32, x, dx, Float.self) { g, v in
                if oneDNN { return oneDNNGeluDerivative(v) * g }
                return g * (0.5 * (1 + atenErf(v * a32))).addingProduct(v, beta * sleefExpf(v * v * -0.5))
            }
            return [dx]
        }
    }

    /// log(1 + exp(β·x)) / β, and x itself where β·x > threshold. Backward: g · sigmoid(β·x)
    /// there, g elsewhere (softplus_backward: z = exp(βx), g·z/(z + 1)).
    /// NOTE: as ATen's vector kernels, log1p(exp(β·x)) / β with Sleef's expf and log1pf
    /// (forward), and backward (g·z) / (z + 1) with z = Sleef's exp(β·x); above the threshold x and g.
    public func softplus(beta: Double = 1, threshold: Double = 20) -> Tensor {
        let b32 = Float(beta), t32 = Float(threshold)
        let out = unary(
            { $0 * b32 > t32 ? $0 : sleefLog1pf(sleefExpf($0 * b32)) / b32 },
            { $0 * beta > threshold ? $0 : Foundation.log1p(Double.exp($0 * beta)) / beta },
            tail: { $0 * b32 > t32 ? $0 : Foundation.log1p(Float.exp($0 * b32)) / b32 })
        return record(out, "SoftplusBackward0", [self]) { g in
            let x = self.detach()
            if x.dtype == .float32 {
                let g32 = g.dtype == .float32 ? g : g.to(.float32)
                let dx = Tensor(uninitialized: x.shape, dtype: .float32)
                zipKernel(g32, x, dx, Float.self) { g, v in
                    let z = sleefExpf(v * b32)
                    return v * b32 > t32 ? g : (g * z) / (z + 1)
                }
                return [dx]
            }
            return [
                try g
                    * x.unary(
                        { v in v * b32 > t32 ? 1 : Float.exp(v * b32) / (Float.exp(v * b32) + 1) },
                        { v in v * beta > threshold ? 1 : Double.exp(v * beta) / (Double.exp(v * beta) + 1) })
            ]
        }
    }
}
