/// Float32 sums in the order of ATen's CPU sum kernel (aten/src/ATen/native/cpu/SumKernel.cpp,
/// `cascade_sum`), so that a sum prints what PyTorch prints.
/// NOTE: the order is ATen's at one thread, with its AVX2 vectors of 8 floats (ATen registers
/// no AVX-512 sum kernel, so an AVX-512 machine runs the AVX2 one; 16 lanes were measured and
/// do not match): sums of chunks, and of chunks of chunks (`multiRowSum`), four interleaved
/// partial sums per row (`rowSum`), vectors of 8 along contiguous rows then the tail and the 8
/// lanes one by one, and 4 × 8 columns at a time down contiguous columns. Every addition is a
/// float32 addition; no part depends on the engine's thread count.

/// What `multiRowSum` adds: a float, or 16 lanes of floats.
protocol SumLane {
    static var zero: Self { get }
    static func += (a: inout Self, b: Self)
}

extension Float: SumLane {}
extension SIMD8: SumLane where Scalar == Float {}

/// ⌈log₂ x⌉ as ATen's `CeilLog2` (1 for x ≤ 2).
@inline(__always)
func ceilLog2(_ x: Int) -> Int { x <= 2 ? 1 : 64 - (x - 1).leadingZeroBitCount }

/// ATen's `multi_row_sum`: `nrows` sums of `size` values each (`load(i, k)`: value i of sum k),
/// accumulated in four levels of chunks of 2^p values (p ≥ 4).
@inline(__always)
func multiRowSum<V: SumLane>(
    nrows: Int, size: Int, into out: UnsafeMutablePointer<V>, _ load: (_ i: Int, _ k: Int) -> V
) {
    let levels = 4
    let power = Swift.max(4, ceilLog2(size) / levels)
    let step = 1 << power, mask = step - 1
    if size < step {
        // No chunk completes: one running sum per row, then the three empty levels added (the
        // first turns −0 into +0, the others change nothing) — the same bits, without the levels.
        for k in 0..<nrows {
            var a = V.zero
            for i in 0..<size { a += load(i, k) }
            a += .zero
            out[k] = a
        }
        return
    }
    withUnsafeTemporaryAllocation(of: V.self, capacity: levels * nrows) { acc in
        acc.initialize(repeating: .zero)
        var i = 0
        while i + step <= size {
            for _ in 0..<step {
                for k in 0..<nrows { acc[k] += load(i, k) }
                i += 1
            }
            for j in 1..<levels {
                for k in 0..<nrows {
                    acc[j * nrows + k] += acc[(j - 1) * nrows + k]
                    acc[(j - 1) * nrows + k] = .zero
                }
                if i & (mask << (j * power)) != 0 { break }
            }
        }
        while i < size {
            for k in 0..<nrows { acc[k] += load(i, k) }
            i += 1
        }
        for j in 1..<levels { for k in 0..<nrows { acc[k] += acc[j * nrows + k] } }
        for k in 0..<nrows { out[k] = acc[k] }
    }
}

/// ATen's `row_sum`: the values as rows of four (four partial sums by `multiRowSum`), the
/// remainder added to the first, then the four added in order.
@inline(__always)
func rowSum<V: SumLane>(size: Int, _ load: (Int) -> V) -> V {
    let rows = size / 4
    return withUnsafeTemporaryAllocation(of: V.self, capacity: 4) { p in
        let partial = p.baseAddress!
        multiRowSum(nrows: 4, size: rows, into: partial) { i, k in load(i * 4 + k) }
        for i in (rows * 4)..<size { partial[0] += load(i) }
        for k in 1..<4 { partial[0] += partial[k] }
        return partial[0]
    }
}

typealias SumVector = SIMD8<Float>

@inline(__always)
func lanes(_ p: UnsafePointer<Float>) -> SumVector {
    UnsafeRawPointer(p).loadUnaligned(as: SumVector.self)
}

/// The sum of `n` contiguous floats (ATen's contiguous inner reduction).
func cascadeSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    let w = SumVector.scalarCount
    guard n >= w else { return 0 + rowSum(size: n) { p[$0] } }
    let vectors = n / w
    let v = rowSum(size: vectors) { lanes(p + $0 * w) }
    var total: Float = 0
    for k in (vectors * w)..<n { total += p[k] }
    for lane in 0..<w { total += v[lane] }
    return 0 + total
}

/// Sums down `n` rows of `width` contiguous columns (row stride `width`), into `out[0..<width]`
/// (ATen's contiguous outer reduction: 4 vectors of columns at a time, then one, then single
/// columns).
func cascadeColumnSums(_ p: UnsafePointer<Float>, rows n: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
    let w = SumVector.scalarCount
    var j = 0
    if width >= w {
        withUnsafeTemporaryAllocation(of: SumVector.self, capacity: 4) { sums in
            while j + 4 * w <= width {
                multiRowSum(nrows: 4, size: n, into: sums.baseAddress!) { i, k in lanes(p + i * width + j + k * w) }
                for k in 0..<4 { for lane in 0..<w { out[j + k * w + lane] = 0 + sums[k][lane] } }
                j += 4 * w
            }
        }
        while j + w <= width {
            let s = rowSum(size: n) { lanes(p + $0 * width + j) }
            for lane in 0..<w { out[j + lane] = 0 + s[lane] }
            j += w
        }
    } else {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 4) { sums in
            while j + 3 < width {
                multiRowSum(nrows: 4, size: n, into: sums.baseAddress!) { i, k in p[i * width + j + k] }
                for k in 0..<4 { out[j + k] = 0 + sums[k] }
                j += 4
            }
        }
    }
    while j < width {
        out[j] = 0 + rowSum(size: n) { p[$0 * width + j] }
        j += 1
    }
}
