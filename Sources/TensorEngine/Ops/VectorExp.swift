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
