/// Indexing as PyTorch's `x[…]` and `x[…] = v`: Ints and slices give views (basic indexing);
/// int64 and bool tensors pick elements (advanced indexing, a copy), and assignment writes through
/// both into the tensor's own storage (`index_put_`). Forward and backward side by side.

/// One entry of a subscript `x[i, a..<b, idx, mask]`.
public enum TensorIndex {
    /// Selects one position and removes the dimension (negative counts from the end).
    case int(Int)
    /// `start..<end` by `step`, with Python's clamping of bounds (nil: from the start / to the end).
    case slice(start: Int?, end: Int?, step: Int)
    /// An int64 tensor (positions along one dimension) or a bool mask (over as many dimensions
    /// as it has, which must match the indexed tensor's sizes there).
    case tensor(Tensor)
}

/// Where the advanced indices of a subscript point: the view the basic indices leave, the
/// dimensions of that view the index tensors cover, and the index tensors broadcast together.
struct AdvancedIndex {
    let view: Tensor
    /// Dimensions of `view` covered by index tensors, ascending.
    let dims: [Int]
    /// The index tensors broadcast to one shape, bounds-checked and made non-negative,
    /// as one row-major array per index.
    let positions: [[Int]]
    /// The shape the index tensors broadcast to.
    let indexShape: [Int]
    /// Dimensions of `view` that no index tensor covers, ascending.
    let rest: [Int]

    /// PyTorch's (and numpy's) rule: index tensors on adjacent dimensions put the broadcast index
    /// shape where those dimensions were; otherwise it comes first.
    var adjacent: Bool { dims.last.map { $0 - dims[0] == dims.count - 1 } ?? true }
    /// How many of the remaining dimensions come before the index shape in the result.
    var leading: Int { adjacent ? rest.filter { $0 < dims[0] }.count : 0 }

    var restShape: [Int] { rest.map { view.shape[$0] } }
    var restStrides: [Int] { rest.map { view.strides[$0] } }

    /// The result's shape: `index shape + rest` with the index shape moved after `leading` dims.
    var resultShape: [Int] {
        let r = restShape
        return Array(r[..<leading]) + indexShape + Array(r[leading...])
    }

    /// Storage offsets (relative to `view.offset`) of the sub-tensor each index position picks.
    var offsets: [Int] {
        let n = indexShape.reduce(1, *)
        var out = [Int](repeating: 0, count: n)
        for (k, d) in dims.enumerated() {
            let s = view.strides[d], p = positions[k]
            for i in 0..<n { out[i] += p[i] * s }
        }
        return out
    }

    /// Permutation that takes a tensor laid out as `index shape + rest` to the result's layout.
    var toResult: [Int] {
        let b = indexShape.count, r = rest.count
        return Array(b..<(b + leading)) + Array(0..<b) + Array((b + leading)..<(b + r))
    }

    /// The same positions in another tensor of the view's shape.
    func moved(to other: Tensor) -> AdvancedIndex {
        AdvancedIndex(view: other, dims: dims, positions: positions, indexShape: indexShape, rest: rest)
    }

    /// Writes (or adds) `values`, broadcast to the result's shape, at the positions in the view.
    func scatter(_ values: Tensor, accumulate: Bool) throws {
        // Lay the values out as `index shape + rest`, the order the positions are visited in.
        let v = try values.broadcast(to: resultShape).permute(inverse(toResult)).contiguousData()
        let rows = offsets, shape = restShape, strides = restStrides
        if shape.isEmpty {
            for (i, off) in rows.enumerated() {
                let o = view.offset + off, x = v.load(i)
                guard accumulate else {
                    view.store(o, x)
                    continue
                }
                // Added in the target's type, as add_ does.
                view.store(o, view.dtype == .float32 ? Double(Float(view.load(o)) + Float(x)) : view.load(o) + x)
            }
            return
        }
        let perRow = try v.reshape([rows.count, shape.reduce(1, *)])
        for (i, off) in rows.enumerated() {
            let target = Tensor(storage: view.storage, shape: shape, strides: strides, offset: view.offset + off)
            let row = try perRow.select(i).reshape(shape)
            if accumulate { try target.add_(row) } else { try target.assign(from: row) }
        }
    }
}

extension Tensor {
    /// `self[indices]`: a view when every index is an Int or a slice, a copy otherwise.
    /// Backward: the gradient is scattered back (summed where an index repeats).
    public func index(_ indices: [TensorIndex]) throws -> Tensor {
        guard let adv = try advancedIndex(indices) else { return try basicIndex(indices) }
        return try adv.view.gather(adv)
    }

    /// `self[indices] = values` in place (PyTorch's `index_put_`): `values` broadcast to the shape
    /// `self[indices]` has. With `accumulate`, values are added (repeated indices add up).
    /// NOTE: where an index repeats without `accumulate`, the last value written wins, as on
    /// PyTorch's CPU with one thread.
    public func indexPut_(_ indices: [TensorIndex], _ values: Tensor, accumulate: Bool = false) throws {
        try checkInPlace("index_put_")
        try noGrad {
            guard let adv = try advancedIndex(indices) else {
                let target = try basicIndex(indices)
                if accumulate { try target.add_(values) } else { try target.assign(from: values) }
                return
            }
            try adv.scatter(values, accumulate: accumulate)
        }
    }

    /// Applies the Ints and slices (views), leaving tensor indices out.
    func basicIndex(_ indices: [TensorIndex]) throws -> Tensor {
        var t = self
        var d = 0
        for index in indices {
            switch index {
            case .int(let i): t = try t.select(dim: d, i)
            case .slice(let start, let end, let step):
                t = try t.slice(dim: d, start: start, end: end, step: step)
                d += 1
            case .tensor(let x): d += x.dtype == .bool ? x.rank : 1
            }
        }
        return t
    }

    /// nil when there is no tensor index; otherwise the view after the basic indices and where
    /// the tensor indices point into it.
    func advancedIndex(_ indices: [TensorIndex]) throws -> AdvancedIndex? {
        var covered = 0
        for index in indices {
            switch index {
            case .int: covered += 1
            case .slice: covered += 1
            case .tensor(let x):
                guard x.dtype == .int64 || x.dtype == .bool else {
                    throw TensorError("tensors used as indices must be long, int, byte or bool tensors")
                }
                covered += x.dtype == .bool ? x.rank : 1
            }
        }
        guard covered <= rank else {
            throw TensorError("too many indices for tensor of dimension \(rank)")
        }
        guard indices.contains(where: { if case .tensor = $0 { return true } else { return false } }) else {
            return nil
        }
        let view = try basicIndex(indices)
        // Each index tensor as int64 positions along one dimension of `view`.
        var dims: [Int] = []
        var tensors: [Tensor] = []
        var d = 0
        for index in indices {
            switch index {
            case .int: continue
            case .slice: d += 1
            case .tensor(let x) where x.dtype == .bool:
                let sizes = Array(view.shape[d..<(d + x.rank)])
                guard x.shape == sizes else {
                    throw TensorError(
                        "The shape of the mask \(x.shape) at index \(d) does not match the shape of the indexed tensor \(view.shape) at index \(d)"
                    )
                }
                let nz = x.nonzeroPositions()
                for k in 0..<x.rank {
                    dims.append(d + k)
                    tensors.append(try Tensor(nz.map { $0[k] }))
                }
                d += x.rank
            case .tensor(let x):
                dims.append(d)
                tensors.append(x)
                d += 1
            }
        }
        var indexShape: [Int] = []
        for t in tensors { indexShape = try broadcastShapes(indexShape, t.shape, op: "index") }
        var positions: [[Int]] = []
        for (k, t) in tensors.enumerated() {
            let size = view.shape[dims[k]]
            positions.append(
                try t.broadcast(to: indexShape).integers.map { p in
                    let i = Int(p)
                    guard i >= -size && i < size else {
                        throw TensorError("index \(i) is out of bounds for dimension \(dims[k]) with size \(size)")
                    }
                    return i < 0 ? i + size : i
                })
        }
        let rest = (0..<view.rank).filter { !dims.contains($0) }
        return AdvancedIndex(view: view, dims: dims, positions: positions, indexShape: indexShape, rest: rest)
    }

    /// The elements `adv` picks from `self` (its view), as a new tensor in the result's layout.
    func gather(_ adv: AdvancedIndex) throws -> Tensor {
        let restShape = adv.restShape, restStrides = adv.restStrides
        let rows = adv.offsets
        let out = try Tensor.zeros([rows.count] + restShape, dtype: dtype)
        if restShape.isEmpty {
            for (i, off) in rows.enumerated() { out.store(i, load(offset + off)) }
        } else {
            for (i, off) in rows.enumerated() {
                let source = Tensor(storage: storage, shape: restShape, strides: restStrides, offset: offset + off)
                try out.select(i).assign(from: source)
            }
        }
        let result = try out.reshape(adv.indexShape + restShape).permute(adv.toResult)
        let inShape = shape, inType = dtype
        return record(result, "IndexBackward0", [self]) { g in
            // NOTE: repeated positions add up in index order (PyTorch's index_put_ with accumulate).
            let gi = try Tensor.zeros(inShape, dtype: inType)
            try adv.moved(to: gi).scatter(g, accumulate: true)
            return [gi]
        }
    }

    /// Positions of the nonzero elements, each as one Int per dimension, in row-major order.
    func nonzeroPositions() -> [[Int]] {
        var out: [[Int]] = []
        var index = [Int](repeating: 0, count: rank)
        let values = scalars
        for v in values {
            if v != 0 { out.append(index) }
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return out
    }

    /// The positions of the nonzero elements as an int64 tensor of shape [n, rank]
    /// (PyTorch's `nonzero()`).
    public func nonzero() throws -> Tensor {
        let p = nonzeroPositions()
        return try Tensor(p.flatMap { $0 }, shape: [p.count, rank])
    }

    /// A view with the dimensions reordered: dimension `i` of the result is `dims[i]` of `self`.
    /// Backward: permute back.
    public func permute(_ dims: [Int]) throws -> Tensor {
        let d = try dims.map { try normalizeDim($0, "permute") }
        guard d.count == rank, Set(d).count == rank else {
            throw TensorError(
                "permute: number of dims don't match in permute (got \(dims) for a tensor of shape \(shape))")
        }
        if d == Array(0..<rank) { return self }
        let out = Tensor(storage: storage, shape: d.map { shape[$0] }, strides: d.map { strides[$0] }, offset: offset)
        let back = inverse(d)
        return record(out, "PermuteBackward0", [self]) { g in [try g.permute(back)] }
    }
}

/// The inverse of a permutation.
func inverse(_ p: [Int]) -> [Int] {
    var out = [Int](repeating: 0, count: p.count)
    for (i, x) in p.enumerated() { out[x] = i }
    return out
}
