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
    /// Pixels per rest vector, and the rest accumulators' row length (w and room for a last
    /// vector that starts at the row's last pixel).
    var restPixels: Int { restWidth == 0 ? 1 : 16 / restWidth }
    var restRow: Int { w + restPixels - 1 }
    /// The rest reads a copy of g with a margin: planes of ho rows × `restPitch` floats, each row
    /// followed by `restPixels` − 1 zeros.
    var restPitch: Int { wo + restPixels - 1 }

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
        let perTap = (mainBlocks + (restWidth > 0 ? 1 : 0)) * 16, taps = kh * kw, mainWidth = mainBlocks * 16
        for oc in 0..<o {  // one output channel's weights (C × kh × kw) stay in the L1 cache
            for tap in 0..<taps {
                let dst = out + (tap * o + oc) * perTap, src = weight + oc * c * taps + tap
                var ch = 0
                while ch < Swift.min(c, mainWidth) {
                    dst[ch] = src[ch &* taps]
                    ch &+= 1
                }
                while ch < mainWidth {
                    dst[ch] = 0
                    ch &+= 1
                }
                guard restWidth > 0 else { continue }
                // The rest's channels in each of its `restPixels` groups of lanes.
                for lane in 0..<16 {
                    let rc = mainWidth + (lane & (restWidth - 1))  // restWidth is 4 or 8
                    dst[mainWidth + lane] = rc < c ? src[rc &* taps] : 0
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
        let restPlane = ho * restPitch
        accMain.initialize(repeating: 0, count: h * w * mainWidth + h * restRow * restWidth)
        if restWidth > 0 {
            gRest.initialize(repeating: 0, count: o * restPlane)
            for oc in 0..<o {
                for y in 0..<ho {
                    (gRest + oc * restPlane + y * restPitch).update(from: g + (oc * ho + y) * wo, count: wo)
                }
            }
        }
        let accs = UnsafeMutablePointer<UnsafeMutablePointer<Float>>.allocate(capacity: 8)
        let sources = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: 8)
        defer {
            accs.deallocate()
            sources.deallocate()
        }
        /// A grid of up to eight units — unit (r, q) with its accumulator at acc + r·accRow + q·accStep
        /// and its g at source + r·sourceRow + q·sourceStep — and their chains: acc_u ⊕= g_u(oc) · w(oc)
        /// for oc ascending (fused), g_u the value at its source broadcast (`spread` 1), or 16 / `spread`
        /// values each spread over `spread` lanes. Missing units repeat the first (computed, not stored).
        func flush(
            _ wp0: UnsafePointer<Float>, gStride: Int, spread: Int, rows: Int, columns: Int,
            acc: UnsafeMutablePointer<Float>, accRow: Int, accStep: Int,
            source: UnsafePointer<Float>, sourceRow: Int, sourceStep: Int
        ) {
            let units = rows &* columns
            var u = 0
            for r in 0..<rows {
                for q in 0..<columns {
                    accs[u] = acc + (r &* accRow &+ q &* accStep)
                    sources[u] = source + (r &* sourceRow &+ q &* sourceStep)
                    u &+= 1
                }
            }
            while u < 8 {
                accs[u] = accs[0]
                sources[u] = sources[0]
                u &+= 1
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
                    at &+= gStride
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
        }
        /// Every unit of a rows × columns grid, eight at a time: whole rows together when they are
        /// short, else pieces of eight along each row.
        func visit(
            _ wp: UnsafePointer<Float>, gStride: Int, spread: Int, rows: Int, columns: Int,
            acc: UnsafeMutablePointer<Float>, accRow: Int, accStep: Int,
            source: UnsafePointer<Float>, sourceRow: Int, sourceStep: Int
        ) {
            let across = Swift.min(8, columns), down = 8 / across
            for r in Swift.stride(from: 0, to: rows, by: down) {
                for q in Swift.stride(from: 0, to: columns, by: across) {
                    flush(
                        wp, gStride: gStride, spread: spread, rows: Swift.min(down, rows - r),
                        columns: Swift.min(across, columns - q), acc: acc + (r * accRow + q * accStep), accRow: accRow,
                        accStep: accStep, source: source + (r * sourceRow + q * sourceStep), sourceRow: sourceRow,
                        sourceStep: sourceStep)
                }
            }
        }
        for ki in 0..<kh {
            // Input rows yy reached through ki: yy + padding − ki in 0..<ho.
            let yLo = Swift.max(0, ki - padding), yHi = Swift.min(h, ho + ki - padding)
            for kj in 0..<kw {
                let xLo = Swift.max(0, kj - padding), xHi = Swift.min(w, wo + kj - padding)
                guard yLo < yHi, xLo < xHi else { continue }
                let tapWeights = weights + (ki * kw + kj) * o * perTap
                // Pixel (yy, xx) reads g[oc, yy + padding − ki, xx + padding − kj].
                for block in 0..<mainBlocks {
                    visit(
                        tapWeights + block * 16, gStride: ho * wo, spread: 1, rows: yHi - yLo, columns: xHi - xLo,
                        acc: accMain + (yLo * w + xLo) * mainWidth + block * 16, accRow: w * mainWidth,
                        accStep: mainWidth, source: g + (yLo + padding - ki) * wo + xLo + padding - kj, sourceRow: wo,
                        sourceStep: 1)
                }
                if restWidth > 0 {
                    // Vectors of `restPixels` pixels from xLo; a last vector's pixels past xHi read
                    // the zero margin (their chains unchanged: +0 added).
                    visit(
                        tapWeights + mainWidth, gStride: restPlane, spread: restWidth, rows: yHi - yLo,
                        columns: (xHi - xLo + restPixels - 1) / restPixels,
                        acc: accRest + (yLo * restRow + xLo) * restWidth, accRow: restRow * restWidth, accStep: 16,
                        source: UnsafePointer(gRest) + (yLo + padding - ki) * restPitch + xLo + padding - kj,
                        sourceRow: restPitch, sourceStep: restPixels)
                }
            }
        }
        // Pixel-major accumulators → channel planes.
        let pixels = h * w, restLine = restRow * restWidth
        for ch in Swift.stride(from: 0, to: Swift.min(c, mainWidth), by: 8) {
            toPlanes(
                accMain + ch, pixelStride: mainWidth, count: pixels, channels: Swift.min(8, c - ch), dx + ch * pixels,
                planeStride: pixels)
        }
        if c > mainWidth {
            for yy in 0..<h {
                toPlanes(
                    accRest + yy * restLine, pixelStride: restWidth, count: w, channels: c - mainWidth,
                    dx + mainWidth * pixels + yy * w, planeStride: pixels)
            }
        }
    }
}

/// `channels` (≤ 8) planes of `count` values, plane c at dst + c·planeStride, from `count` pixels
/// of channels side by side, pixel p at src + p·pixelStride: blocks of 8 × 8 transposed in
/// registers, the rest one by one.
@inline(__always)
func toPlanes(
    _ src: UnsafePointer<Float>, pixelStride: Int, count: Int, channels: Int, _ dst: UnsafeMutablePointer<Float>,
    planeStride: Int
) {
    typealias V = SIMD8<Float>
    var p = 0
    if channels == 8 {
        while p &+ 8 <= count {
            @inline(__always) func pixel(_ t: Int) -> V {
                UnsafeRawPointer(src + (p &+ t) &* pixelStride).loadUnaligned(as: V.self)
            }
            let r0 = pixel(0), r1 = pixel(1), r2 = pixel(2), r3 = pixel(3), r4 = pixel(4), r5 = pixel(5)
            let r6 = pixel(6), r7 = pixel(7)
            for i in 0..<8 {
                UnsafeMutableRawPointer(dst + (i &* planeStride &+ p)).storeBytes(
                    of: V(r0[i], r1[i], r2[i], r3[i], r4[i], r5[i], r6[i], r7[i]), as: V.self)
            }
            p &+= 8
        }
    }
    while p < count {
        for i in 0..<channels { dst[i &* planeStride &+ p] = src[p &* pixelStride &+ i] }
        p &+= 1
    }
}
