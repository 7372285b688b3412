import Foundation

/// A generator that reproduces PyTorch's CPU generator bit for bit (torch 2.x on an AVX2 or
/// AVX-512 CPU): `manualSeed`, uniform and normal floats, `randperm`, `randint`, and the draws
/// `DataLoader(shuffle: true)` makes. Algorithms: aten/src/ATen/core/DistributionsHelper.h,
/// native/cpu/DistributionTemplates.h, native/TensorFactories.cpp.
///
///     let g = TorchGenerator(seed: 2)
///     let w = try g.uniform([5], from: -1, to: 1)   // 0.2294, -0.2380, 0.2742, -0.0511, 0.4272
public final class TorchGenerator {
    var engine: MT19937
    /// The second value of the last Box–Muller pair (`normal_distribution<double>`), if unused.
    var cachedNormal: Double?

    /// The process-wide generator that `manual_seed` seeds (PyTorch's default generator).
    nonisolated(unsafe) public static var global = TorchGenerator(seed: 67280421310721)

    public init(seed: UInt64) {
        engine = MT19937(seed: seed)
    }

    /// Reseeds and clears the cached normal, as `torch.manual_seed`.
    public func manualSeed(_ seed: UInt64) {
        engine = MT19937(seed: seed)
        cachedNormal = nil
    }

    public func random() -> UInt32 { engine.next() }
    public func random64() -> UInt64 { engine.next64() }

    /// One float32 of `uniform_real_distribution<float>(from, to)`: the low 24 bits of a draw,
    /// scaled, then `fma(x, to - from, from)` as the AVX2 build computes it.
    @inline(__always) func uniformFloat(_ from: Float, _ range: Float) -> Float {
        let x = Float(random() & 0xFF_FFFF) * 0x1p-24
        return from.addingProduct(x, range)
    }

    @inline(__always) func uniformDouble(_ from: Double, _ range: Double) -> Double {
        let x = Double(random64() & ((1 << 53) - 1)) * 0x1p-53
        return from.addingProduct(x, range)
    }

    /// One double of `normal_distribution<double>(0, 1)` with the cached second value.
    func standardNormalDouble() -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return cached
        }
        let u1 = uniformDouble(0, 1), u2 = uniformDouble(0, 1)
        let r = Foundation.sqrt(-2 * Foundation.log1p(-u2))
        let theta = 2 * Double.pi * u1
        cachedNormal = r * Foundation.sin(theta)
        return r * Foundation.cos(theta)
    }

    // MARK: filling buffers

    /// Fills `count` float32 or float64 values with `uniform_(from, to)`.
    func fillUniform(_ t: Tensor, from: Double, to: Double) {
        if t.dtype == .float32 {
            let f = Float(from), range = Float(to) - Float(from)
            t.forEachOffset { t.storage.floats[$0] = uniformFloat(f, range) }
        } else {
            t.forEachOffset { t.storage.doubles[$0] = uniformDouble(from, to - from) }
        }
    }

    /// Fills with `normal_(mean, std)`: per element Box–Muller below 16 elements (or for
    /// non-contiguous tensors), PyTorch's vectorised `normal_fill` from 16 on.
    func fillNormal(_ t: Tensor, mean: Double, std: Double) {
        let n = t.count
        if n >= 16 && t.isContiguous {
            if t.dtype == .float32 {
                normalFill(t.pointer(Float.self), n, mean: Float(mean), std: Float(std))
            } else {
                normalFill(t.pointer(Double.self), n, mean: mean, std: std)
            }
            return
        }
        t.forEachOffset { off in
            let v = mean.addingProduct(standardNormalDouble(), std)
            if t.dtype == .float32 { t.storage.floats[off] = Float(v) } else { t.storage.doubles[off] = v }
        }
    }

    func normalFill(_ d: UnsafeMutablePointer<Float>, _ n: Int, mean: Float, std: Float) {
        for i in 0..<n { d[i] = uniformFloat(0, 1) }
        func block(_ b: UnsafeMutablePointer<Float>) {
            let twoPi = Float(2 * Double.pi)
            for j in 0..<8 {
                let u1 = 1 - b[j], u2 = b[j + 8]
                let radius = (-2 * CephesAVX.log(u1)).squareRoot()
                let (s, c) = CephesAVX.sincos(twoPi * u2)
                b[j] = mean.addingProduct(radius * c, std)
                b[j + 8] = mean.addingProduct(radius * s, std)
            }
        }
        var i = 0
        while i + 16 <= n {
            block(d + i)
            i += 16
        }
        if n % 16 != 0 {
            // PyTorch redraws the last 16 values and transforms them as one block.
            for k in (n - 16)..<n { d[k] = uniformFloat(0, 1) }
            block(d + n - 16)
        }
    }

    func normalFill(_ d: UnsafeMutablePointer<Double>, _ n: Int, mean: Double, std: Double) {
        for i in 0..<n { d[i] = uniformDouble(0, 1) }
        func block(_ b: UnsafeMutablePointer<Double>) {
            for j in 0..<8 {
                let u1 = 1 - b[j], u2 = b[j + 8]
                let radius = Foundation.sqrt(-2 * Foundation.log(u1))
                let theta = 2 * Double.pi * u2
                b[j] = mean.addingProduct(radius * Foundation.cos(theta), std)
                b[j + 8] = mean.addingProduct(radius * Foundation.sin(theta), std)
            }
        }
        var i = 0
        while i + 16 <= n {
            block(d + i)
            i += 16
        }
        if n % 16 != 0 {
            for k in (n - 16)..<n { d[k] = uniformDouble(0, 1) }
            block(d + n - 16)
        }
    }

    // MARK: integer draws

    /// `torch.randperm(n)`: identity, then for each i a swap with `i + random() % (n - i)`.
    public func randperm(_ n: Int) -> [Int] {
        var r = Array(0..<n)
        if n < 0xFFFF_FFFF / 20 {
            for i in 0..<Swift.max(n - 1, 0) {
                let z = Int(random() % UInt32(n - i))
                r.swapAt(i, i + z)
            }
        } else {
            for i in 1..<n {
                let z = Int(random64() % UInt64(i + 1))
                r.swapAt(i, z)
            }
        }
        return r
    }

    /// `torch.randint(low, high, (count,))`.
    public func randint(_ low: Int, _ high: Int, count: Int) throws -> [Int] {
        guard high > low else { throw TensorError("randint: expected low < high, got low=\(low), high=\(high)") }
        // high − low may not fit an Int (randint(-Int.max, Int.max)): computed as UInt64, added back wrapping.
        let range = UInt64(bitPattern: Int64(high)) &- UInt64(bitPattern: Int64(low))
        return (0..<count).map { _ in
            let r = range < (1 << 32) ? UInt64(random()) % range : random64() % range
            return low &+ Int(bitPattern: UInt(r))
        }
    }

    /// `torch.empty((), dtype=int64).random_()`: a 63-bit seed, as DataLoader draws.
    public func randomSeed63() -> UInt64 { random64() % (1 << 63) }
}

extension Tensor {
    /// Fills with U(from, to) from `generator` (PyTorch's `uniform_`).
    @discardableResult
    public func uniform_(from: Double = 0, to: Double = 1, generator: TorchGenerator = .global) throws -> Tensor {
        try checkInPlace("uniform_")
        guard dtype.isFloatingPoint else {
            throw TensorError("uniform_: expected a floating point tensor, got \(dtype)")
        }
        guard from <= to else { throw TensorError("uniform_: expects from <= to, got from=\(from), to=\(to)") }
        generator.fillUniform(self, from: from, to: to)
        return self
    }

    /// Fills with N(mean, std²) from `generator` (PyTorch's `normal_`).
    @discardableResult
    public func normal_(mean: Double = 0, std: Double = 1, generator: TorchGenerator = .global) throws -> Tensor {
        try checkInPlace("normal_")
        guard dtype.isFloatingPoint else {
            throw TensorError("normal_: expected a floating point tensor, got \(dtype)")
        }
        guard std >= 0 else { throw TensorError("normal_: expects std >= 0.0, but found std \(std)") }
        generator.fillNormal(self, mean: mean, std: std)
        return self
    }

    /// U(0, 1) values (`torch.rand`).
    public static func rand(
        _ shape: [Int], dtype: DType = .float32, generator: TorchGenerator = .global
    ) throws -> Tensor {
        try Tensor.zeros(shape, dtype: dtype).uniform_(generator: generator)
    }

    /// Standard normal values (`torch.randn`).
    public static func randn(
        _ shape: [Int], dtype: DType = .float32, generator: TorchGenerator = .global
    ) throws -> Tensor {
        try Tensor.zeros(shape, dtype: dtype).normal_(generator: generator)
    }

    /// A random permutation of 0..<n as int64 (`torch.randperm`).
    public static func randperm(_ n: Int, generator: TorchGenerator = .global) throws -> Tensor {
        guard n >= 0 else { throw TensorError("randperm: n must be non-negative, got \(n)") }
        try Tensor.reserve(n, .int64, for: "randperm")
        return try Tensor(generator.randperm(n))
    }

    /// Integers in [low, high) as int64 (`torch.randint`).
    public static func randint(
        _ low: Int, _ high: Int, _ shape: [Int], generator: TorchGenerator = .global
    ) throws -> Tensor {
        try Tensor(generator.randint(low, high, count: shape.reduce(1, *)), shape: shape)
    }
}

extension TorchGenerator {
    /// The sample order of one epoch of `DataLoader(dataset, shuffle=True)` with no workers: it
    /// draws a base seed when the iterator is made, then a sampler seed, and permutes with a fresh
    /// generator seeded by it. Each epoch takes four 32-bit draws from this generator.
    public func dataLoaderOrder(_ n: Int) -> [Int] {
        _ = randomSeed63()  // _BaseDataLoaderIter._base_seed
        let seed = randomSeed63()
        return TorchGenerator(seed: seed).randperm(n)
    }
}
