import Foundation

/// `expf` eight lanes at a time, bit-identical to the C library's: glibc on x86-64-v3 runs
/// `__expf_fma` (ARM's optimized-routines algorithm compiled with fused multiply-adds), and this
/// is the same computation in double precision, the same constants and the same fused steps:
///
///     kd' = fma(N/ln2, x, shift)          ki = bits(kd'), kd = kd' − shift
///     r   = fma(N/ln2, x, −kd)            s  = double(T[ki mod 32] + ki << 47)
///     y   = fma(fma(C0, r, C1), r², fma(C2, r, 1)) · s,  rounded to float
///
/// Lanes with |x| ≥ 88, infinities or NaN take the library function itself, so the special
/// cases (overflow, underflow, errno) stay the library's. Tested against `expf` over a dense
/// sweep of the float range.
@inline(__always)
func expf8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    let top = (bits &>> 20) & 0x7ff
    var largest: UInt32 = 0
    for i in 0..<8 { largest = Swift.max(largest, top[i]) }
    if largest >= 0x42a {
        var out = x
        for i in 0..<8 { out[i] = Foundation.expf(x[i]) }
        return out
    }
    let xd = SIMD8<Double>(
        Double(x[0]), Double(x[1]), Double(x[2]), Double(x[3]),
        Double(x[4]), Double(x[5]), Double(x[6]), Double(x[7]))
    let shifted = SIMD8<Double>(repeating: ExpTable.shift).addingProduct(SIMD8(repeating: ExpTable.invLn2N), xd)
    let ki = unsafeBitCast(shifted, to: SIMD8<UInt64>.self)
    let kd = shifted - ExpTable.shift
    let r = (-kd).addingProduct(SIMD8(repeating: ExpTable.invLn2N), xd)
    let index = ki & 31
    var t = SIMD8<UInt64>()
    for i in 0..<8 { t[i] = ExpTable.table[Int(index[i])] }
    let s = unsafeBitCast(t &+ (ki &<< 47), to: SIMD8<Double>.self)
    let z = SIMD8<Double>(repeating: ExpTable.c1).addingProduct(r, SIMD8(repeating: ExpTable.c0))
    let r2 = r * r
    let y = SIMD8<Double>(repeating: 1).addingProduct(r, SIMD8(repeating: ExpTable.c2))
    let e = y.addingProduct(z, r2) * s
    return SIMD8<Float>(
        Float(e[0]), Float(e[1]), Float(e[2]), Float(e[3]),
        Float(e[4]), Float(e[5]), Float(e[6]), Float(e[7]))
}

/// glibc's `__exp2f_data` (EXP2F_TABLE_BITS = 5): T[i] = bits(2^(i/32)) − (i << 47), the
/// scaled 1/ln 2, the rounding shift 1.5·2⁵² and the cubic's coefficients.
enum ExpTable {
    static let invLn2N = Double(bitPattern: 0x4047_1547_652b_82fe)
    static let shift = Double(bitPattern: 0x4338_0000_0000_0000)
    static let c0 = Double(bitPattern: 0x3ebc_6af8_4b91_2394)
    static let c1 = Double(bitPattern: 0x3f2e_bfce_50fa_c4f3)
    static let c2 = Double(bitPattern: 0x3f96_2e42_ff0c_52d6)
    static let table: [UInt64] = [
        0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
        0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
        0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
        0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
        0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
        0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
        0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
        0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540,
    ]
}

/// Sleef's `expf` at 1.0 ulp (`xexpf` in sleefsimdsp.c), the exp of ATen's `Vectorized<float>`:
/// q = rint(d / ln 2), s = d − q·ln 2 in two fused steps, a degree-6 polynomial, then 2^q in two
/// halves. NOTE: not correctly rounded (556 of 5,950 softmax exponentials differ from a
/// correctly rounded exp); it is what PyTorch's softmax computes.
@inline(__always)
func sleefExpf(_ d: Float) -> Float {
    guard d.isFinite else { return d.isNaN ? d : d > 0 ? .infinity : 0 }
    if d < -104 { return 0 }
    if d > 100 { return .infinity }
    let q = Int32((d * 1.442695040888963407359924681001892137426645954152985934135449406931).rounded(.toNearestOrEven))
    let qf = Float(q)
    var s = d.addingProduct(qf, -0.693145751953125)
    s = s.addingProduct(qf, -1.428606765330187045e-06)
    var u: Float = 0.000198527617612853646278381
    u = (0.00139304355252534151077271 as Float).addingProduct(u, s)
    u = (0.00833336077630519866943359 as Float).addingProduct(u, s)
    u = (0.0416664853692054748535156 as Float).addingProduct(u, s)
    u = (0.166666671633720397949219 as Float).addingProduct(u, s)
    u = (0.5 as Float).addingProduct(u, s)
    u = 1 + s.addingProduct(s * s, u)
    // u · 2^q rounded once, as AVX-512's scalef does (a subnormal result rounds once, not twice);
    // otherwise two exact products by normal powers of two, built from their exponent bits.
    if q < -125 { return Float(Double(u) * Double(sign: .plus, exponent: Int(q), significand: 1)) }
    let half = q >> 1
    return u * Float(bitPattern: UInt32(half + 127) << 23) * Float(bitPattern: UInt32(q - half + 127) << 23)
}

/// The sum of n floats as ATen's `vec::reduce_all` adds them with 16-float vectors: lane i
/// accumulates elements i, i + 16, … (a short last vector adds into its first lanes), then the
/// lanes fold in halves (i + 8, i + 4, i + 2, i + 1), as its AVX-512 shuffles do. Fewer than 16
/// values are added in order (its `vec_reduce_all(…, size)`).
func lanesSum16(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    if n < 16 {
        var s = p[0]
        for k in 1..<max(1, n) { s += p[k] }
        return s
    }
    var acc = SIMD16<Float>(repeating: 0)
    var d = 0
    if n >= 16 {
        acc = UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
        d = 16
        while d + 16 <= n {
            acc += UnsafeRawPointer(p + d).loadUnaligned(as: SIMD16<Float>.self)
            d += 16
        }
    }
    for k in 0..<(n - d) { acc[k] += p[d + k] }
    var lanes = acc
    for width in [8, 4, 2, 1] {
        for i in 0..<width { lanes[i] = lanes[i] + lanes[i + width] }
    }
    return lanes[0]
}

/// Σ a[k]·b[k] as ATen's `vec::map2_reduce_all` (x·y, +) on 16-float vectors: fewer than 16
/// products rounded and added in order; otherwise the first vector of products, each next
/// vector of products added, the tail's lanes added by a fused multiply-add (its masked
/// `Vec::set` step is contracted, the loop is not), the lanes folded in halves.
/// NOTE: measured on softmax gradients along the last dimension (70 values): 5,950 of 5,950
/// equal PyTorch 2.15's; 5,670 with the tail's products rounded, 4,830 with every one fused.
func productSum16(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    typealias V = SIMD16<Float>
    if n < 16 {
        var s = a[0] * b[0]
        for k in 1..<max(1, n) { s += a[k] * b[k] }
        return s
    }
    let load = { (p: UnsafePointer<Float>, at: Int) in UnsafeRawPointer(p + at).loadUnaligned(as: V.self) }
    var acc = load(a, 0) * load(b, 0)
    var d = 16
    while d + 16 <= n {
        acc += load(a, d) * load(b, d)
        d += 16
    }
    for k in 0..<(n - d) { acc[k].addProduct(a[d + k], b[d + k]) }
    var lanes = acc
    for width in [8, 4, 2, 1] {
        for i in 0..<width { lanes[i] = lanes[i] + lanes[i + width] }
    }
    return lanes[0]
}

/// Sleef's `logf` at 1.0 ulp (`xlogf_u1` in sleefsimdsp.c, its AVX-512 branch), the log of ATen's
/// `Vectorized<float>`: d = m · 2^e with m in [0.75, 1.5), log m = 2·atanh((m − 1)/(m + 1)) from
/// a quotient kept as a pair of floats and an odd polynomial, plus e · ln 2 (also a pair).
/// NOTE: not correctly rounded (76 of 20,001 in [1, 200] differ from a correctly rounded log);
/// it is what PyTorch's log_softmax computes.
func sleefLogf(_ d: Float) -> Float {
    if d.isNaN || d < 0 { return .nan }
    if d == 0 { return -.infinity }
    if d == .infinity { return .infinity }
    // vgetexp(d · (1/0.75)) and vgetmant(d) into [0.75, 1.5).
    let scaled = d * (1 / Float(0.75))
    let e = scaled.isInfinite ? 128 : Float(scaled.exponent)  // vgetexp of ∞ is ∞, then 128
    var m = d.significand
    if m >= 1.5 { m /= 2 }
    // s = (ln 2 as a pair) · e (dfmul: the product and its error by fused multiply-adds)
    let lnHi: Float = 0.69314718246459960938, lnLo: Float = -1.904654323148236017e-09
    let sx = lnHi * e
    let s2 = (-sx).addingProduct(lnHi, e).addingProduct(lnLo, e)
    // x = (m − 1)/(m + 1) as a pair (dfadd2, dfdiv with fused multiply-adds).
    func twoSum(_ a: Float, _ b: Float) -> (Float, Float) {
        let s = a + b, v = s - a
        return (s, (a - (s - v)) + (b - v))
    }
    let (nx, ny) = twoSum(-1, m), (dx, dy) = twoSum(1, m)
    let t = 1 / dx, q = nx * t
    let u = (-q).addingProduct(t, nx)
    let v = Float(1).addingProduct(-dx, t).addingProduct(-dy, t)
    let xx = q, xy = u.addingProduct(ny, t).addingProduct(q, v)
    return sleefLogSeries(sx, s2, xx, xy)
}

/// The end of Sleef's logf and log1pf: e·ln 2 (the pair sx, sy) + 2x + x³·p(x²) for x = (xx, xy),
/// each sum kept as a pair of floats, rounded once at the end.
func sleefLogSeries(_ sx: Float, _ sy: Float, _ xx: Float, _ xy: Float) -> Float {
    let x2 = xx * xx
    var p: Float = 0.3027294874
    p = Float(0.3996108174).addingProduct(p, x2)
    p = Float(0.6666694880).addingProduct(p, x2)
    let ax = xx * 2, ay = xy * 2
    let hx = sx + ax, hy = (((sx - hx) + ax) + sy) + ay
    let w = (x2 * xx) * p
    let rx = hx + w, ry = ((hx - rx) + w) + hy
    return rx + ry
}

/// `sleefExpf` eight lanes at a time (the same steps; lanes below −87, where results may be
/// subnormal, beyond 100 or NaN take the scalar).
@inline(__always)
func sleefExpf8(_ d: SIMD8<Float>) -> SIMD8<Float> {
    if any(.!(d .>= -87 .& d .<= 100)) {
        var out = d
        for i in 0..<8 { out[i] = sleefExpf(d[i]) }
        return out
    }
    // rint by the 1.5·2²³ shift (|d / ln 2| ≤ 150): the sum rounds to nearest even, and its low
    // bits are the integer (SIMD's generic conversions cost more than the whole polynomial).
    let shift: Float = 12_582_912
    let shifted = d * 1.442695040888963407359924681001892137426645954152985934135449406931 + shift
    let qf = shifted - shift
    let q = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(shift, to: Int32.self)
    var s = d.addingProduct(qf, SIMD8(repeating: -0.693145751953125))
    s = s.addingProduct(qf, SIMD8(repeating: -1.428606765330187045e-06))
    var u = SIMD8<Float>(repeating: 0.000198527617612853646278381)
    u = SIMD8(repeating: 0.00139304355252534151077271).addingProduct(u, s)
    u = SIMD8(repeating: 0.00833336077630519866943359).addingProduct(u, s)
    u = SIMD8(repeating: 0.0416664853692054748535156).addingProduct(u, s)
    u = SIMD8(repeating: 0.166666671633720397949219).addingProduct(u, s)
    u = SIMD8(repeating: 0.5).addingProduct(u, s)
    u = 1 + s.addingProduct(s * s, u)
    let half = q &>> 1
    let a = unsafeBitCast(SIMD8<UInt32>(truncatingIfNeeded: half &+ 127) &<< 23, to: SIMD8<Float>.self)
    let b = unsafeBitCast(SIMD8<UInt32>(truncatingIfNeeded: q &- half &+ 127) &<< 23, to: SIMD8<Float>.self)
    return u * a * b
}

/// Sleef's `log1pf` at 1.0 ulp (`xlog1pf`, its AVX-512 branch): 1 + d = m · 2^e with e from
/// getexp((1 + d) / 0.75), m = d·2^−e + (2^−e − 1), then log as in `sleefLogf` with the quotient
/// m / (2 + m) as a pair of floats.
func sleefLog1pf(_ d: Float) -> Float {
    if d.isNaN || d < -1 { return .nan }
    if d == -1 { return -.infinity }
    if d > 0x1.2ced32p+126 { return sleefLogf(d) }  // LOG1PF_BOUND (1e38): log d, the core would overflow
    if d == 0 { return d }  // keeps −0
    let e = Float(((d + 1) * (1 / Float(0.75))).exponent)
    let t = Float(sign: .plus, exponent: -Int(e), significand: 1)
    let m = (t - 1).addingProduct(d, t)
    let lnHi: Float = 0.69314718246459960938, lnLo: Float = -1.904654323148236017e-09
    let sx = lnHi * e
    let sy = (-sx).addingProduct(lnHi, e).addingProduct(lnLo, e)
    // x = m / (2 + m) as a pair: the divisor 2 + m with its rounding error, then dfdiv.
    let dx = 2 + m, dy = (2 - dx) + m
    let r = 1 / dx, q = m * r
    let u = (-q).addingProduct(r, m)
    let v = Float(1).addingProduct(-dx, r).addingProduct(-dy, r)
    return sleefLogSeries(sx, sy, q, u.addingProduct(q, v))
}

/// ATen's `Vectorized<float>::erf` (vec512_float.h): Abramowitz and Stegun's 7.1.26,
/// 1 − (a₁t + a₂t² + … + a₅t⁵)·exp(−x²) with t = 1/(1 + p|x|), in its fused steps, Sleef's expf,
/// the sign of x. Absolute error about 1e-7: not erf's correctly rounded value, but PyTorch's.
func atenErf(_ x: Float) -> Float {
    let a = Swift.abs(x)
    let t = 1 / Float(1).addingProduct(0.3275911, a)
    let t1 = Float(-1.453152027).addingProduct(1.061405429, t)
    let t2 = Float(1.421413741).addingProduct(t1, t)
    let t3 = Float(-0.284496736).addingProduct(t2, t)
    let r = Float(0.254829592).addingProduct(t3, t)
    let e = sleefExpf(-(x * x))
    let v = Float(1).addingProduct(-e * t, r)
    return x.sign == .minus ? -v : v
}
