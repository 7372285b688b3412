/// Matrix products. NOTE: every output element is a fixed chain over k ascending — see
/// `ChainPlan` — and `addmm`'s bias is added as MKL adds it. The bits never depend on tiling,
/// vector width or thread count.

import CPUFeatures
import Dispatch
import Kernels512

/// Whether matrix products use the AVX-512 tiles (same bits as the AVX2 ones, twice the width):
/// on CPUs that have AVX-512; tests switch it off to check the AVX2 tiles too.
nonisolated(unsafe) var useAVX512 = runbook_cpu_has_avx512f() != 0

/// How every element of a float32 product C[m×n] = A·B (+ bias) is summed over k: in `blocks` of
/// k, each a chain from zero — fused multiply-adds when `fused`, else a rounded product then a
/// rounded sum per step — added in order to the bias (or to nothing).
/// NOTE: MKL's sgemm as PyTorch 2.15 calls it on this machine, inferred from recorded products
/// (Parity/record_parity.py; emulated in numpy over 200 shapes): when C has at least 16 columns and
/// 10 rows, every chain is fused and k is cut into blocks — one up to 192, two halves up to 384,
/// then blocks of 192 — each block's chain added to the bias (Linear 784 → 128 over a batch of
/// 64: 8,192 of 8,192 equal; batched 32×32 products too). Smaller products go through other MKL
/// kernels whose order was not found: there a chain is fused from k = 64 on and unfused below
/// (what the tutorials' networks with one output need), in one block. Convolutions choose their
/// own chains (oneDNN's, Conv.swift).
struct ChainPlan {
    var fused: Bool
    /// The chain restarts every `block` values of k (the last block may be shorter).
    var block: Int

    /// MKL's order for C[m×n] with sums of k products.
    static func mkl(m: Int, n: Int, k: Int) -> ChainPlan {
        guard n >= 16 && m >= 10 else { return byLength(k) }
        return ChainPlan(fused: true, block: k <= 192 ? Swift.max(k, 1) : k <= 384 ? (k + 1) / 2 : 192)
    }

    /// One chain, fused from `fusedMinimumK` products on.
    private static func byLength(_ k: Int) -> ChainPlan { ChainPlan(fused: k >= fusedMinimumK, block: Swift.max(k, 1)) }

    /// One fused chain over all k.
    static func fused(_ k: Int) -> ChainPlan { ChainPlan(fused: true, block: Swift.max(k, 1)) }
}

/// C[m×n] = A[m×k] · B[k×n] (+ bias[n]); A is read through (row stride, column stride), B through
/// `bStrides` (contiguous rows by default; (1, k) reads a transposed matrix in place), C is
/// contiguous rows. Float32 chains follow `plan` (by default MKL's, `ChainPlan.mkl`) and start as
/// `start` says (`.continuing`: from C's values, one block of k, no bias — a long sum computed in
/// pieces with the bits of one chain).
func gemm<T: FloatElement>(
    _ m: Int, _ n: Int, _ k: Int,
    _ a: UnsafePointer<T>, _ aRow: Int, _ aCol: Int,
    _ b: UnsafePointer<T>, _ c: UnsafeMutablePointer<T>,
    bias: UnsafePointer<T>? = nil, bStrides: (Int, Int)? = nil, plan: ChainPlan? = nil, start: ChainStart = .zero
) {
    let (bRow, bCol) = bStrides ?? (n, 1)
    if T.self == Float.self {
        let a32 = UnsafeRawPointer(a).assumingMemoryBound(to: Float.self)
        let b32 = UnsafeRawPointer(b).assumingMemoryBound(to: Float.self)
        let c32 = UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self)
        let bias32 = bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) }
        let plan = plan ?? .mkl(m: m, n: n, k: k)
        if bRow == 1 && bCol != 1 && m < n && m <= 16 && start == .zero {
            // B is a transposed view (x·Wᵀ) and A the shorter side: compute Cᵀ = Bᵀ·Aᵀ instead,
            // reading W's rows in place and packing only the smaller A. Every element is the
            // same chain (the products commute exactly); a bias is put in Cᵀ first and the
            // blocks' chains added to it, as they are added to it in C.
            let ct = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
            defer { ct.deallocate() }
            if let bias32 { for j in 0..<n { (ct + j * m).initialize(repeating: bias32[j], count: m) } }
            gemm(
                n, m, k, b32, bCol, 1, a32, ct, bStrides: (aCol, aRow), plan: plan,
                start: bias32 == nil ? .zero : .adding)
            for i in 0..<m {
                let row = c32 + i * n
                for j in 0..<n { row[j] = ct[j * m + i] }
            }
            return
        }
        let threads = m * n * k >= 1 << 18 ? engineThreads : 1
        if threads > 1 && n >= 32 * threads {
            // Threads take whole 32-column panels: each panel of B is packed once, by the one
            // thread that uses it.
            let panels = (n + 31) / 32, per = (panels + threads - 1) / threads
            parallelFor(threads) { t in
                let lo = t * per * 32, hi = Swift.min(n, lo + per * 32)
                if lo < hi {
                    sgemmRows(
                        0, m, lo..<hi, n, k, a32, aRow, aCol, b32, bRow, bCol, c32, bias32, plan.fused, plan.block,
                        start)
                }
            }
        } else if threads > 1 && m >= 16 * threads {
            // Narrow, tall products: threads take row blocks (each packs B's few panels itself).
            let per = (m + threads - 1) / threads
            parallelFor(threads) { t in
                let lo = t * per, hi = Swift.min(m, lo + per)
                if lo < hi {
                    sgemmRows(
                        lo, hi, 0..<n, n, k, a32, aRow, aCol, b32, bRow, bCol, c32, bias32, plan.fused, plan.block,
                        start)
                }
            }
        } else {
            sgemmRows(
                0, m, 0..<n, n, k, a32, aRow, aCol, b32, bRow, bCol, c32, bias32, plan.fused, plan.block, start)
        }
        return
    }
    for i in 0..<m {
        let ci = c + i * n
        ci.initialize(repeating: 0, count: n)
        for p in 0..<k {
            let aip = a[i * aRow + p * aCol]
            for j in 0..<n { ci[j] += aip * b[p * bRow + j * bCol] }
        }
        if let bias { for j in 0..<n { ci[j] += bias[j] } }
    }
}

/// The float32 multiply-add rate this machine reaches on `engineThreads` threads, in GFLOP/s:
/// independent vector chains with no memory traffic, the ceiling a matrix product can approach.
public func measureFMAPeak(rounds: Int = 20_000_000) -> Double {
    let seed = [Float](repeating: 0.999, count: 16) + [Float](repeating: 1e-7, count: 16)
    var kept = [Float](repeating: 0, count: Swift.max(engineThreads, 1))
    let start = DispatchTime.now().uptimeNanoseconds
    seed.withUnsafeBufferPointer { seed in
        kept.withUnsafeMutableBufferPointer { kept in
            parallelFor(Swift.max(engineThreads, 1)) { t in
                kept[t] = useAVX512 ? fmaProbe512(rounds, seed.baseAddress!) : fmaProbe256(rounds, seed.baseAddress!)
            }
        }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let lanes = useAVX512 ? 16.0 : 8.0
    return kept.allSatisfy(\.isFinite) ? Double(kept.count) * Double(rounds) * 12 * lanes * 2 / seconds / 1e9 : 0
}

/// `fmaProbe512` at AVX2 width.
@inline(never)
func fmaProbe256(_ rounds: Int, _ seed: UnsafePointer<Float>) -> Float {
    typealias V = SIMD8<Float>
    let x = UnsafeRawPointer(seed).loadUnaligned(as: V.self), y = UnsafeRawPointer(seed + 16).loadUnaligned(as: V.self)
    var a = (x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7, x + 8, x + 9, x + 10, x + 11)
    for _ in 0..<rounds {
        a.0 = a.0.addingProduct(y, x)
        a.1 = a.1.addingProduct(y, x)
        a.2 = a.2.addingProduct(y, x)
        a.3 = a.3.addingProduct(y, x)
        a.4 = a.4.addingProduct(y, x)
        a.5 = a.5.addingProduct(y, x)
        a.6 = a.6.addingProduct(y, x)
        a.7 = a.7.addingProduct(y, x)
        a.8 = a.8.addingProduct(y, x)
        a.9 = a.9.addingProduct(y, x)
        a.10 = a.10.addingProduct(y, x)
        a.11 = a.11.addingProduct(y, x)
    }
    return (a.0 + a.1 + a.2 + a.3 + a.4 + a.5 + a.6 + a.7 + a.8 + a.9 + a.10 + a.11)[0]
}

/// Outside MKL's large-product order (`ChainPlan`), sums of at least this many products use one
/// fused multiply-add per k; shorter ones round the product and the sum separately. NOTE: short
/// sums are where the tutorials print network outputs (one output column), and MKL rounds those
/// unfused: keeping that makes the x² networks bit-identical to PyTorch.
let fusedMinimumK = 64

/// Rows lo..<hi, columns `cols`, of a float32 product C (m × n): 4-row register tiles over
/// packed panels of B (16 lanes with AVX2, 32 with AVX-512, whose last ≤ 16 columns take 8-row
/// tiles of one vector), then single rows.
func sgemmRows(
    _ lo: Int, _ hi: Int, _ cols: Range<Int>, _ n: Int, _ k: Int,
    _ a: UnsafePointer<Float>, _ aRow: Int, _ aCol: Int,
    _ b: UnsafePointer<Float>, _ bRow: Int, _ bCol: Int,
    _ c: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>?, _ fused: Bool, _ block: Int,
    _ start: ChainStart
) {
    if useAVX512 && cols.count > 16 {  // up to 16 columns fit one AVX2 panel
        sgemmRows512(
            lo, hi, cols, n, k, a, aRow, aCol, b, bRow, bCol, c, bias, fused: fused, block: block, start: start)
    } else if fused {
        sgemmTiles(lo, hi, cols, n, k, a, aRow, aCol, b, bRow, bCol, c, bias, block, start, Fused.self)
    } else {
        sgemmTiles(lo, hi, cols, n, k, a, aRow, aCol, b, bRow, bCol, c, bias, block, start, Unfused.self)
    }
}

/// One step of a product's chain: c + a·b, fused or rounded twice.
protocol MultiplyAdd {
    static func step(_ c: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float>
}

enum Fused: MultiplyAdd {
    @inline(__always) static func step(_ c: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        c.addingProduct(a, b)
    }
}

enum Unfused: MultiplyAdd {
    @inline(__always) static func step(_ c: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        c + a * b
    }
}

func sgemmTiles<M: MultiplyAdd>(
    _ lo: Int, _ hi: Int, _ cols: Range<Int>, _ n: Int, _ k: Int,
    _ a: UnsafePointer<Float>, _ aRow: Int, _ aCol: Int,
    _ b: UnsafePointer<Float>, _ bRow: Int, _ bCol: Int,
    _ c: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>?, _ block: Int, _ chainStart: ChainStart,
    _: M.Type
) {
    @inline(__always) func step(_ c: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        M.step(c, a, b)
    }
    typealias V = SIMD8<Float>
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }
    // Each 16-column panel of B is packed into contiguous memory once (k × 16), then every row
    // tile streams through it. The last, narrower panel is zero-padded to 16 lanes; lanes are
    // independent, so its valid columns get exactly the chain they would get in a full panel.
    // With few rows a full panel costs more to copy than it saves, and B is read in place.
    let packFull = hi - lo >= 16
    withUnsafeTemporaryAllocation(of: Float.self, capacity: k * 16 + 16) { scratch in
        let panel = scratch.baseAddress!, tail = panel + k * 16
        var j = cols.lowerBound
        while j < cols.upperBound {
            let width = Swift.min(16, cols.upperBound - j)
            let pack = packFull || width < 16 || bCol != 1
            if pack { packPanel(panel, 16, b, bRow, bCol, j, width, k) }
            let panelStart = pack ? UnsafePointer(panel) : b + j
            let panelStride = pack ? 16 : bRow
            var bias0 = V(), bias1 = V()
            if let bias {
                tail.initialize(repeating: 0, count: 16)
                tail.update(from: bias + j, count: width)
                bias0 = load(tail)
                bias1 = load(tail + 8)
            }
            /// A row's two vectors as stored (a chain that continues from C).
            @inline(__always) func get(_ row: Int) -> (V, V) {
                let r = c + row * n + j
                if width == 16 { return (load(r), load(r + 8)) }
                var v0 = V(), v1 = V()
                for q in 0..<width {
                    if q < 8 { v0[q] = r[q] } else { v1[q - 8] = r[q] }
                }
                return (v0, v1)
            }
            /// Stores a row's two vectors, or adds them to what is stored (a later block of k).
            @inline(__always) func put(_ v0: V, _ v1: V, _ row: Int, adding: Bool) {
                let r = c + row * n + j
                if width == 16 {
                    store(adding ? load(r) + v0 : v0, r)
                    store(adding ? load(r + 8) + v1 : v1, r + 8)
                } else {
                    var q = 0
                    if width >= 8 {
                        store(adding ? load(r) + v0 : v0, r)
                        q = 8
                    }
                    let rest = q == 0 ? v0 : v1
                    while q < width {
                        r[q] = adding ? r[q] + rest[q & 7] : rest[q & 7]
                        q += 1
                    }
                }
            }
            var i = lo
            while i + 4 <= hi {
                let a0 = a + i * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow
                var p0 = 0
                repeat {  // one chain per block of k
                    let p1 = Swift.min(k, p0 + block)
                    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
                    if chainStart == .continuing && p0 == 0 {
                        (c00, c01) = get(i)
                        (c10, c11) = get(i + 1)
                        (c20, c21) = get(i + 2)
                        (c30, c31) = get(i + 3)
                    }
                    var bp = panelStart + p0 * panelStride
                    for p in p0..<p1 {
                        let b0 = load(bp), b1 = load(bp + 8)
                        let x0 = V(repeating: a0[p * aCol]), x1 = V(repeating: a1[p * aCol])
                        let x2 = V(repeating: a2[p * aCol]), x3 = V(repeating: a3[p * aCol])
                        c00 = step(c00, x0, b0)
                        c01 = step(c01, x0, b1)
                        c10 = step(c10, x1, b0)
                        c11 = step(c11, x1, b1)
                        c20 = step(c20, x2, b0)
                        c21 = step(c21, x2, b1)
                        c30 = step(c30, x3, b0)
                        c31 = step(c31, x3, b1)
                        bp += panelStride
                    }
                    if bias != nil && p0 == 0 {
                        c00 = c00 + bias0
                        c01 = c01 + bias1
                        c10 = c10 + bias0
                        c11 = c11 + bias1
                        c20 = c20 + bias0
                        c21 = c21 + bias1
                        c30 = c30 + bias0
                        c31 = c31 + bias1
                    }
                    put(c00, c01, i, adding: p0 > 0 || chainStart == .adding)
                    put(c10, c11, i + 1, adding: p0 > 0 || chainStart == .adding)
                    put(c20, c21, i + 2, adding: p0 > 0 || chainStart == .adding)
                    put(c30, c31, i + 3, adding: p0 > 0 || chainStart == .adding)
                    p0 = p1
                } while p0 < k
                i += 4
            }
            // Leftover rows against the same panel.
            while i < hi {
                let ar = a + i * aRow
                var p0 = 0
                repeat {
                    let p1 = Swift.min(k, p0 + block)
                    var (c0, c1) = chainStart == .continuing && p0 == 0 ? get(i) : (V(), V())
                    var bp = panelStart + p0 * panelStride
                    for p in p0..<p1 {
                        let x = V(repeating: ar[p * aCol])
                        c0 = step(c0, x, load(bp))
                        c1 = step(c1, x, load(bp + 8))
                        bp += panelStride
                    }
                    if bias != nil && p0 == 0 {
                        c0 = c0 + bias0
                        c1 = c1 + bias1
                    }
                    put(c0, c1, i, adding: p0 > 0 || chainStart == .adding)
                    p0 = p1
                } while p0 < k
                i += 1
            }
            j += 16
        }
    }
}

extension Tensor {
    /// Matrix product of two matrices, no graph. A may be any strided view; B is made contiguous.
    func mmForward(_ other: Tensor, bias: Tensor? = nil) throws -> Tensor {
        guard rank == 2, other.rank == 2, shape[1] == other.shape[0] else {
            throw TensorError(
                "mm: shapes \(shape) and \(other.shape) cannot be multiplied (\(shape.last ?? 0) vs \(other.shape.first ?? 0))"
            )
        }
        guard dtype.isFloatingPoint, other.dtype == dtype else {
            throw TensorError(
                "mm: expected two floating point tensors of the same type, got \(dtype) and \(other.dtype)")
        }
        let (m, k, n) = (shape[0], shape[1], other.shape[1])
        try Tensor.reserve(m * n, dtype, for: "mm")
        let out = Tensor(uninitialized: [m, n], dtype: dtype)
        // B is read in place when its rows or its columns are contiguous (a weight's transpose).
        let inPlace = other.dtype == .float32 && (other.strides[1] == 1 || other.strides[0] == 1)
        let b = inPlace ? other : other.contiguousData()
        let bStrides = inPlace ? (other.strides[0], other.strides[1]) : (n, 1)
        let c = try bias.map { try $0.to(dtype).broadcast(to: [n]).contiguousData() }
        defer { withExtendedLifetime((self, b, c)) {} }  // gemm reads them through pointers
        if dtype == .float32 {
            gemm(
                m, n, k, pointer(Float.self), strides[0], strides[1], b.pointer(Float.self), out.pointer(Float.self),
                bias: c.map { UnsafePointer($0.pointer(Float.self)) }, bStrides: bStrides)
        } else {
            gemm(
                m, n, k, pointer(Double.self), strides[0], strides[1], b.pointer(Double.self), out.pointer(Double.self),
                bias: c.map { UnsafePointer($0.pointer(Double.self)) })
        }
        return out
    }

    /// Matrix product of two matrices. Backward: dA = g·Bᵀ, dB = Aᵀ·g.
    public func mm(_ other: Tensor) throws -> Tensor {
        let out = try mmForward(other)
        return record(out, "MmBackward0", [self, other]) { g in
            [
                self.requiresGrad ? try g.mmForward(other.detach().t) : nil,
                other.requiresGrad ? try self.detach().t.mmForward(g) : nil,
            ]
        }
    }

    /// PyTorch's `matmul`: dot product for vectors, matrix–vector, matrix–matrix, and batched
    /// products with broadcast batch dimensions.
    public func matmul(_ other: Tensor) throws -> Tensor {
        switch (rank, other.rank) {
        case (1, 1):
            guard shape == other.shape else {
                throw TensorError("matmul: 1D tensors expected the same size, got \(shape) and \(other.shape)")
            }
            return try unsqueeze(0).mm(other.unsqueeze(1)).reshape([])
        case (2, 1):
            return try mm(other.unsqueeze(1)).squeeze(1)
        case (1, 2):
            return try unsqueeze(0).mm(other).squeeze(0)
        case (2, 2):
            return try mm(other)
        case (let r, let s) where r >= 1 && s >= 1:
            // Batched: fold broadcast batch dimensions and multiply matrix by matrix.
            let a = r == 1 ? try unsqueeze(0) : self
            let b = s == 1 ? try other.unsqueeze(1) : other
            let batch = try broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "matmul")
            let ae = try a.expand(batch + Array(a.shape.suffix(2)))
            let be = try b.expand(batch + Array(b.shape.suffix(2)))
            let nb = batch.reduce(1, *)
            let af = try ae.reshape([nb] + Array(a.shape.suffix(2)))
            let bf = try be.reshape([nb] + Array(b.shape.suffix(2)))
            var parts: [Tensor] = []
            for i in 0..<nb { parts.append(try af.select(i).mm(bf.select(i))) }
            var out = try Tensor.stack(parts).reshape(batch + [a.shape[a.rank - 2], b.shape[b.rank - 1]])
            if r == 1 { out = try out.squeeze(-2) }
            if s == 1 { out = try out.squeeze(-1) }
            return out
        default:
            throw TensorError(
                "matmul: both arguments need at least 1 dimension, got shapes \(shape) and \(other.shape)")
        }
    }

    /// `input · weightᵀ + bias` for a 2-D input as one node (PyTorch's `addmm`).
    func addmm(_ bias: Tensor, _ weight: Tensor) throws -> Tensor {
        guard bias.count == weight.shape[0] || bias.count == 1 else {
            throw TensorError("addmm: bias of shape \(bias.shape) does not match \(weight.shape[0]) outputs")
        }
        guard dtype == .float32, weight.dtype == .float32, bias.dtype == .float32, bias.shape == [weight.shape[0]],
            shape[1] == weight.shape[1], weight.hasUnitStride, hasUnitStride
        else {
            return try addmmGeneral(bias, weight)
        }
        // Float32 operands read in place, without transposed views or copies: the products
        // below are the ones `mm` would run on those views, chain for chain.
        let (m, k, n) = (shape[0], shape[1], weight.shape[0])
        let out = Tensor(uninitialized: [m, n], dtype: .float32)
        gemm(
            m, n, k, pointer(Float.self), strides[0], strides[1], weight.pointer(Float.self), out.pointer(Float.self),
            bias: bias.pointer(Float.self), bStrides: (weight.strides[1], weight.strides[0]))
        return record(out, "AddmmBackward0", [self, weight, bias]) { g in
            let g = g.dtype == .float32 && g.hasUnitStride ? g : g.to(.float32).contiguousData()
            defer { withExtendedLifetime(g) {} }
            var dx: Tensor?, dw: Tensor?
            if self.requiresGrad {  // g (m × n) · W (n × k)
                dx = Tensor(uninitialized: [m, k], dtype: .float32)
                gemm(
                    m, k, n, g.pointer(Float.self), g.strides[0], g.strides[1], weight.pointer(Float.self),
                    dx!.pointer(Float.self),
                    bStrides: (weight.strides[0], weight.strides[1]))
            }
            if weight.requiresGrad {  // gᵀ (n × m) · x (m × k)
                dw = Tensor(uninitialized: [n, k], dtype: .float32)
                gemm(
                    n, k, m, g.pointer(Float.self), g.strides[1], g.strides[0], self.pointer(Float.self),
                    dw!.pointer(Float.self),
                    bStrides: (self.strides[0], self.strides[1]))
            }
            return [dx, dw, bias.requiresGrad ? try g.sum(dim: 0) : nil]
        }
    }

    /// A matrix whose rows or columns are contiguous: products read it in place.
    var hasUnitStride: Bool { rank == 2 && (strides[1] == 1 || strides[0] == 1) }

    /// `addmm` for other types and layouts, through transposed views.
    private func addmmGeneral(_ bias: Tensor, _ weight: Tensor) throws -> Tensor {
        let wt = try weight.detach().t
        let out = try mmForward(wt, bias: bias.detach())
        return record(out, "AddmmBackward0", [self, weight, bias]) { g in
            [
                self.requiresGrad ? try g.mmForward(weight.detach()) : nil,
                weight.requiresGrad ? try g.t.mmForward(self.detach()) : nil,
                bias.requiresGrad ? try g.sum(dim: 0) : nil,
            ]
        }
    }
}

/// `x · weightᵀ + bias`, the affine map of `Linear`.
/// x is (…, in), weight is (out, in), bias is (out); the result is (…, out).
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
    guard let last = x.shape.last, last == weight.shape[1] else {
        throw TensorError(
            "linear: input shape \(x.shape) cannot be multiplied with weight of shape \(weight.shape) (in_features \(weight.shape[1]))"
        )
    }
    if x.rank == 2, let bias { return try x.addmm(bias, weight) }
    let y = try x.matmul(weight.t)
    guard let bias else { return y }
    return try y + bias
}
