import Foundation

/// numpy's legacy `RandomState` (what `np.random.seed` seeds), bit for bit: 53-bit doubles from two
/// draws, the Marsaglia polar method with a cached second normal, and masked-rejection integers.
///
///     let rs = NumpyRandomState(seed: 2)
///     rs.uniform(-3, 3, count: 1)   // [-0.38403058714797744]
public final class NumpyRandomState {
    var engine: MT19937
    var cachedGauss: Double?

    /// The generator `np.random.seed` seeds.
    nonisolated(unsafe) public static var global = NumpyRandomState(seed: 0)

    public init(seed: UInt32) {
        engine = MT19937(seed: UInt64(seed))
    }

    public func seed(_ seed: UInt32) {
        engine = MT19937(seed: UInt64(seed))
        cachedGauss = nil
    }

    /// One double in [0, 1): `((a >> 5) * 2^26 + (b >> 6)) / 2^53`.
    public func randomSample() -> Double {
        let a = Double(engine.next() >> 5), b = Double(engine.next() >> 6)
        return (a * 67108864 + b) / 9007199254740992
    }

    public func rand(count: Int) -> [Double] { (0..<count).map { _ in randomSample() } }

    /// `low + (high - low) * u`, computed in double without FMA.
    public func uniform(_ low: Double, _ high: Double, count: Int) -> [Double] {
        let range = high - low
        return (0..<count).map { _ in
            let u = randomSample()
            let scaled = range * u
            return low + scaled
        }
    }

    /// A standard normal by the polar method; every second value comes from the cache.
    public func gauss() -> Double {
        if let g = cachedGauss {
            cachedGauss = nil
            return g
        }
        var x1 = 0.0, x2 = 0.0, r2 = 0.0
        repeat {
            x1 = 2 * randomSample() - 1
            x2 = 2 * randomSample() - 1
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1 || r2 == 0
        let f = Foundation.sqrt(-2 * Foundation.log(r2) / r2)
        cachedGauss = f * x1
        return f * x2
    }

    public func randn(count: Int) -> [Double] { (0..<count).map { _ in gauss() } }

    public func normal(_ loc: Double, _ scale: Double, count: Int) -> [Double] {
        (0..<count).map { _ in
            let g = gauss() * scale
            return loc + g
        }
    }

    /// A value in 0...max by masked rejection on 32-bit draws.
    func interval(_ max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        var mask = max
        for s: UInt64 in [1, 2, 4, 8, 16, 32] { mask |= mask >> s }
        while true {
            let v = max > 0xFFFF_FFFF ? engine.next64() & mask : UInt64(engine.next()) & mask
            if v <= max { return v }
        }
    }

    /// Integers in [low, high) (legacy `randint`, int64).
    public func randint(_ low: Int, _ high: Int, count: Int) throws -> [Int] {
        guard high > low else { throw TensorError("randint: low >= high (low=\(low), high=\(high))") }
        let range = UInt64(high - 1 - low)
        return (0..<count).map { _ in low + Int(interval(range)) }
    }

    /// Shuffles in place: for i from the end down to 1, swap with `interval(i)`.
    public func shuffle<T>(_ a: inout [T]) {
        var i = a.count - 1
        while i > 0 {
            a.swapAt(i, Int(interval(UInt64(i))))
            i -= 1
        }
    }

    public func permutation(_ n: Int) -> [Int] {
        var a = Array(0..<n)
        shuffle(&a)
        return a
    }
}
