/// PyTorch's float32 `log` and `sincos` for normal tensors of 16+ elements, as compiled for
/// AVX2/AVX-512 CPUs: the Cephes polynomials of aten/src/ATen/native/cpu/avx_mathfun.h with the
/// multiply–add pairs GCC fuses under -mfma. Every `addingProduct` below is one of those fused
/// operations; every other operation rounds to float32. Reproducing them is what makes
/// `randn(16+)` bit-identical to PyTorch on this kind of machine.
enum CephesAVX {
    static let sqrtHF: Float = 0.707106781186547524
    static let p: [Float] = [
        7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
        1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
        3.3333331174e-1,
    ]
    static let q1: Float = -2.12194440e-4, q2: Float = 0.693359375
    static let dp1: Float = -0.78515625, dp2: Float = -2.4187564849853515625e-4
    static let dp3: Float = -3.77489497744594108e-8
    static let sp0: Float = -1.9515295891e-4, sp1: Float = 8.3321608736e-3, sp2: Float = -1.6666654611e-1
    static let cp0: Float = 2.443315711809948e-5, cp1: Float = -1.388731625493765e-3, cp2: Float = 4.166664568298827e-2
    static let fourOverPi: Float = 1.27323954473516

    /// log256_ps for one lane.
    static func log(_ input: Float) -> Float {
        let xin = Swift.max(input, Float(bitPattern: 0x0080_0000))  // smallest normal
        let bits = xin.bitPattern
        let imm0 = Int32(bitPattern: bits >> 23) - 0x7F
        var x = Float(bitPattern: (bits & ~0x7F80_0000) | Float(0.5).bitPattern)
        var e = Float(imm0) + 1
        let mask = x < sqrtHF
        let tmp: Float = mask ? x : 0
        x = x - 1
        e = e - (mask ? 1 : 0)
        x = x + tmp
        let z = x * x
        var y = p[0]
        for k in 1...8 { y = p[k].addingProduct(y, x) }  // y = y*x + p_k
        y = y * x
        let eq1 = e * q1
        y = eq1.addingProduct(y, z)  // y = y*z + e*q1
        y = y.addingProduct(-z, 0.5)  // y -= z*0.5
        x = x + y
        return x.addingProduct(e, q2)  // x += e*q2
    }

    /// sincos256_ps for one lane; returns (sin, cos).
    static func sincos(_ input: Float) -> (sin: Float, cos: Float) {
        var signSin = input < 0
        var x = Swift.abs(input)
        var j = Int32(x * fourOverPi)  // truncation, as cvttps
        j = (j + 1) & ~1
        let y = Float(j)
        let swapSignSin = (j & 4) != 0
        let polyMask = (j & 2) == 0
        x = x.addingProduct(y, dp1)
        x = x.addingProduct(y, dp2)
        x = x.addingProduct(y, dp3)
        let signCos = ((~(j &- 2)) & 4) != 0
        signSin = signSin != swapSignSin
        let z = x * x
        var c = cp1.addingProduct(cp0, z)
        c = cp2.addingProduct(c, z)
        c = c * z
        let half = z * 0.5
        c = (-half).addingProduct(c, z)
        c = c + 1
        var s = sp1.addingProduct(sp0, z)
        s = sp2.addingProduct(s, z)
        s = s * z
        s = x.addingProduct(s, x)
        var (sinV, cosV) = polyMask ? (s, c) : (c, s)
        if signSin { sinV = -sinV }
        if signCos { cosV = -cosV }
        return (sinV, cosV)
    }
}
