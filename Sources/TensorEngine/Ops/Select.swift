import Foundation

/// Selection and rearrangement: where, gather, sort/topk, flip, repeat, chunk/split, meshgrid,
/// and the statistics built on the reductions (var, std, prod, cumsum, argmin). Forward and
/// backward side by side; ops composed of differentiable ops get their gradient from those.

extension Tensor {
    /// `condition ? a : b` element-wise, broadcast together. Backward: the gradient goes to the
    /// side that was chosen.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try broadcastShapes(
            try broadcastShapes(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        var dt = DType.promote(a.dtype, b.dtype)
        if dt == .bool && (a.dtype != .bool || b.dtype != .bool) { dt = .int64 }
        let c = try condition.broadcast(to: shape).contiguousData()
        let x = try (a.dtype == dt ? a : a.to(dt)).broadcast(to: shape).contiguousData()
        let y = try (b.dtype == dt ? b : b.to(dt)).broadcast(to: shape).contiguousData()
        let out = Tensor(uninitialized: shape, dtype: dt)
        for i in 0..<out.count { out.store(i, c.load(i) != 0 ? x.load(i) : y.load(i)) }
        return a.record(out, "WhereBackward0", [a, b]) { g in
            let zero = g.scalarLike(0)
            return [try Tensor.where(condition, g, zero), try Tensor.where(condition, zero, g)]
        }
    }

    /// out[…, i, …] = self[…, index[…, i, …], …] along `dim` (PyTorch's `gather`; index has the
    /// rank of self and sizes no larger). Backward: the gradient is added back at the same places.
    public func gather(dim: Int, _ index: Tensor) throws -> Tensor {
        let d = try normalizeDim(dim, "gather")
        guard index.dtype == .int64, index.rank == rank else {
            throw TensorError(
                "gather(): Expected dtype int64 for index and the same number of dimensions as input (\(rank)), got \(index.dtype) \(index.shape)"
            )
        }
        for k in 0..<rank where k != d && index.shape[k] > shape[k] {
            throw TensorError(
                "gather(): Size does not match at dimension \(k) expected index \(index.shape) to be no larger than self \(shape) apart from dimension \(d)"
            )
        }
        let positions = index.integers
        let n = shape[d]
        // Where each picked element sits: in self's storage, and in a contiguous tensor of
        // self's shape (for the backward).
        var offsets = [Int](repeating: 0, count: positions.count)
        var linear = [Int](repeating: 0, count: positions.count)
        let dense = Tensor.contiguousStrides(shape)
        var at = [Int](repeating: 0, count: rank)
        for i in 0..<positions.count {
            var p = Int(positions[i])
            guard p >= -n && p < n else {
                throw TensorError("gather(): index \(p) is out of bounds for dimension \(d) with size \(n)")
            }
            if p < 0 { p += n }
            for k in 0..<rank {
                let j = k == d ? p : at[k]
                offsets[i] += j * strides[k]
                linear[i] += j * dense[k]
            }
            var k = rank - 1
            while k >= 0 {
                at[k] += 1
                if at[k] < index.shape[k] { break }
                at[k] = 0
                k -= 1
            }
        }
        let out = Tensor(uninitialized: index.shape, dtype: dtype)
        for (i, o) in offsets.enumerated() { out.store(i, load(offset + o)) }
        let inShape = shape, inType = dtype
        return record(out, "GatherBackward0", [self]) { g in
            // NOTE: repeated positions add up in index order (scatter_add).
            let gi = try Tensor.zeros(inShape, dtype: inType)
            let values = g.contiguousData()
            for (i, at) in linear.enumerated() { gi.store(at, gi.load(at) + values.load(i)) }
            return [gi]
        }
    }

    /// The elements sorted along `dim` (stable), and where each came from.
    /// Backward: through `gather` with the indices.
    public func sort(dim: Int = -1, descending: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        if rank == 0 { return (self, try Tensor([0]).reshape([])) }
        let d = try normalizeDim(dim, "sort")
        let c = contiguousData()
        let (outer, n, inner) = split(at: d)
        var idx = [Int](repeating: 0, count: count)
        var keys = [Double](repeating: 0, count: n)
        for o in 0..<outer {
            for i in 0..<inner {
                for k in 0..<n { keys[k] = c.load((o * n + k) * inner + i) }
                // NaN sorts last ascending and first descending, as in PyTorch.
                let order = (0..<n).sorted { p, q in
                    let a = keys[p], b = keys[q]
                    if a.isNaN || b.isNaN { return descending ? (a.isNaN && !b.isNaN) : (!a.isNaN && b.isNaN) }
                    return descending ? a > b : a < b
                }
                for (k, p) in order.enumerated() { idx[(o * n + k) * inner + i] = p }
            }
        }
        let indices = try Tensor(idx, shape: shape)
        return (try gather(dim: d, indices), indices)
    }

    /// The `k` largest (or smallest) elements along `dim`, in order, and their indices.
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        let d = try normalizeDim(dim, "topk")
        guard k >= 0 && k <= (rank == 0 ? 1 : shape[d]) else {
            throw TensorError("topk: k (\(k)) is out of range for dimension \(d)")
        }
        let sorted = try sort(dim: d, descending: largest)
        let indices = try sorted.indices.slice(dim: d, start: 0, end: k).contiguousData()
        return (try gather(dim: d, indices), indices)
    }

    /// The elements in reverse order along each of `dims` (a copy). Backward: flipped back.
    public func flip(_ dims: [Int]) throws -> Tensor {
        var out = self
        for dim in dims {
            let d = try normalizeDim(dim, "flip")
            let whole = [TensorIndex](repeating: .slice(start: nil, end: nil, step: 1), count: d)
            out = try out.index(whole + [.tensor(try Tensor(Array((0..<shape[d]).reversed())))])
        }
        return out
    }

    /// The tensor tiled `sizes[i]` times along each dimension (PyTorch's `repeat`).
    public func repeating(_ sizes: [Int]) throws -> Tensor {
        guard sizes.count >= rank else {
            throw TensorError(
                "repeat: number of repeat dims (\(sizes.count)) can not be smaller than number of dimensions of tensor (\(rank))"
            )
        }
        let padded = [Int](repeating: 1, count: sizes.count - rank) + shape
        // (1, s0, 1, s1, …) expanded to (r0, s0, r1, s1, …), then merged pairwise.
        let spread = try reshape(padded.flatMap { [1, $0] })
        let expanded = try spread.expand(zip(sizes, padded).flatMap { [$0, $1] })
        return try expanded.reshape(zip(sizes, padded).map { $0 * $1 })
    }

    /// `chunks` views of (nearly) equal size along `dim`, the last one smaller.
    public func chunk(_ chunks: Int, dim: Int = 0) throws -> [Tensor] {
        guard chunks > 0 else { throw TensorError("chunk expects `chunks` to be greater than 0, got: \(chunks)") }
        let d = try normalizeDim(dim, "chunk")
        let size = (shape[d] + chunks - 1) / chunks
        return try split(size: Swift.max(size, 1), dim: d)
    }

    /// Views of `size` elements along `dim` (the last may be smaller).
    public func split(size: Int, dim: Int = 0) throws -> [Tensor] {
        guard size > 0 else { throw TensorError("split expects split_size be positive, got \(size)") }
        let d = try normalizeDim(dim, "split")
        return try Swift.stride(from: 0, to: shape[d], by: size).map { try slice(dim: d, start: $0, end: $0 + size) }
    }

    /// Views of the given sizes along `dim`; they must add up to the dimension's size.
    public func split(sizes: [Int], dim: Int = 0) throws -> [Tensor] {
        let d = try normalizeDim(dim, "split")
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[d] else {
            throw TensorError(
                "split_with_sizes expects split_sizes to sum exactly to \(shape[d]) (input tensor's size at dimension \(d)), but got split_sizes=\(sizes)"
            )
        }
        var start = 0
        return try sizes.map { n in
            defer { start += n }
            return try slice(dim: d, start: start, end: start + n)
        }
    }

    /// Grids from 1-D tensors: with "ij", output k varies along dimension k; with "xy" (numpy's
    /// default) the first two dimensions are swapped.
    public static func meshgrid(_ tensors: [Tensor], indexing: String = "ij") throws -> [Tensor] {
        guard indexing == "ij" || indexing == "xy" else {
            throw TensorError("meshgrid: indexing must be \"ij\" or \"xy\", got \"\(indexing)\"")
        }
        guard tensors.allSatisfy({ $0.rank <= 1 }) else { throw TensorError("meshgrid: expects 0-D or 1-D tensors") }
        var sizes = tensors.map { $0.count }
        let swap = indexing == "xy" && tensors.count >= 2
        if swap { sizes.swapAt(0, 1) }
        return try tensors.enumerated().map { k, t in
            var position = k
            if swap && k < 2 { position = 1 - k }
            var view = [Int](repeating: 1, count: sizes.count)
            view[position] = t.count
            return try t.reshape(view).expand(sizes)
        }
    }

    /// A bool tensor: true where the element is NaN.
    public func isnan() -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: .bool)
        var i = 0
        forEachOffset {
            out.store(i, load($0).isNaN ? 1 : 0)
            i += 1
        }
        return out
    }

    /// |self − other| ≤ atol + rtol·|other| everywhere (NaN equal to NaN only with `equalNaN`).
    public func allclose(
        _ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNaN: Bool = false
    ) throws -> Bool {
        let shape = try broadcastShapes(self.shape, other.shape, op: "allclose")
        let a = try broadcast(to: shape).scalars, b = try other.broadcast(to: shape).scalars
        return zip(a, b).allSatisfy { x, y in
            if x.isNaN || y.isNaN { return equalNaN && x.isNaN && y.isNaN }
            if x == y { return true }
            return Swift.abs(x - y) <= atol + rtol * Swift.abs(y)
        }
    }

    /// How often each non-negative integer occurs (at least `minlength` counts).
    public func bincount(minlength: Int = 0) throws -> Tensor {
        guard rank == 1, dtype == .int64 else {
            throw TensorError("bincount only supports 1-d non-negative integral inputs.")
        }
        let values = integers.map(Int.init)
        guard values.allSatisfy({ $0 >= 0 }) else {
            throw TensorError("bincount only supports 1-d non-negative integral inputs.")
        }
        var counts = [Int](repeating: 0, count: Swift.max(minlength, (values.max() ?? -1) + 1))
        for v in values { counts[v] += 1 }
        return try Tensor(counts)
    }

    // MARK: statistics from the reductions

    /// The variance of all elements, or along `dim` (unbiased: divided by n − 1, PyTorch's
    /// default `correction=1`).
    public func variance(dim: Int? = nil, unbiased: Bool = true, keepDim: Bool = false) throws -> Tensor {
        try moments(dim: dim, correction: unbiased ? 1 : 0, keepDim: keepDim, root: false)
    }

    /// The standard deviation: the square root of `variance`.
    public func std(dim: Int? = nil, unbiased: Bool = true, keepDim: Bool = false) throws -> Tensor {
        try moments(dim: dim, correction: unbiased ? 1 : 0, keepDim: keepDim, root: true)
    }

    /// The variance (or, with `root`, its square root) as ATen's CPU kernels compute it.
    /// NOTE: over the whole tensor in two passes (ReduceOps.cpp `std_var_all_cpu`): the mean as
    /// `mean()` computes it, then Σ(x − mean)² in double, in order, ÷ (n − correction); along a
    /// dimension Welford's update in double, in order, per output (SharedReduceOps.h
    /// `WelfordOps`); the square root in double; the result rounded once. Backward (PyTorch's
    /// var_backward): (2/(n − correction))·g·(x − mean), with the mean as `mean(dim:)` computes
    /// it; std's is var's of g/(2·std), 0 where std is 0. Measured against PyTorch 2.15: every
    /// element along each dimension of a 5×17×70 tensor (contiguous and transposed), over 139
    /// lengths up to 100,000, and the gradient.
    private func moments(dim: Int?, correction: Int, keepDim: Bool, root: Bool) throws -> Tensor {
        let name = root ? "std" : "var"
        let x = dtype.isFloatingPoint ? self : to(.float32)
        let d = try dim.map { try normalizeDim($0, name) }
        let n = d.map { rank == 0 ? 1 : shape[$0] } ?? count
        let divisor = Double(Swift.max(n - correction, 0))
        let finish = { (m2: Double) -> Double in root ? (m2 / divisor).squareRoot() : m2 / divisor }
        let out: Tensor
        let mean: Tensor
        if let d, rank > 0 {
            mean = try noGrad { try x.mean(dim: d, keepDim: true) }
            let c = x.contiguousData()
            let (outer, n, inner) = x.split(at: d)
            out = Tensor(uninitialized: reducedShape(d, keepDim: keepDim), dtype: x.dtype)
            for o in 0..<outer {
                for i in 0..<inner {
                    var average = 0.0, m2 = 0.0
                    for k in 0..<n {
                        let v = c.load((o * n + k) * inner + i)
                        let delta = v - average
                        average += delta / Double(k + 1)
                        m2 += delta * (v - average)
                    }
                    out.store(o * inner + i, finish(m2))
                }
            }
        } else {
            mean = try noGrad { try x.mean() }
            let m = mean.load(0), c = x.contiguousData()
            var m2 = 0.0
            for k in 0..<count {
                let delta = c.load(k) - m
                m2 += delta * delta
            }
            out = Tensor(scalar: finish(m2), dtype: x.dtype)
            if keepDim, let shaped = try? out.reshape([Int](repeating: 1, count: rank)) { return shaped }
        }
        let scale = 2 / divisor
        return record(out, root ? "StdBackward0" : "VarBackward0", [self]) { [unowned(unsafe) out] g in
            let unsqueeze = { (t: Tensor) in try d == nil || keepDim || self.rank == 0 ? t : t.unsqueeze(d!) }
            var g = try unsqueeze(g)
            if root {
                let std = try unsqueeze(out.detach())
                g = try Tensor.where(std.eq(std.scalarLike(0)), g.scalarLike(0), g / (std * 2))
            }
            return [try g * scale * (x.detach() - mean)]
        }
    }

    /// The product of all elements, or along `dim`.
    /// NOTE: float32 products in ATen's order (Reduce.h `binary_kernel_reduce_vec`): along memory
    /// (a contiguous row, or a transpose's contiguous dimension) four accumulators of 8 lanes
    /// (AVX2 vectors: measured, 16 lanes do not match), multiplied (0·1)·(2·3), their lanes in
    /// order, then the tail in order; elsewhere in order per output. Backward (prod_backward):
    /// g · (out / x) where the slice has no zero; where it has, g times the product of the others.
    public func prod(dim: Int? = nil, keepDim: Bool = false) throws -> Tensor {
        guard let dim else { return try flatten().prod(dim: 0) }
        let d = try normalizeDim(dim, "prod")
        let outType: DType = dtype == .bool ? .int64 : dtype
        let round: (Double) -> Double = outType == .float32 ? { Double(Float($0)) } : { $0 }
        let out: Tensor
        if dtype == .float32,
            let values = try inMemoryOrder(d, keepDim: keepDim, { try $0.prod(dim: $1, keepDim: true) })
        {
            out = values
        } else if dtype == .float32, rank > 0, d == rank - 1 {
            let c = contiguousData(), n = shape[d]
            out = Tensor(uninitialized: reducedShape(d, keepDim: keepDim), dtype: .float32)
            let p = UnsafePointer(c.pointer(Float.self))
            defer { withExtendedLifetime(c) {} }
            for o in 0..<(count / Swift.max(n, 1)) { out.storage.floats[o] = productAlongMemory(p + o * n, n) }
        } else {
            out = reduceAlong(d, keepDim: keepDim, dtype: outType, initial: 1) { acc, x in acc = round(acc * x) }
        }
        return record(out, "ProdBackward1", [self]) { [unowned(unsafe) out] g in
            let x = self.contiguousData()
            let gk = try (keepDim || self.rank == 0 ? g : g.unsqueeze(d)).broadcast(to: self.shape).contiguousData()
            let ok = try (keepDim || self.rank == 0 ? out : out.unsqueeze(d)).broadcast(to: self.shape).contiguousData()
            let gi = Tensor(uninitialized: self.shape, dtype: outType)
            let (outer, n, inner) = self.split(at: d)
            for o in 0..<outer {
                for i in 0..<inner {
                    let at = { (k: Int) in (o * n + k) * inner + i }
                    if (0..<n).allSatisfy({ x.load(at($0)) != 0 }) {
                        for k in 0..<n {
                            gi.store(at(k), round(gk.load(at(k)) * round(ok.load(at(k)) / x.load(at(k)))))
                        }
                        continue
                    }
                    var prefix = 1.0
                    var suffixes = [Double](repeating: 1, count: n + 1)
                    for k in stride(from: n - 1, through: 0, by: -1) {
                        suffixes[k] = round(suffixes[k + 1] * x.load(at(k)))
                    }
                    for k in 0..<n {
                        gi.store(at(k), round(gk.load(at(k)) * round(prefix * suffixes[k + 1])))
                        prefix = round(prefix * x.load(at(k)))
                    }
                }
            }
            return [gi]
        }
    }

    /// Running sums along `dim` (accumulated in double, as ATen's CPU kernel, each rounded).
    /// Backward: the reversed running sums of the gradient.
    public func cumsum(dim: Int) throws -> Tensor {
        let d = try normalizeDim(dim, "cumsum")
        let c = contiguousData()
        let outType: DType = dtype.isFloatingPoint ? dtype : .int64
        let out = Tensor(uninitialized: shape, dtype: outType)
        let (outer, n, inner) = split(at: d)
        for o in 0..<outer {
            for i in 0..<inner {
                var acc = 0.0
                for k in 0..<n {
                    let at = (o * n + k) * inner + i
                    acc += c.load(at)
                    out.store(at, acc)
                }
            }
        }
        return record(out, "CumsumBackward0", [self]) { g in
            [try g.flip([d]).cumsum(dim: d).flip([d])]
        }
    }

    /// The index of the smallest element (of the flattened tensor, or along `dim`).
    public func argmin(dim: Int? = nil, keepDim: Bool = false) throws -> Tensor {
        guard let dim else { return try flatten().min(dim: 0).indices }
        return try min(dim: dim, keepDim: keepDim).indices
    }
}

/// The product of `n` contiguous floats in ATen's vectorised inner-reduction order (see `prod`).
private func productAlongMemory(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    typealias V = SIMD8<Float>
    let blocks = n / (4 * V.scalarCount)
    var total: Float = 1
    if blocks > 0 {
        let load = { (i: Int) in UnsafeRawPointer(p + i * V.scalarCount).loadUnaligned(as: V.self) }
        var a0 = load(0), a1 = load(1), a2 = load(2), a3 = load(3)
        for b in 1..<blocks {
            a0 *= load(4 * b)
            a1 *= load(4 * b + 1)
            a2 *= load(4 * b + 2)
            a3 *= load(4 * b + 3)
        }
        let a = (a0 * a1) * (a2 * a3)
        var lanes = a[0]
        for j in 1..<V.scalarCount { lanes *= a[j] }
        total *= lanes
    }
    for k in (blocks * 4 * V.scalarCount)..<n { total *= p[k] }
    return total
}
