/// The Mersenne Twister MT19937, 32-bit outputs: the engine behind both `torch.manual_seed` and
/// numpy's legacy `np.random.seed` (aten/src/ATen/core/MT19937RNGEngine.h).
public struct MT19937: Sendable {
    static let n = 624, m = 397
    var state = [UInt32](repeating: 0, count: 624)
    var index = 624

    /// Seeds with `init_genrand` on the low 32 bits of `seed` (as torch does with its uint64 seed).
    public init(seed: UInt64) {
        state[0] = UInt32(truncatingIfNeeded: seed)
        for i in 1..<MT19937.n {
            let prev = state[i - 1]
            state[i] = 1812433253 &* (prev ^ (prev >> 30)) &+ UInt32(i)
        }
        index = MT19937.n  // the first draw runs a full twist
    }

    mutating func twist() {
        let n = MT19937.n, m = MT19937.m
        state.withUnsafeMutableBufferPointer { s in
            for k in 0..<n {
                let y = (s[k] & 0x8000_0000) | (s[(k + 1) % n] & 0x7FFF_FFFF)
                s[k] = s[(k + m) % n] ^ (y >> 1) ^ ((s[(k + 1) % n] & 1) != 0 ? 0x9908_B0DF : 0)
            }
        }
        index = 0
    }

    /// The next 32-bit output.
    public mutating func next() -> UInt32 {
        if index >= MT19937.n { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// Two outputs as one 64-bit value, the first one in the high word.
    public mutating func next64() -> UInt64 {
        let hi = UInt64(next()), lo = UInt64(next())
        return hi << 32 | lo
    }
}
