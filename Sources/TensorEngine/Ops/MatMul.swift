/// Matrix products. NOTE: every output element is the chain c = c + round(a·b) over k ascending,
/// starting from zero, and `addmm` adds the bias last. That is how PyTorch (MKL) rounds the
/// tutorials' small products on this machine — the x² networks' outputs come out bit-identical
/// to PyTorch's — and the bits never depend on tiling, vector width or thread count.

/// C[m×n] = A[m×k] · B[k×n]; A is read through (row stride, column stride), B and C are
/// contiguous rows.
func gemm<T: FloatElement>(_ m: Int, _ n: Int, _ k: Int,
                           _ a: UnsafePointer<T>, _ aRow: Int, _ aCol: Int,
                           _ b: UnsafePointer<T>, _ c: UnsafeMutablePointer<T>,
                           bias: UnsafePointer<T>? = nil) {
    for i in 0..<m {
        let ci = c + i * n
        ci.initialize(repeating: 0, count: n)
        for p in 0..<k {
            let aip = a[i * aRow + p * aCol]
            let bp = b + p * n
            for j in 0..<n { ci[j] += aip * bp[j] }
        }
        if let bias { for j in 0..<n { ci[j] += bias[j] } }
    }
}

extension Tensor {
    /// Matrix product of two matrices, no graph. A may be any strided view; B is made contiguous.
    func mmForward(_ other: Tensor, bias: Tensor? = nil) throws -> Tensor {
        guard rank == 2, other.rank == 2, shape[1] == other.shape[0] else {
            throw TensorError("mm: shapes \(shape) and \(other.shape) cannot be multiplied (\(shape.last ?? 0) vs \(other.shape.first ?? 0))")
        }
        guard dtype.isFloatingPoint, other.dtype == dtype else {
            throw TensorError("mm: expected two floating point tensors of the same type, got \(dtype) and \(other.dtype)")
        }
        let (m, k, n) = (shape[0], shape[1], other.shape[1])
        let out = Tensor(uninitialized: [m, n], dtype: dtype)
        let b = other.contiguousData()
        let c = try bias.map { try $0.to(dtype).broadcast(to: [n]).contiguousData() }
        if dtype == .float32 {
            gemm(m, n, k, pointer(Float.self), strides[0], strides[1], b.pointer(Float.self), out.pointer(Float.self),
                 bias: c.map { UnsafePointer($0.pointer(Float.self)) })
        } else {
            gemm(m, n, k, pointer(Double.self), strides[0], strides[1], b.pointer(Double.self), out.pointer(Double.self),
                 bias: c.map { UnsafePointer($0.pointer(Double.self)) })
        }
        return out
    }

    /// Matrix product of two matrices. Backward: dA = g·Bᵀ, dB = Aᵀ·g.
    public func mm(_ other: Tensor) throws -> Tensor {
        let out = try mmForward(other)
        return record(out, "MmBackward0", [self, other]) { g in
            [self.requiresGrad ? try g.mmForward(other.detach().t) : nil,
             other.requiresGrad ? try self.detach().t.mmForward(g) : nil]
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
            throw TensorError("matmul: both arguments need at least 1 dimension, got shapes \(shape) and \(other.shape)")
        }
    }

    /// `input · weightᵀ + bias` for a 2-D input as one node (PyTorch's `addmm`).
    func addmm(_ bias: Tensor, _ weight: Tensor) throws -> Tensor {
        let wt = try weight.detach().t
        guard bias.count == weight.shape[0] || bias.count == 1 else {
            throw TensorError("addmm: bias of shape \(bias.shape) does not match \(weight.shape[0]) outputs")
        }
        let out = try mmForward(wt, bias: bias.detach())
        return record(out, "AddmmBackward0", [self, weight, bias]) { g in
            [self.requiresGrad ? try g.mmForward(weight.detach()) : nil,
             weight.requiresGrad ? try g.t.mmForward(self.detach()) : nil,
             bias.requiresGrad ? try g.sum(dim: 0) : nil]
        }
    }
}

/// `x · weightᵀ + bias`, the affine map of `Linear`.
/// x is (…, in), weight is (out, in), bias is (out); the result is (…, out).
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
    guard let last = x.shape.last, last == weight.shape[1] else {
        throw TensorError("linear: input shape \(x.shape) cannot be multiplied with weight of shape \(weight.shape) (in_features \(weight.shape[1]))")
    }
    if x.rank == 2, let bias { return try x.addmm(bias, weight) }
    let y = try x.matmul(weight.t)
    guard let bias else { return y }
    return try y + bias
}
