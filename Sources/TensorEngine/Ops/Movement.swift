/// Movement: reshape/view, flatten, transpose, squeeze/unsqueeze, cat, stack, indexing, slicing.
/// Views share storage with their base; the backward of each op moves the gradient back.

extension Tensor {
    /// Resolves one `-1` in a requested shape.
    func inferShape(_ requested: [Int], _ op: String) throws -> [Int] {
        var s = requested
        let unknown = s.indices.filter { s[$0] == -1 }
        guard unknown.count <= 1, !s.contains(where: { $0 < -1 }) else {
            throw TensorError("\(op): invalid shape \(requested)")
        }
        if let u = unknown.first {
            let known = s.enumerated().filter { $0.offset != u }.reduce(1) { $0 * $1.element }
            guard known != 0, count % known == 0 else {
                throw TensorError("\(op): shape \(requested) is invalid for input of size \(count) (shape \(shape))")
            }
            s[u] = count / known
        }
        guard s.reduce(1, *) == count else {
            throw TensorError("\(op): shape \(requested) is invalid for input of size \(count) (shape \(shape))")
        }
        return s
    }

    /// The same elements in a new shape (one dimension may be -1); a view when the data is
    /// contiguous, a copy otherwise.
    public func reshape(_ newShape: [Int]) throws -> Tensor {
        let s = try inferShape(newShape, "reshape")
        let base = isContiguous ? self : contiguousData()
        let out = Tensor(storage: base.storage, shape: s, strides: Tensor.contiguousStrides(s), offset: base.offset)
        let inShape = shape
        return record(out, "ViewBackward0", [self]) { g in [try g.reshape(inShape)] }
    }

    /// Like `reshape`, but the tensor must be contiguous (PyTorch's `view`).
    public func view(_ newShape: [Int]) throws -> Tensor {
        guard isContiguous else {
            throw TensorError(
                "view: size \(newShape) is not compatible with the tensor's size and stride (shape \(shape), strides \(strides)); use reshape"
            )
        }
        return try reshape(newShape)
    }

    /// Merges dimensions `start...end` into one.
    public func flatten(startDim: Int = 0, endDim: Int = -1) throws -> Tensor {
        if rank == 0 { return try reshape([1]) }
        let s = try normalizeDim(startDim, "flatten"), e = try normalizeDim(endDim, "flatten")
        guard s <= e else {
            throw TensorError("flatten: start dimension \(startDim) comes after end dimension \(endDim)")
        }
        let merged = shape[s...e].reduce(1, *)
        return try reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// A view repeated along size-1 dimensions to `shape` (no copy). Backward: sum back down.
    public func expand(_ newShape: [Int]) throws -> Tensor {
        let out = try broadcast(to: newShape)
        if out === self { return self }
        return record(out, "ExpandBackward0", [self]) { g in [g] }
    }

    /// Swaps two dimensions (a view).
    public func transpose(_ d0: Int, _ d1: Int) throws -> Tensor {
        let a = try normalizeDim(d0, "transpose"), b = try normalizeDim(d1, "transpose")
        if rank < 2 { return self }
        var sh = shape, st = strides
        sh.swapAt(a, b)
        st.swapAt(a, b)
        let out = Tensor(storage: storage, shape: sh, strides: st, offset: offset)
        return record(out, "TransposeBackward0", [self]) { g in [try g.transpose(a, b)] }
    }

    /// The transpose of a matrix (a view); vectors are returned unchanged.
    public var t: Tensor {
        get throws {
            guard rank <= 2 else {
                throw TensorError("t(): expects a tensor with at most 2 dimensions, got shape \(shape)")
            }
            return rank < 2 ? self : try transpose(0, 1)
        }
    }

    /// A view with a size-1 dimension inserted at `dim`.
    public func unsqueeze(_ dim: Int) throws -> Tensor {
        let d = try normalizeDim(dim, "unsqueeze", rank: rank + 1)
        var sh = shape, st = strides
        sh.insert(1, at: d)
        st.insert(d < rank ? strides[d] * shape[d] : 1, at: d)
        let out = Tensor(storage: storage, shape: sh, strides: st, offset: offset)
        return record(out, "UnsqueezeBackward0", [self]) { g in [try g.squeeze(d)] }
    }

    /// A view without size-1 dimensions (all of them, or only `dim`).
    public func squeeze(_ dim: Int? = nil) throws -> Tensor {
        var keep = Array(0..<rank)
        if let dim {
            let d = try normalizeDim(dim, "squeeze")
            if rank > 0 && shape[d] == 1 { keep.remove(at: d) }
        } else {
            keep = keep.filter { shape[$0] != 1 }
        }
        let out = Tensor(
            storage: storage, shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: offset)
        let inShape = shape
        return record(out, "SqueezeBackward0", [self]) { g in [try g.reshape(inShape)] }
    }

    /// The sub-tensor at `index` along `dim` (a view with that dimension removed).
    public func select(dim: Int = 0, _ index: Int) throws -> Tensor {
        guard rank > 0 else { throw TensorError("select: cannot index a 0-dimensional tensor") }
        let d = try normalizeDim(dim, "select")
        let i = index < 0 ? index + shape[d] : index
        guard i >= 0 && i < shape[d] else {
            throw TensorError(
                "index \(index) is out of bounds for dimension \(d) with size \(shape[d]) (shape \(shape))")
        }
        var sh = shape, st = strides
        sh.remove(at: d)
        st.remove(at: d)
        let out = Tensor(storage: storage, shape: sh, strides: st, offset: offset + i * strides[d])
        let inShape = shape, inType = dtype
        return record(out, "SelectBackward0", [self]) { g in
            let gi = try Tensor.zeros(inShape, dtype: inType)
            try gi.select(dim: d, i).assign(from: g)
            return [gi]
        }
    }

    /// Elements `start..<end` by `step` along `dim` (a view), with Python's clamping of bounds.
    public func slice(dim: Int = 0, start: Int? = nil, end: Int? = nil, step: Int = 1) throws -> Tensor {
        guard rank > 0 else { throw TensorError("slice: cannot slice a 0-dimensional tensor") }
        guard step > 0 else { throw TensorError("slice: step must be positive, got \(step)") }
        let d = try normalizeDim(dim, "slice")
        let n = shape[d]
        func clampIndex(_ v: Int?, _ dflt: Int) -> Int {
            guard var v else { return dflt }
            if v < 0 { v += n }
            return Swift.min(Swift.max(v, 0), n)
        }
        let s = clampIndex(start, 0), e = Swift.max(clampIndex(end, n), s)
        var sh = shape, st = strides
        sh[d] = (e - s + step - 1) / step
        st[d] = strides[d] * step
        let out = Tensor(storage: storage, shape: sh, strides: st, offset: offset + s * strides[d])
        let inShape = shape, inType = dtype
        return record(out, "SliceBackward0", [self]) { g in
            let gi = try Tensor.zeros(inShape, dtype: inType)
            try gi.slice(dim: d, start: s, end: e, step: step).assign(from: g)
            return [gi]
        }
    }

    /// Rows picked by an int64 index tensor along `dim` (a copy; PyTorch's `index_select`).
    public func indexSelect(dim: Int = 0, _ index: Tensor) throws -> Tensor {
        let d = try normalizeDim(dim, "index_select")
        guard index.rank <= 1 else { throw TensorError("index_select(): Index is supposed to be a vector") }
        let whole = [TensorIndex](repeating: .slice(start: nil, end: nil, step: 1), count: d)
        return try self.index(whole + [.tensor(index.rank == 0 ? index.reshape([1]) : index)])
    }

    /// Joins tensors along an existing dimension.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError("cat: expected a non-empty list of tensors") }
        let d = try first.normalizeDim(dim, "cat")
        var outShape = first.shape
        guard first.rank > 0 else { throw TensorError("cat: zero-dimensional tensors cannot be concatenated") }
        var dt = first.dtype
        for t in tensors.dropFirst() {
            guard t.rank == first.rank,
                zip(t.shape, first.shape).enumerated().allSatisfy({ $0.offset == d || $0.element.0 == $0.element.1 })
            else {
                throw TensorError(
                    "cat: sizes of tensors must match except in dimension \(d): got \(first.shape) and \(t.shape)")
            }
            outShape[d] += t.shape[d]
            dt = DType.promote(dt, t.dtype)
        }
        let out = try Tensor.zeros(outShape, dtype: dt)
        var start = 0
        var ranges: [(Int, Int)] = []
        for t in tensors {
            try noGrad { try out.slice(dim: d, start: start, end: start + t.shape[d]).assign(from: t) }
            ranges.append((start, start + t.shape[d]))
            start += t.shape[d]
        }
        return first.record(out, "CatBackward0", tensors) { g in
            try ranges.map { try g.slice(dim: d, start: $0.0, end: $0.1) }
        }
    }

    /// Joins same-shaped tensors along a new dimension.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError("stack: expected a non-empty list of tensors") }
        for t in tensors where t.shape != first.shape {
            throw TensorError("stack: expects each tensor to be equal size, but got \(first.shape) and \(t.shape)")
        }
        return try cat(tensors.map { try $0.unsqueeze(dim) }, dim: dim)
    }

    /// A contiguous tensor with the same values (`self` when already contiguous).
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        return record(contiguousData(), "CloneBackward0", [self]) { g in [g] }
    }
}
