/// Sleef's functions that compute with pairs of floats (`vfloat2`, src/common/df.h), re-implemented
/// step for step from src/libm/sleefsimdsp.c (its AVX-512 branch with fused multiply-adds): what
/// ATen's `Vectorized<float>::pow` and `expm1` compute.

/// Sleef's `powf` at 1.0 ulp (`xpowf` in sleefsimdsp.c, its AVX-512 branch with fused
/// multiply-adds), what ATen's `Vectorized<float>::pow` computes for `pow` with an exponent other
/// than its special cases: exp(y · log|x|), the log and the exp kept as pairs of floats
/// (`logkf`, `expkf`), then Sleef's rules for signs, zeros, infinities and NaN.
/// NOTE: measured against PyTorch 2.15: `pow(2.5)`, `pow(x, y)` and the gradients of `pow(2.5)`
/// and `pow(-2)`, every element.
func sleefPowf(_ x: Float, _ y: Float) -> Float {
    let limit: Float = 16_777_216  // 2^24
    let yIsInt = y.rounded(.towardZero) == y || Swift.abs(y) > limit
    let yIsOdd = yIsInt && Swift.abs(y) < limit && Int32(y.rounded(.towardZero)) & 1 == 1
    var result = expk(logk(Swift.abs(x)) * y)
    if result.isNaN { result = .infinity }
    result *= x > 0 ? 1 : (yIsInt ? (yIsOdd ? -1 : 1) : .nan)
    if y.isInfinite {
        let efx = (Swift.abs(x) - 1) * y.signFactor
        result = efx < 0 ? 0 : (efx == 0 ? 1 : .infinity)
    }
    if x.isInfinite || x == 0 {
        let magnitude: Float = (y.sign == .minus) != (x == 0) ? 0 : .infinity
        result = magnitude * (yIsOdd ? x : 1).signFactor
    }
    if x.isNaN || y.isNaN { result = .nan }
    if y == 0 || x == 1 { result = 1 }
    return result
}

/// Sleef's `expm1f` at 1.0 ulp: exp(a) as a pair (`expk2f`) minus 1, rounded once; ∞ above
/// 88.72…, −1 below −16.63…, −0 kept.
func sleefExpm1f(_ a: Float) -> Float {
    if a > 88.72283172607421875 { return .infinity }
    if a < -16.635532333438687426013570 { return -1 }
    if a == 0 && a.sign == .minus { return -0.0 }
    let d = expk2(a).adding2(-1)
    return d.x + d.y
}

extension Float {
    /// ±1 with this number's sign bit (Sleef's `vmulsign` by it).
    fileprivate var signFactor: Float { sign == .minus ? -1 : 1 }
}

/// A float with a second float carrying its rounding error (Sleef's `vfloat2`).
private struct FloatPair {
    var x: Float, y: Float

    /// dfadd2 of two floats (any magnitudes).
    static func sum(_ a: Float, _ b: Float) -> FloatPair {
        let s = a + b, v = s - a
        return FloatPair(x: s, y: (a - (s - v)) + (b - v))
    }

    /// dfadd (|self| ≥ |other|).
    static func + (a: FloatPair, b: FloatPair) -> FloatPair {
        let s = a.x + b.x
        return FloatPair(x: s, y: (((a.x - s) + b.x) + a.y) + b.y)
    }

    /// dfadd2 of two pairs (any magnitudes).
    func adding2(_ b: FloatPair) -> FloatPair {
        let s = x + b.x, v = s - x
        let t = (x - (s - v)) + (b.x - v)
        return FloatPair(x: s, y: t + (y + b.y))
    }

    /// dfadd2 of a pair and a float (any magnitudes).
    func adding2(_ b: Float) -> FloatPair {
        let s = x + b, v = s - x
        let t = (x - (s - v)) + (b - v)
        return FloatPair(x: s, y: t + y)
    }

    /// dfadd of a float and a pair (|a| ≥ |b|).
    static func + (a: Float, b: FloatPair) -> FloatPair {
        let s = a + b.x
        return FloatPair(x: s, y: ((a - s) + b.x) + b.y)
    }

    /// dfmul of two pairs.
    static func * (a: FloatPair, b: FloatPair) -> FloatPair {
        let s = a.x * b.x
        return FloatPair(x: s, y: a.x.fma(b.y, a.y.fma(b.x, a.x.fma(b.x, -s))))
    }

    /// dfmul of a pair and a float.
    static func * (a: FloatPair, b: Float) -> FloatPair {
        let s = a.x * b
        return FloatPair(x: s, y: a.y.fma(b, a.x.fma(b, -s)))
    }

    /// dfsqu.
    var squared: FloatPair {
        let s = x * x
        return FloatPair(x: s, y: (x + x).fma(y, x.fma(x, -s)))
    }

    /// dfdiv.
    static func / (n: FloatPair, d: FloatPair) -> FloatPair {
        let t = 1 / d.x, s = n.x * t
        let u = t.fma(n.x, -s)
        let v = (-d.y).fma(t, (-d.x).fma(t, 1))
        return FloatPair(x: s, y: s.fma(v, n.y.fma(t, u)))
    }

    /// dfnormalize.
    var normalized: FloatPair {
        let s = x + y
        return FloatPair(x: s, y: (x - s) + y)
    }
}

extension Float {
    /// self·b + c with one rounding.
    fileprivate func fma(_ b: Float, _ c: Float) -> Float { c.addingProduct(self, b) }
}

/// Sleef's `logkf` (AVX-512 branch): log d as a pair of floats.
private func logk(_ d: Float) -> FloatPair {
    var e = Float((d * (1 / Float(0.75))).exponent)
    if d * (1 / Float(0.75)) == .infinity { e = 128 }
    // vgetmant(d) into [0.75, 1.5); getexp of 0 is −∞ and getmant of 0 is 0, as the instruction.
    var m = d.significand
    if m >= 1.5 { m /= 2 }
    if d == 0 {
        e = -.infinity
        m = 0
    }
    let x = FloatPair.sum(-1, m) / FloatPair.sum(1, m)
    let x2 = x.squared
    var t: Float = 0.240320354700088500976562
    t = t.fma(x2.x, 0.285112679004669189453125)
    t = t.fma(x2.x, 0.400007992982864379882812)
    let c = FloatPair(x: 0.66666662693023681640625, y: 3.69183861259614332084311e-09)
    var s = FloatPair(x: 0.69314718246459960938, y: -1.904654323148236017e-09) * e
    s = s + FloatPair(x: x.x * 2, y: x.y * 2)
    s = s + (x2 * x) * (x2 * t).adding2(c)
    return s
}

/// Sleef's `expkf`: exp of a pair of floats, rounded to a float.
private func expk(_ d: FloatPair) -> Float {
    let u0 = (d.x + d.y) * 1.442695040888963407359924681001892137426645954152985934135449406931
    let q = u0.isFinite ? Int32(u0.rounded(.toNearestOrEven)) : Int32.min
    let qf = Float(q)
    var s = d.adding2(qf * -0.693145751953125)
    s = s.adding2(qf * -1.428606765330187045e-06)
    s = s.normalized
    var u: Float = 0.00136324646882712841033936
    u = u.fma(s.x, 0.00836596917361021041870117)
    u = u.fma(s.x, 0.0416710823774337768554688)
    u = u.fma(s.x, 0.166665524244308471679688)
    u = u.fma(s.x, 0.499999850988388061523438)
    var t = s + s.squared * u
    t = 1 + t
    let r = sleefLdexp(t.x + t.y, q)
    return d.x < -104 ? 0 : r
}

/// Sleef's `expk2f`: exp(d) as a pair of floats.
private func expk2(_ d: Float) -> FloatPair {
    let u0 = d * 1.442695040888963407359924681001892137426645954152985934135449406931
    let q = u0.isFinite ? Int32(u0.rounded(.toNearestOrEven)) : Int32.min
    let qf = Float(q)
    var s = FloatPair(x: d, y: 0).adding2(qf * -0.693145751953125)
    s = s.adding2(qf * -1.428606765330187045e-06)
    var u: Float = 0.1980960224e-3
    u = u.fma(s.x, 0.1394256484e-2)
    u = u.fma(s.x, 0.8333456703e-2)
    u = u.fma(s.x, 0.4166637361e-1)
    var t = (s * u).adding2(0.166666659414234244790680580464)
    t = (s * t).adding2(0.5)
    t = s.adding2(s.squared * t)
    t = 1 + t
    if d < -104 { return FloatPair(x: 0, y: 0) }
    // vldexp2: two powers of two, each representable.
    let h = q >> 1
    let p1 = Float(bitPattern: UInt32(bitPattern: (h &+ 0x7f) << 23))
    let p2 = Float(bitPattern: UInt32(bitPattern: ((q &- h) &+ 0x7f) << 23))
    return FloatPair(x: t.x * p1 * p2, y: t.y * p1 * p2)
}

/// Sleef's `vldexp_vf_vf_vi2`: x · 2^q in steps that never overflow an exponent field.
private func sleefLdexp(_ x: Float, _ q: Int32) -> Float {
    var m = q >> 31
    m = (((m &+ q) >> 6) &- m) << 4
    let q = q &- (m << 2)
    m = m &+ 0x7f
    m = m > 0 ? m : 0
    m = m > 0xff ? 0xff : m
    let u = Float(bitPattern: UInt32(bitPattern: m << 23))
    let v = Float(bitPattern: UInt32(bitPattern: (q &+ 0x7f) << 23))
    return x * u * u * u * u * v
}
