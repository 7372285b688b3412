/// The stride-1 convolution's input gradient at AVX-512 width: the same chains as TensorEngine's
/// `ConvGeometry.inputGradient` — dx[ch, yy, xx] one fused chain over (ki, kj, output channel) of
/// g[oc, yy + padding − ki, xx + padding − kj] · w[oc, ch, ki, kj], starting at +0 — so the bits
/// are identical; only the width and the loop order change.
///
/// The taps are the outer loop: every pixel's chain is kept in `ConvGradientWork`'s accumulators
/// between taps, and each tap visits exactly the pixels it reaches (no multiply-adds of zeros for
/// taps that fall outside the output, which a pixel-at-a-time kernel spends at the edges). Channels
/// are in vector lanes: 16 per vector ("main" blocks), and when the last block would be half empty
/// (c mod 16 ≤ 8) its channels are packed with several pixels into one vector ("rest": 4 channels ×
/// 4 pixels or 8 × 2), each pixel's g value spread over its lanes.
public struct ConvGradientWork {
    let c, h, w, o, kh, kw, padding, ho, wo: Int
    /// Main blocks of 16 channels, and the rest's channels per pixel (0, 4 or 8).
    let mainBlocks, restWidth: Int
    /// Pixels per rest vector, and the rest accumulators' row length (w rounded up to it).
    var restPixels: Int { restWidth == 0 ? 1 : 16 / restWidth }
    var restRow: Int { (w + restPixels - 1) / restPixels * restPixels }
    /// The rest reads a copy of g with margins: planes of ho rows × `restPitch` floats, each row
    /// with `restPixels` − 1 zeros each side.
    var restPitch: Int { wo + 2 * (restPixels - 1) }

    public init(c: Int, h: Int, w: Int, o: Int, kh: Int, kw: Int, padding: Int, ho: Int, wo: Int) {
        (self.c, self.h, self.w, self.o, self.kh, self.kw, self.padding, self.ho, self.wo) =
            (c, h, w, o, kh, kw, padding, ho, wo)
        let r = c % 16
        mainBlocks = r > 8 ? c / 16 + 1 : c / 16
        restWidth = r == 0 || r > 8 ? 0 : r <= 4 ? 4 : 8
    }

    /// Floats of the weights as `arrange` lays them out.
    public var weightCount: Int { kh * kw * o * (mainBlocks + (restWidth > 0 ? 1 : 0)) * 16 }
    /// Floats of one image's working memory (`inputGradient`'s `scratch`).
    public var scratchCount: Int {
        h * w * mainBlocks * 16 + h * restRow * restWidth + o * ho * restPitch
    }

    /// W (O × C × kh × kw) as, per tap (ki, kj) and output channel, the main blocks' 16 lanes
    /// each, then the rest's channels repeated `restPixels` times (zeros past c).
    public func arrange(_ weight: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        let perTap = (mainBlocks + (restWidth > 0 ? 1 : 0)) * 16, taps = kh * kw
        out.initialize(repeating: 0, count: weightCount)
        for oc in 0..<o {
            for ch in 0..<c {
                let src = weight + (oc * c + ch) * taps
                if ch < mainBlocks * 16 {
                    for tap in 0..<taps { out[(tap * o + oc) * perTap + ch] = src[tap] }
                } else {
                    // The rest's channel in each of its `restPixels` groups of lanes.
                    for group in Swift.stride(from: ch - mainBlocks * 16, to: 16, by: restWidth) {
                        for tap in 0..<taps { out[(tap * o + oc) * perTap + mainBlocks * 16 + group] = src[tap] }
                    }
                }
            }
        }
    }

    /// One image's input gradient (C × H × W) from its output gradient g (O × ho × wo) and the
    /// weights from `arrange`.
    public func inputGradient(
        _ g: UnsafePointer<Float>, weights: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>
    ) {
        typealias V = SIMD16<Float>
        let mainWidth = mainBlocks * 16, perTap = (mainBlocks + (restWidth > 0 ? 1 : 0)) * 16
        let accMain = scratch, accRest = accMain + h * w * mainWidth
        let gRest = accRest + h * restRow * restWidth
        let restPlane = ho * restPitch, margin = restPixels - 1
        accMain.initialize(repeating: 0, count: h * w * mainWidth + h * restRow * restWidth)
        if restWidth > 0 {
            gRest.initialize(repeating: 0, count: o * restPlane)
            for oc in 0..<o {
                for y in 0..<ho {
                    (gRest + oc * restPlane + y * restPitch + margin).update(from: g + (oc * ho + y) * wo, count: wo)
                }
            }
        }
        let accs = UnsafeMutablePointer<UnsafeMutablePointer<Float>>.allocate(capacity: 8)
        let sources = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: 8)
        defer {
            accs.deallocate()
            sources.deallocate()
        }
        var units = 0
        /// Up to eight chains: acc_u ⊕= g_u(oc) · w(oc) for oc ascending (fused), g_u the value at
        /// its source broadcast (`spread` 1), or 16 / `spread` values each spread over `spread`
        /// lanes. Missing units repeat the first (computed, not stored).
        func flush(_ wp0: UnsafePointer<Float>, gStride: Int, spread: Int) {
            guard units > 0 else { return }
            for u in units..<8 {
                accs[u] = accs[0]
                sources[u] = sources[0]
            }
            @inline(__always) func load(_ p: UnsafePointer<Float>) -> V {
                UnsafeRawPointer(p).loadUnaligned(as: V.self)
            }
            var a0 = load(accs[0]), a1 = load(accs[1]), a2 = load(accs[2]), a3 = load(accs[3])
            var a4 = load(accs[4]), a5 = load(accs[5]), a6 = load(accs[6]), a7 = load(accs[7])
            let s0 = sources[0], s1 = sources[1], s2 = sources[2], s3 = sources[3]
            let s4 = sources[4], s5 = sources[5], s6 = sources[6], s7 = sources[7]
            @inline(__always) func spread4(_ p: UnsafePointer<Float>) -> V {
                let q = UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
                return V(q[0], q[0], q[0], q[0], q[1], q[1], q[1], q[1], q[2], q[2], q[2], q[2], q[3], q[3], q[3], q[3])
            }
            @inline(__always) func spread8(_ p: UnsafePointer<Float>) -> V {
                V(lowHalf: SIMD8(repeating: p[0]), highHalf: SIMD8(repeating: p[1]))
            }
            /// The chains over every output channel, g read by `value` (specialised per spread).
            @inline(__always) func chains(_ value: (UnsafePointer<Float>) -> V) {
                var wp = wp0, at = 0
                for _ in 0..<o {
                    let wv = load(wp)
                    a0.addProduct(value(s0 + at), wv)
                    a1.addProduct(value(s1 + at), wv)
                    a2.addProduct(value(s2 + at), wv)
                    a3.addProduct(value(s3 + at), wv)
                    a4.addProduct(value(s4 + at), wv)
                    a5.addProduct(value(s5 + at), wv)
                    a6.addProduct(value(s6 + at), wv)
                    a7.addProduct(value(s7 + at), wv)
                    wp += perTap
                    at += gStride
                }
            }
            switch spread {
            case 1: chains { V(repeating: $0[0]) }
            case 4: chains(spread4)
            default: chains(spread8)
            }
            @inline(__always) func put(_ u: Int, _ v: V) {
                if u < units { UnsafeMutableRawPointer(accs[u]).storeBytes(of: v, as: V.self) }
            }
            put(0, a0)
            put(1, a1)
            put(2, a2)
            put(3, a3)
            put(4, a4)
            put(5, a5)
            put(6, a6)
            put(7, a7)
            units = 0
        }
        for ki in 0..<kh {
            // Input rows yy reached through ki: yy + padding − ki in 0..<ho.
            let yLo = Swift.max(0, ki - padding), yHi = Swift.min(h, ho + ki - padding)
            for kj in 0..<kw {
                let xLo = Swift.max(0, kj - padding), xHi = Swift.min(w, wo + kj - padding)
                guard yLo < yHi, xLo < xHi else { continue }
                let tapWeights = weights + (ki * kw + kj) * o * perTap
                for block in 0..<mainBlocks {
                    for yy in yLo..<yHi {
                        let gRow = g + (yy + padding - ki) * wo + padding - kj
                        for xx in xLo..<xHi {
                            accs[units] = accMain + (yy * w + xx) * mainWidth + block * 16
                            sources[units] = gRow + xx
                            units += 1
                            if units == 8 { flush(tapWeights + block * 16, gStride: ho * wo, spread: 1) }
                        }
                    }
                    flush(tapWeights + block * 16, gStride: ho * wo, spread: 1)
                }
                if restWidth > 0 {
                    // Vectors of `restPixels` pixels from a multiple of it; pixels outside xLo..<xHi
                    // read the zero margins.
                    let first = xLo / restPixels * restPixels
                    for yy in yLo..<yHi {
                        let gRow = UnsafePointer(gRest) + (yy + padding - ki) * restPitch
                        for xx in Swift.stride(from: first, to: xHi, by: restPixels) {
                            accs[units] = accRest + (yy * restRow + xx) * restWidth
                            sources[units] = gRow + xx + padding - kj + margin
                            units += 1
                            if units == 8 { flush(tapWeights + mainWidth, gStride: restPlane, spread: restWidth) }
                        }
                    }
                    flush(tapWeights + mainWidth, gStride: restPlane, spread: restWidth)
                }
            }
        }
        for ch in 0..<c {
            let plane = dx + ch * h * w
            if ch < mainWidth {
                for p in 0..<(h * w) { plane[p] = accMain[p * mainWidth + ch] }
            } else {
                let lane = ch - mainWidth
                for yy in 0..<h {
                    for xx in 0..<w { plane[yy * w + xx] = accRest[(yy * restRow + xx) * restWidth + lane] }
                }
            }
        }
    }
}
