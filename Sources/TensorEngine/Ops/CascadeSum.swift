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

/// Sums down `n` rows of `width` contiguous columns (`rowStride` apart, by default `width`), into
/// `out[0..<width]` (ATen's contiguous outer reduction: 4 vectors of columns at a time, then one,
/// then single columns).
func cascadeColumnSums(
    _ p: UnsafePointer<Float>, rows n: Int, width: Int, rowStride: Int? = nil, into out: UnsafeMutablePointer<Float>
) {
    let rowStride = rowStride ?? width
    let w = SumVector.scalarCount
    var j = 0
    if width >= w {
        withUnsafeTemporaryAllocation(of: SumVector.self, capacity: 4) { sums in
            while j + 4 * w <= width {
                multiRowSum(nrows: 4, size: n, into: sums.baseAddress!) { i, k in lanes(p + i * rowStride + j + k * w) }
                for k in 0..<4 { for lane in 0..<w { out[j + k * w + lane] = 0 + sums[k][lane] } }
                j += 4 * w
            }
        }
        while j + w <= width {
            let s = rowSum(size: n) { lanes(p + $0 * rowStride + j) }
            for lane in 0..<w { out[j + lane] = 0 + s[lane] }
            j += w
        }
    } else {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 4) { sums in
            while j + 3 < width {
                multiRowSum(nrows: 4, size: n, into: sums.baseAddress!) { i, k in p[i * rowStride + j + k] }
                for k in 0..<4 { out[j + k] = 0 + sums[k] }
                j += 4
            }
        }
    }
    while j < width {
        out[j] = 0 + rowSum(size: n) { p[$0 * rowStride + j] }
        j += 1
    }
}

/// The float32 sum over dimension `d` of a strided view (`shape`, `strides` in elements from `p`),
/// in ATen's order, into `out` (the reduced shape, contiguous): TensorIterator's dimension order
/// (reduced dimension innermost, the others by the output's strides, then the input's) and its
/// coalescing, then cascade_sum's loop for each pair of inner dimensions (SumKernel.cpp):
/// contiguous rows (`cascadeSum`), contiguous columns (`cascadeColumnSums`), or the scalar
/// inner/outer sums; a reduced dimension outside the inner pair is added in order.
/// NOTE: measured against PyTorch 2.15 on each dimension of a transposed 5×17×70 tensor.
func stridedCascadeSum(
    _ p: UnsafePointer<Float>, shape: [Int], strides: [Int], dim d: Int, into out: UnsafeMutablePointer<Float>
) {
    let r = shape.count
    var outStrides = [Int](repeating: 0, count: r)
    var size = 1
    for i in stride(from: r - 1, through: 0, by: -1) where i != d {
        outStrides[i] = size
        size *= shape[i]
    }
    out.initialize(repeating: 0, count: size)
    // reorder_dimensions: an insertion sort from the reversed order with should_swap.
    func shouldSwap(_ a: Int, _ b: Int) -> Int {
        let (o0, o1) = (outStrides[a], outStrides[b])
        if (o0 == 0) != (o1 == 0) { return o1 == 0 ? 1 : -1 }
        for (s0, s1) in [(o0, o1), (strides[a], strides[b])] where s0 != 0 && s1 != 0 {
            if s0 < s1 { return -1 }
            if s0 > s1 { return 1 }
            if shape[a] > shape[b] { return 1 }
        }
        return 0
    }
    var perm = Array((0..<r).reversed())
    for i in 1..<Swift.max(1, r) {
        var dim1 = i
        for dim0 in stride(from: i - 1, through: 0, by: -1) {
            let comparison = shouldSwap(perm[dim0], perm[dim1])
            if comparison > 0 {
                perm.swapAt(dim0, dim1)
                dim1 = dim0
            } else if comparison < 0 {
                break
            }
        }
    }
    var sizes = perm.map { shape[$0] }, ins = perm.map { strides[$0] }, outs = perm.map { outStrides[$0] }
    // coalesce_dimensions
    var last = 0
    for dim in 1..<Swift.max(1, r) {
        let merge =
            sizes[last] == 1 || sizes[dim] == 1
            || (sizes[last] * ins[last] == ins[dim] && sizes[last] * outs[last] == outs[dim])
        if merge {
            if sizes[last] == 1 {
                ins[last] = ins[dim]
                outs[last] = outs[dim]
            }
            sizes[last] *= sizes[dim]
        } else {
            last += 1
            if last != dim {
                ins[last] = ins[dim]
                outs[last] = outs[dim]
                sizes[last] = sizes[dim]
            }
        }
    }
    let dims = r == 0 ? 0 : last + 1
    sizes = Array(sizes.prefix(dims)) + [1, 1]
    ins = Array(ins.prefix(dims)) + [0, 0]
    outs = Array(outs.prefix(dims)) + [0, 0]
    // cascade_sum's loop over the two inner dimensions, for every index of the outer ones.
    func loop2d(_ a: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>) {
        var (size0, size1, in0, in1, out0, out1) = (sizes[0], sizes[1], ins[0], ins[1], outs[0], outs[1])
        if out0 != 0 && out1 == 0 {
            swap(&size0, &size1)
            swap(&in0, &in1)
            swap(&out0, &out1)
        }
        if out0 != 0 {  // no reduction inside: each output adds its one value
            for j in 0..<size1 { for i in 0..<size0 { o[j * out1 + i * out0] += a[j * in1 + i * in0] } }
            return
        }
        let w = SumVector.scalarCount
        if in0 == 1 && size0 >= w {
            for j in 0..<size1 { o[j * out1] += cascadeSum(a + j * in1, size0) }
        } else if in1 == 1 && size1 >= w {
            withUnsafeTemporaryAllocation(of: Float.self, capacity: size1) { sums in
                cascadeColumnSums(a, rows: size0, width: size1, rowStride: in0, into: sums.baseAddress!)
                for j in 0..<size1 { o[j * out1] += sums[j] }
            }
        } else if in0 < in1 {
            for j in 0..<size1 { o[j * out1] += rowSum(size: size0) { a[j * in1 + $0 * in0] } }
        } else {
            var j = 0
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 4) { sums in
                while j + 3 < size1 {
                    multiRowSum(nrows: 4, size: size0, into: sums.baseAddress!) { i, k in a[(j + k) * in1 + i * in0] }
                    for k in 0..<4 { o[(j + k) * out1] += sums[k] }
                    j += 4
                }
            }
            while j < size1 {
                o[j * out1] += rowSum(size: size0) { a[j * in1 + $0 * in0] }
                j += 1
            }
        }
    }
    var index = [Int](repeating: 0, count: Swift.max(0, dims - 2))
    while true {
        var inOffset = 0, outOffset = 0
        for (k, value) in index.enumerated() {
            inOffset += value * ins[k + 2]
            outOffset += value * outs[k + 2]
        }
        loop2d(p + inOffset, out + outOffset)
        var k = 0
        while k < index.count {
            index[k] += 1
            if index[k] < sizes[k + 2] { break }
            index[k] = 0
            k += 1
        }
        if k == index.count { break }
    }
}
