/// Reductions over one dimension or all: sum, mean, max, min, argmax.
/// NOTE: float32 sums follow ATen's cascade order (CascadeSum.swift), as PyTorch at one thread;
/// other types accumulate in double in ascending order. Neither depends on the thread count.

extension Tensor {
    /// Resolves a possibly negative dimension against the rank.
    func normalizeDim(_ dim: Int, _ op: String, rank r: Int? = nil) throws -> Int {
        let r = r ?? rank
        let d = dim < 0 ? dim + Swift.max(r, 1) : dim
        guard d >= 0 && d < Swift.max(r, 1) else {
            throw TensorError("\(op): dimension \(dim) is out of range for a tensor of shape \(shape)")
        }
        return d
    }

    /// Splits the shape around `dim` into (outer, n, inner) counts.
    func split(at d: Int) -> (outer: Int, n: Int, inner: Int) {
        if rank == 0 { return (1, 1, 1) }
        return (shape[..<d].reduce(1, *), shape[d], shape[(d + 1)...].reduce(1, *))
    }

    func reducedShape(_ d: Int, keepDim: Bool) -> [Int] {
        if rank == 0 { return [] }
        var s = shape
        if keepDim { s[d] = 1 } else { s.remove(at: d) }
        return s
    }

    /// Reduces `self` (contiguous) along `d` with a Double accumulator; `combine(acc, x, index)`.
    func reduceAlong(
        _ d: Int, keepDim: Bool, dtype outType: DType,
        initial: Double, _ combine: (inout Double, Double) -> Void
    ) -> Tensor {
        let c = contiguousData()
        let (outer, n, inner) = split(at: d)
        let out = Tensor(uninitialized: reducedShape(d, keepDim: keepDim), dtype: outType)
        for o in 0..<outer {
            for i in 0..<inner {
                var acc = initial
                for k in 0..<n { combine(&acc, c.load((o * n + k) * inner + i)) }
                out.store(o * inner + i, acc)
            }
        }
        return out
    }

    /// The sum of all elements (a 0-dimensional tensor). Bool and int64 sum to int64.
    public func sum() throws -> Tensor {
        let out = try flattenedView().sum(dim: 0)
        out.gradFn?.name = "SumBackward0"  // PyTorch's name for the sum of all elements
        return out
    }

    /// The sum along `dim`.
    public func sum(dim: Int, keepDim: Bool = false) throws -> Tensor {
        let d = try normalizeDim(dim, "sum")
        let outType: DType = dtype.isFloatingPoint ? dtype : .int64
        let out: Tensor
        if dtype == .float32 {
            // Float32: in ATen's order (CascadeSum.swift), along contiguous rows or down columns;
            // a view (a transpose, a slice) in TensorIterator's order over its own strides.
            if !isContiguous && rank > 0 {
                out = Tensor(uninitialized: reducedShape(d, keepDim: keepDim), dtype: .float32)
                stridedCascadeSum(
                    UnsafePointer(pointer(Float.self)), shape: shape, strides: strides, dim: d, into: out.storage.floats
                )
                withExtendedLifetime(self) {}
                let inShape = shape
                return record(out, "SumBackward1", [self]) { g in
                    [try (keepDim || inShape.isEmpty ? g : g.unsqueeze(d)).broadcast(to: inShape)]
                }
            }
            let c = contiguousData()
            let (outer, n, inner) = split(at: d)
            out = Tensor(uninitialized: reducedShape(d, keepDim: keepDim), dtype: .float32)
            let p = UnsafePointer(c.pointer(Float.self)), q = out.storage.floats
            defer { withExtendedLifetime(c) {} }
            for o in 0..<outer {
                if inner == 1 {
                    q[o] = cascadeSum(p + o * n, n)
                } else {
                    cascadeColumnSums(p + o * n * inner, rows: n, width: inner, into: q + o * inner)
                }
            }
        } else {
            out = reduceAlong(d, keepDim: keepDim, dtype: outType, initial: 0) { $0 += $1 }
        }
        let inShape = shape
        return record(out, "SumBackward1", [self]) { g in
            [try (keepDim || inShape.isEmpty ? g : g.unsqueeze(d)).broadcast(to: inShape)]
        }
    }

    /// For a permuted view of a contiguous tensor (a transpose), `reduce(base, dim)` (keeping the
    /// dimension) applied to the tensor in its memory order, as TensorIterator orders a reduction,
    /// and the result put back in the view's order (`d` removed unless `keepDim`); nil otherwise.
    func inMemoryOrder(_ d: Int, keepDim: Bool, _ reduce: (Tensor, Int) throws -> Tensor) throws -> Tensor? {
        guard !isContiguous else { return nil }
        let order = (0..<rank).sorted { strides[$0] > strides[$1] || (strides[$0] == strides[$1] && $0 < $1) }
        guard order != Array(0..<rank), case let base = try permute(order), base.isContiguous else { return nil }
        let inMemory = try noGrad { try reduce(base, order.firstIndex(of: d)!) }
        let back = try inMemory.permute(inverse(order)).contiguousData()
        return keepDim ? back : try back.squeeze(d).contiguousData()
    }

    /// The mean of all elements.
    public func mean() throws -> Tensor {
        let out = try flattenedView().mean(dim: 0)
        out.gradFn?.name = "MeanBackward0"  // PyTorch's name for the mean of all elements
        return out
    }

    /// The mean along `dim`.
    public func mean(dim: Int, keepDim: Bool = false) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw TensorError("mean: could not infer output dtype; input dtype must be floating point, got \(dtype)")
        }
        let d = try normalizeDim(dim, "mean")
        let n = rank == 0 ? 1 : shape[d]
        return try sum(dim: dim, keepDim: keepDim) / Double(n)
    }

    /// The largest values along `dim` and their indices (the first one on ties).
    public func max(dim: Int, keepDim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extreme(dim: dim, keepDim: keepDim, name: "max", greater: true)
    }

    /// The smallest values along `dim` and their indices.
    public func min(dim: Int, keepDim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extreme(dim: dim, keepDim: keepDim, name: "min", greater: false)
    }

    func extreme(dim: Int, keepDim: Bool, name: String, greater: Bool) throws -> (values: Tensor, indices: Tensor) {
        let d = try normalizeDim(dim, name)
        guard rank == 0 || shape[d] > 0 else {
            throw TensorError("\(name): cannot reduce over an empty dimension \(dim) of shape \(shape)")
        }
        let c = contiguousData()
        let (outer, n, inner) = split(at: d)
        let outShape = reducedShape(d, keepDim: keepDim)
        let values = Tensor(uninitialized: outShape, dtype: dtype)
        let indices = Tensor(uninitialized: outShape, dtype: .int64)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = c.load(o * n * inner + i), bestK = 0
                for k in 1..<Swift.max(n, 1) {
                    let v = c.load((o * n + k) * inner + i)
                    if v.isNaN && !best.isNaN || (greater ? v > best : v < best) {
                        best = v
                        bestK = k
                    }
                }
                values.store(o * inner + i, best)
                indices.storage.ints[o * inner + i] = Int64(bestK)
            }
        }
        let inShape = shape
        record(values, greater ? "MaxBackward0" : "MinBackward0", [self]) { g in
            // Scatter the gradient to the chosen positions.
            let gi = try Tensor.zeros(inShape, dtype: g.dtype)
            let gc = g.contiguousData()
            for o in 0..<outer {
                for i in 0..<inner {
                    let k = Int(indices.storage.ints[o * inner + i])
                    gi.store((o * n + k) * inner + i, gc.load(o * inner + i))
                }
            }
            return [gi]
        }
        return (values, indices)
    }

    /// The largest element (0-dimensional).
    public func max() throws -> Tensor {
        guard count > 0 else { throw TensorError("max(): expected a non-empty tensor, got shape \(shape)") }
        return try flattenedView().max(dim: 0).values
    }

    /// The smallest element (0-dimensional).
    public func min() throws -> Tensor {
        guard count > 0 else { throw TensorError("min(): expected a non-empty tensor, got shape \(shape)") }
        return try flattenedView().min(dim: 0).values
    }

    /// The index of the largest element along `dim`, or in the flattened tensor.
    public func argmax(dim: Int? = nil, keepDim: Bool = false) throws -> Tensor {
        guard let dim else { return try flattenedView().max(dim: 0).indices }
        return try max(dim: dim, keepDim: keepDim).indices
    }

    /// A one-dimensional view or copy of all elements, kept in the graph.
    func flattenedView() throws -> Tensor { try reshape([count]) }
}
