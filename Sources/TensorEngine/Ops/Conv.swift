import Kernels512

/// Convolution (im2col + matrix product), max pooling and dropout — forward and backward.

extension Tensor {
    /// 2-D convolution. input (N, C, H, W), weight (O, C, kh, kw), bias (O) → (N, O, Ho, Wo)
    /// with Ho = (H + 2·padding − kh) / stride + 1.
    public func conv2d(_ weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) throws -> Tensor {
        guard rank == 4, weight.rank == 4, shape[1] == weight.shape[1] else {
            throw TensorError(
                "conv2d: input \(shape) and weight \(weight.shape) do not match (expected input (N, C, H, W) and weight (O, C, kh, kw) with the same C)"
            )
        }
        guard stride >= 1, padding >= 0 else {
            throw TensorError("conv2d: stride must be ≥ 1 and padding ≥ 0, got \(stride), \(padding)")
        }
        guard dtype == .float32, weight.dtype == .float32 else {
            throw TensorError("conv2d: expects float32 tensors, got \(dtype) and \(weight.dtype)")
        }
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (o, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        guard h + 2 * padding >= kh, w + 2 * padding >= kw else {
            throw TensorError(
                "conv2d: Kernel size can't be greater than actual input size: kernel \(kh)×\(kw), padded input \(h + 2 * padding)×\(w + 2 * padding)"
            )
        }
        let ho = (h + 2 * padding - kh) / stride + 1, wo = (w + 2 * padding - kw) / stride + 1
        guard ho > 0, wo > 0 else {
            throw TensorError(
                "conv2d: kernel \(kh)×\(kw) is larger than the padded input \(h + 2 * padding)×\(w + 2 * padding)")
        }
        if let bias, bias.shape != [o] {
            throw TensorError("conv2d: bias shape \(bias.shape) does not match \(o) output channels")
        }
        let geometry = ConvGeometry(c: c, h: h, w: w, kh: kh, kw: kw, stride: stride, padding: padding, ho: ho, wo: wo)
        // NOTE: a local tensor whose storage is read through a pointer is kept alive to the end of
        // the scope (`withExtendedLifetime`): Swift may free an object after its last use.
        let x = contiguousData(), wt = weight.contiguousData()
        defer { withExtendedLifetime((x, wt)) {} }
        let out = Tensor(uninitialized: [n, o, ho, wo], dtype: .float32)
        let k = c * kh * kw, spatial = ho * wo
        // Images are split into one contiguous run per thread; each image's output is computed
        // the same way wherever it runs. When the graph is recorded, every image's columns are
        // kept for the backward pass (image after image); otherwise each run reuses one buffer.
        let keep = gradEnabled && (requiresGrad || weight.requiresGrad || bias?.requiresGrad == true)
        let runs = Swift.max(1, Swift.min(n, engineThreads)), perRun = (n + runs - 1) / runs
        let cols = keep ? CacheLineFloats(count: k * spatial * n) : nil  // im2col writes every element
        // NOTE: as oneDNN's convolution in PyTorch 2.15 (measured on recorded outputs: 3, 1 and 20
        // input channels, with and without bias, all equal): per block of 16 input channels one
        // fused chain over (ki, kj, channel), the blocks added in order to the bias. im2col's rows
        // and the weights are laid out in that order.
        // Each run lays out its own copy of the weights, in its thread's working memory (with
        // one image's columns when they are not kept): on this machine's two cores, memory one
        // core wrote and the other reads or writes next can cost more than doing the work twice.
        let blocks = geometry.channelBlocks, weightStride = (o * k + 15) / 16 * 16
        let pw0 = wt.pointer(Float.self), blockedRows = geometry.blockedRows
        let b = bias?.contiguousData()
        defer { withExtendedLifetime((b, cols)) {} }
        do {
            let colBase = cols?.base
            parallelFor(runs) { run in
                let images = (run * perRun)..<Swift.min(n, (run + 1) * perRun)
                guard !images.isEmpty else { return }
                let blockedWeights = threadScratch(weightStride + (colBase == nil ? k * spatial : 0))
                for oc in 0..<o {
                    for j in 0..<k { blockedWeights[oc * k + blockedRows[j]] = pw0[oc * k + j] }
                }
                for s in images {
                    let sampleCols = colBase.map { $0 + s * k * spatial } ?? blockedWeights + weightStride
                    geometry.im2col(x.pointer(Float.self) + s * c * h * w, sampleCols)
                    // out[s] (O × spatial) = bias + Σ over channel blocks of W (O × block) · cols (block × spatial):
                    // each block's chains from 0, added in turn to what the output holds.
                    let po = out.pointer(Float.self) + s * o * spatial
                    if let b {
                        let pb = b.pointer(Float.self)
                        for oc in 0..<o { (po + oc * spatial).update(repeating: pb[oc], count: spatial) }
                    }
                    for (index, rows) in blocks.enumerated() {
                        gemm(
                            o, spatial, rows.count, blockedWeights + rows.lowerBound, k, 1,
                            UnsafePointer(sampleCols + rows.lowerBound * spatial), po,
                            plan: .fused(rows.count), start: index == 0 && b == nil ? .zero : .adding)
                    }
                }
            }
        }
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        let inputGrad = requiresGrad
        return record(out, "ConvolutionBackward0", inputs) { g in
            let gc = g.contiguousData()
            defer { withExtendedLifetime(gc) {} }
            let dx = inputGrad ? Tensor(uninitialized: [n, c, h, w], dtype: .float32) : nil
            let dw = Tensor(uninitialized: [o, c, kh, kw], dtype: .float32)
            let pg = gc.pointer(Float.self), pdw = dw.pointer(Float.self)
            // NOTE: as oneDNN's backward kernels in PyTorch 2.15 (measured on recorded gradients:
            // 3, 1 and 20 input channels): dW one fused chain over (image, output position) —
            // all images in one sum; dx one fused chain over (ki, kj, output channel); the bias's
            // gradient summed in float, in order over (image, output position).
            // The graph is recorded under the same condition that kept the columns.
            let blockedRows = geometry.blockedRows, columns = cols!.base
            let sum = UnsafeMutablePointer<Float>.allocate(capacity: k * o)
            defer { sum.deallocate() }
            // Threads take blocks of dW, each its own chains over all images. A run reads its own
            // images' columns where the forward left them, and remakes its rows of the other
            // images' columns from their input in its working memory: on this machine's two
            // cores, reading columns the other core wrote (and that core then writing the same
            // lines again in the next forward) costs more than the copy.
            let px = x.pointer(Float.self)
            func columnRows(
                _ s: Int, _ rows: Range<Int>, run: Int, remade: UnsafeMutablePointer<Float>
            ) -> UnsafePointer<Float> {
                if (run * perRun..<(run + 1) * perRun).contains(s) {
                    return UnsafePointer(columns + (s * k + rows.lowerBound) * spatial)
                }
                geometry.im2col(px + s * c * h * w, remade, rows: rows)
                return UnsafePointer(remade)
            }
            if k > 2 * o {
                // dWᵀ (k × O) = the columns of all images (k × N·spatial) · g of all images
                // transposed (N·spatial × O), computed image by image (each continuing the chains
                // the previous image left) so that only one image's small g is packed at a time.
                // Threads take row blocks of dWᵀ.
                let rowsPer = (k + runs - 1) / runs
                parallelFor(runs) { run in
                    let lo = run * rowsPer, rows = Swift.min(k, lo + rowsPer) - lo
                    guard rows > 0 else { return }
                    let remade = threadScratch(rows * spatial)
                    for s in 0..<n {
                        gemm(
                            rows, o, spatial, columnRows(s, lo..<lo + rows, run: run, remade: remade), spatial, 1,
                            pg + s * o * spatial, sum + lo * o,
                            bStrides: (1, spatial), plan: .fused(spatial), start: s > 0 ? .continuing : .zero)
                    }
                }
                // The columns' rows are in blocked order: each goes back to its (channel, ki, kj).
                for oc in 0..<o {
                    for j in 0..<k { pdw[oc * k + j] = sum[blockedRows[j] * o + oc] }
                }
            } else {
                // Few columns per output channel (the first layer): dW (O × k) = g (O × spatial per
                // image, read in place) · the columns transposed (packed), image by image in pieces
                // of at most 512 positions that continue the chains. Threads take column blocks of dW.
                let piece = 512, columnsPer = (k + runs - 1) / runs
                parallelFor(runs) { run in
                    let lo = run * columnsPer, width = Swift.min(k, lo + columnsPer) - lo
                    guard width > 0 else { return }
                    let remade = threadScratch(width * spatial)
                    for s in 0..<n {
                        let b = columnRows(s, lo..<lo + width, run: run, remade: remade)
                        for start in Swift.stride(from: 0, to: spatial, by: piece) {
                            let length = Swift.min(piece, spatial - start)
                            gemm(
                                o, width, length, pg + s * o * spatial + start, spatial, 1, b + start, sum + o * lo,
                                bStrides: (1, spatial), plan: .fused(length),
                                start: s > 0 || start > 0 ? .continuing : .zero)
                        }
                    }
                }
                // Run r's block (O × its width) is at o·lo; rows in blocked order as above.
                for oc in 0..<o {
                    for j in 0..<k {
                        let row = blockedRows[j], lo = row / columnsPer * columnsPer
                        pdw[oc * k + j] = sum[o * lo + oc * Swift.min(columnsPer, k - lo) + row - lo]
                    }
                }
            }
            if let dx {
                let taps = kh * kw * o, pixels = h * w
                let pw = wt.pointer(Float.self)
                if stride == 1 && useAVX512 {
                    let work = ConvGradientWork(
                        c: c, h: h, w: w, o: o, kh: kh, kw: kw, padding: padding, ho: geometry.ho, wo: geometry.wo)
                    // Per run: its own arranged weights (as in the forward) and accumulators, in its
                    // thread's working memory.
                    parallelFor(runs) { run in
                        let images = (run * perRun)..<Swift.min(n, (run + 1) * perRun)
                        guard !images.isEmpty else { return }
                        let arranged = threadScratch(work.weightCount + work.scratchCount)
                        work.arrange(pw, arranged)
                        for s in images {
                            work.inputGradient(
                                pg + s * o * spatial, weights: arranged, dx.pointer(Float.self) + s * c * pixels,
                                scratch: arranged + work.weightCount)
                        }
                    }
                } else if stride == 1 {
                    // W arranged as (kh, kw, O, C padded to 8s): the chain's taps, channels in lanes.
                    let padded = (c + 7) / 8 * 8
                    let arranged = UnsafeMutablePointer<Float>.allocate(capacity: taps * padded)
                    defer { arranged.deallocate() }
                    arranged.initialize(repeating: 0, count: taps * padded)
                    for oc in 0..<o {
                        for ch in 0..<c {
                            for ki in 0..<kh {
                                for kj in 0..<kw {
                                    arranged[((ki * kw + kj) * o + oc) * padded + ch] =
                                        pw[((oc * c + ch) * kh + ki) * kw + kj]
                                }
                            }
                        }
                    }
                    let perImage = geometry.paddedGradientCount(channels: o)
                    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: runs * perImage)
                    defer { buffer.deallocate() }
                    parallelFor(runs) { run in
                        for s in (run * perRun)..<Swift.min(n, (run + 1) * perRun) {
                            geometry.inputGradient(
                                pg + s * o * spatial, channels: o, weights: arranged,
                                dx.pointer(Float.self) + s * c * pixels, padded: buffer + run * perImage)
                        }
                    }
                } else {
                    // dx[s] (C × H·W) = W arranged (C × kh·kw·O, columns (ki, kj, oc)) · the
                    // gradient's columns (kh·kw·O × H·W).
                    let arranged = UnsafeMutablePointer<Float>.allocate(capacity: c * taps)
                    let columns = UnsafeMutablePointer<Float>.allocate(capacity: runs * taps * pixels)
                    defer {
                        arranged.deallocate()
                        columns.deallocate()
                    }
                    for oc in 0..<o {
                        for ch in 0..<c {
                            for ki in 0..<kh {
                                for kj in 0..<kw {
                                    arranged[ch * taps + (ki * kw + kj) * o + oc] =
                                        pw[((oc * c + ch) * kh + ki) * kw + kj]
                                }
                            }
                        }
                    }
                    parallelFor(runs) { run in
                        let runColumns = columns + run * taps * pixels
                        for s in (run * perRun)..<Swift.min(n, (run + 1) * perRun) {
                            geometry.gradientColumns(pg + s * o * spatial, channels: o, runColumns)
                            gemm(
                                c, pixels, taps, arranged, taps, 1, runColumns, dx.pointer(Float.self) + s * c * pixels,
                                plan: .fused(taps))
                        }
                    }
                }
            }
            var grads: [Tensor?] = [dx, dw]
            if bias != nil {
                let db = Tensor(uninitialized: [o], dtype: .float32)
                let pdb = db.pointer(Float.self)
                // Each channel's sum in order; eight channels side by side in the lanes, groups of
                // eight on the threads.
                parallelFor((o + 7) / 8) { group in
                    let oc0 = group * 8, lanes = Swift.min(8, o - oc0)
                    var total = SIMD8<Float>()
                    for s in 0..<n { total = addingPositions(pg + (s * o + oc0) * spatial, spatial, lanes, to: total) }
                    for lane in 0..<lanes { pdb[oc0 + lane] = total[lane] }
                }
                grads.append(db)
            }
            return grads
        }
    }

    /// Max over non-overlapping (or strided) windows: (N, C, H, W) → (N, C, Ho, Wo).
    /// Backward: the gradient goes to the first maximum of each window.
    public func maxPool2d(kernel: Int, stride: Int? = nil) throws -> Tensor {
        let s = stride ?? kernel
        guard rank == 4, kernel >= 1, s >= 1 else {
            throw TensorError(
                "max_pool2d: expects a (N, C, H, W) input and a positive kernel, got shape \(shape), kernel \(kernel)")
        }
        guard dtype == .float32 else { throw TensorError("max_pool2d: expects float32, got \(dtype)") }
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        // NOTE: checked before dividing: (h − k) / s truncates toward zero, so a kernel larger
        // than the input would give one output row read from outside the input.
        guard h >= kernel, w >= kernel else {
            throw TensorError(
                "max_pool2d: Output size is too small: kernel \(kernel)×\(kernel) is larger than the input \(h)×\(w)")
        }
        let ho = (h - kernel) / s + 1, wo = (w - kernel) / s + 1
        let x = contiguousData()
        defer { withExtendedLifetime(x) {} }
        let out = Tensor(uninitialized: [n, c, ho, wo], dtype: .float32)
        var argmax = [Int32](repeating: 0, count: n * c * ho * wo)
        let px = x.pointer(Float.self), po = out.pointer(Float.self)
        if kernel == 2 && s == 2 {
            argmax.withUnsafeMutableBufferPointer { am in
                let indices = am.baseAddress!, planes = n * c
                let runs = planes * h * w >= 1 << 15 ? Swift.min(planes, engineThreads) : 1,
                    perRun = (planes + runs - 1) / runs
                parallelFor(runs) { run in
                    let first = run * perRun, count = Swift.min(planes, first + perRun) - first
                    if count > 0 {
                        maxPool2x2(
                            px + first * h * w, po + first * ho * wo, indices + first * ho * wo,
                            planes: count, h: h, w: w, ho: ho, wo: wo)
                    }
                }
            }
        } else {
            for plane in 0..<(n * c) {
                let src = px + plane * h * w
                for i in 0..<ho {
                    for j in 0..<wo {
                        var best = -Float.infinity, bestIndex = (i * s) * w + j * s
                        for di in 0..<kernel {
                            for dj in 0..<kernel {
                                let idx = (i * s + di) * w + j * s + dj
                                let v = src[idx]
                                if v > best || v.isNaN {
                                    best = v
                                    bestIndex = idx
                                }
                            }
                        }
                        let o = plane * ho * wo + i * wo + j
                        po[o] = best
                        argmax[o] = Int32(bestIndex)
                    }
                }
            }
        }
        return record(out, "MaxPool2DWithIndicesBackward0", [self]) { g in
            let gc = g.contiguousData()
            defer { withExtendedLifetime(gc) {} }
            let dx = try Tensor.zeros([n, c, h, w])
            let pg = gc.pointer(Float.self), pd = dx.pointer(Float.self)
            argmax.withUnsafeBufferPointer { am in
                for plane in 0..<(n * c) {
                    let dst = pd + plane * h * w, src = pg + plane * ho * wo, index = am.baseAddress! + plane * ho * wo
                    for k in 0..<(ho * wo) { dst[Int(index[k])] += src[k] }
                }
            }
            return [dx]
        }
    }

    /// Zeroes each element with probability p and scales the rest by 1/(1−p), drawing from
    /// `generator`; the identity when `training` is false.
    public func dropout(_ p: Double, training: Bool, generator: TorchGenerator = .global) throws -> Tensor {
        guard p >= 0 && p <= 1 else {
            throw TensorError("dropout: probability has to be between 0 and 1, but got \(p)")
        }
        guard training && p > 0 else { return self }
        let mask = try Tensor.zeros(shape, dtype: dtype)
        let keep = Float(1 - p), scale = p < 1 ? 1 / (1 - p) : 0
        mask.forEachOffset { off in
            let u = Float(generator.random() & 0xFF_FFFF) * 0x1p-24
            mask.store(off, u < keep ? scale : 0)
        }
        let out = try noGrad { try self * mask }
        return record(out, "MulBackward0", [self]) { g in [try g * mask] }
    }
}

/// 2×2 windows with stride 2, the pooling every tutorial uses: the same choice as the general
/// loop (the first maximum in reading order; a NaN wins), eight windows at a time without branches.
func maxPool2x2(
    _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ argmax: UnsafeMutablePointer<Int32>,
    planes: Int, h: Int, w: Int, ho: Int, wo: Int
) {
    typealias V = SIMD8<Float>
    typealias I = SIMD8<Int32>
    let lanes = I(0, 2, 4, 6, 8, 10, 12, 14), w32 = Int32(w)
    @inline(__always) func take(_ best: inout V, _ index: inout I, _ v: V, _ vi: I) {
        let better = (v .> best) .| (v .!= v)
        best.replace(with: v, where: better)
        index.replace(with: vi, where: better)
    }
    for plane in 0..<planes {
        let src = x + plane * h * w, dst = out + plane * ho * wo, indices = argmax + plane * ho * wo
        for i in 0..<ho {
            let top = src + 2 * i * w, bottom = top + w, row = Int32(2 * i * w)
            var j = 0
            while j + 8 <= wo {
                let t = UnsafeRawPointer(top + 2 * j).loadUnaligned(as: SIMD16<Float>.self)
                let b = UnsafeRawPointer(bottom + 2 * j).loadUnaligned(as: SIMD16<Float>.self)
                let first = I(repeating: row + Int32(2 * j)) &+ lanes
                var best = t.evenHalf, index = first
                take(&best, &index, t.oddHalf, first &+ 1)
                take(&best, &index, b.evenHalf, first &+ w32)
                take(&best, &index, b.oddHalf, first &+ (w32 + 1))
                UnsafeMutableRawPointer(dst + i * wo + j).storeBytes(of: best, as: V.self)
                UnsafeMutableRawPointer(indices + i * wo + j).storeBytes(of: index, as: I.self)
                j += 8
            }
            while j < wo {  // the rest one window at a time, with selects rather than branches
                let at = 2 * i * w + 2 * j
                let a = src[at], b = src[at + 1], c = src[at + w], d = src[at + w + 1]
                let takeB = b > a || b != b
                var best = takeB ? b : a, index = takeB ? at + 1 : at
                let takeC = c > best || c != c
                best = takeC ? c : best
                index = takeC ? at + w : index
                let takeD = d > best || d != d
                best = takeD ? d : best
                index = takeD ? at + w + 1 : index
                dst[i * wo + j] = best
                indices[i * wo + j] = Int32(index)
                j += 1
            }
        }
    }
}

/// Index arithmetic of the convolution's columns.
struct ConvGeometry {
    let c, h, w, kh, kw, stride, padding, ho, wo: Int

    /// The output columns j whose input column j·stride − padding + kj falls inside the image.
    @inline(__always) func validColumns(_ kj: Int) -> Range<Int> {
        let lo = Swift.max(0, (padding - kj + stride - 1) / stride)
        let hi = Swift.min(wo, (w + padding - kj + stride - 1) / stride)
        return lo..<Swift.max(lo, hi)
    }

    /// The row of (channel, ki, kj) in im2col's columns: channels in blocks of 16 and, within a
    /// block, (ki, kj, channel) — the order in which oneDNN's convolution sums (see `conv2d`).
    @inline(__always) func blockedRow(_ ch: Int, _ ki: Int, _ kj: Int) -> Int {
        let start = ch / 16 * 16, width = Swift.min(16, c - start)
        return start * kh * kw + (ki * kw + kj) * width + (ch - start)
    }

    /// `blockedRow` of each (channel, ki, kj) in W's natural order.
    var blockedRows: [Int] {
        var rows = [Int]()
        rows.reserveCapacity(c * kh * kw)
        for ch in 0..<c {
            for ki in 0..<kh {
                for kj in 0..<kw { rows.append(blockedRow(ch, ki, kj)) }
            }
        }
        return rows
    }

    /// The rows of im2col's columns that belong to each block of 16 channels.
    var channelBlocks: [Range<Int>] {
        Swift.stride(from: 0, to: c, by: 16).map { $0 * kh * kw..<Swift.min(c, $0 + 16) * kh * kw }
    }

    /// Rows `rows` (all by default) of one image's columns (C·kh·kw × Ho·Wo, rows in
    /// `blockedRow` order), the first at `cols`, from the image (C × H × W).
    func im2col(_ x: UnsafePointer<Float>, _ cols: UnsafeMutablePointer<Float>, rows: Range<Int>? = nil) {
        // NOTE: rows are written in their (blocked) order, channel innermost within a block:
        // W's order would jump 16 rows at a time, a stride that maps to the same cache sets.
        let taps = kh * kw, rows = rows ?? 0..<c * taps
        for row in rows {
            let ch0 = row / (16 * taps) * 16, width = Swift.min(16, c - ch0)
            let inBlock = row - ch0 * taps, tap = inBlock / width
            im2colRow(x, ch0 + inBlock % width, tap / kw, tap % kw, cols + (row - rows.lowerBound) * ho * wo)
        }
    }

    /// One row of im2col's columns: input channel ch seen through tap (ki, kj) at every output
    /// position, 0 where the window reaches the padding.
    @inline(__always)
    private func im2colRow(
        _ x: UnsafePointer<Float>, _ ch: Int, _ ki: Int, _ kj: Int, _ row: UnsafeMutablePointer<Float>
    ) {
        if stride == 1 && padding == 0 {  // every window inside the image: plain row copies
            var out = row, src = x + (ch * h + ki) * w + kj
            for _ in 0..<ho {
                copyFloats(out, src, wo)
                out += wo
                src += w
            }
            return
        }
        let valid = validColumns(kj)
        for i in 0..<ho {
            let out = row + i * wo
            let y = i * stride - padding + ki
            if y < 0 || y >= h || valid.isEmpty {
                out.update(repeating: 0, count: wo)
                continue
            }
            let src = x + (ch * h + y) * w - padding + kj
            if valid.lowerBound > 0 { out.update(repeating: 0, count: valid.lowerBound) }
            if stride == 1 {
                copyFloats(out + valid.lowerBound, src + valid.lowerBound, valid.count)
            } else {
                for j in valid { out[j] = src[j * stride] }
            }
            if valid.upperBound < wo {
                (out + valid.upperBound).update(repeating: 0, count: wo - valid.upperBound)
            }
        }
    }

    /// Floats `inputGradient` needs for one image's gradient with zero margins.
    func paddedGradientCount(channels o: Int) -> Int { o * ho * (wo + 2 * kw) + 8 }

    /// One image's input gradient for stride 1: dx[ch, yy, xx] is one fused chain over (ki, kj,
    /// output channel) of g[oc, yy + padding − ki, xx + padding − kj] · w[oc, ch, ki, kj].
    /// Rows of ki that reach no output are skipped; positions outside the output read 0 from
    /// `padded` (g with zero margins), and adding 0·w never changes a chain that starts at +0.
    /// Eight channels per vector, several pixels and vectors at a time (independent chains).
    /// `weights` as (kh, kw, O, channels padded to a multiple of 8).
    func inputGradient(
        _ g: UnsafePointer<Float>, channels o: Int, weights: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
        padded: UnsafeMutablePointer<Float>
    ) {
        typealias V = SIMD8<Float>
        let lanes = (c + 7) / 8, width = (c + 7) / 8 * 8, row = wo + 2 * kw, plane = ho * row
        padded.initialize(repeating: 0, count: o * plane)
        for oc in 0..<o {
            for y in 0..<ho { copyFloats(padded + oc * plane + y * row + kw, g + (oc * ho + y) * wo, wo) }
        }
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func store(_ v: V, channelBlock: Int, _ at: Int) {
            let first = channelBlock * 8
            for lane in 0..<Swift.min(8, c - first) { dx[(first + lane) * h * w + at] = v[lane] }
        }
        /// The chains of `pixels` pixels from xx × `blocks` vectors of channels from `block`
        /// (at most 4 × 2 or 2 × 3 of them at once: eight or six independent chains).
        func chains(_ yy: Int, _ xx: Int, pixels: Int, block: Int, blocks: Int) {
            let kiLo = Swift.max(0, yy + padding - ho + 1), kiHi = Swift.max(kiLo, Swift.min(kh, yy + padding + 1))
            // Taps that reach an output for any of these pixels (the others read zeros).
            let kjLo = Swift.max(0, xx + padding - wo + 1)
            let kjHi = Swift.max(kjLo, Swift.min(kw, xx + pixels - 1 + padding + 1))
            var acc = (V(), V(), V(), V(), V(), V(), V(), V())
            for ki in kiLo..<kiHi {
                let y = yy + padding - ki
                for kj in kjLo..<kjHi {
                    var gp = UnsafePointer(padded) + y * row + kw + xx + padding - kj
                    var wp = weights + (ki * kw + kj) * o * width + block * 8
                    if blocks == 3 {
                        for _ in 0..<o {
                            let w0 = load(wp), w1 = load(wp + 8), w2 = load(wp + 16)
                            let g0 = V(repeating: gp[0]), g1 = V(repeating: gp[1])
                            acc.0.addProduct(g0, w0)
                            acc.1.addProduct(g0, w1)
                            acc.2.addProduct(g0, w2)
                            acc.3.addProduct(g1, w0)
                            acc.4.addProduct(g1, w1)
                            acc.5.addProduct(g1, w2)
                            gp += plane
                            wp += width
                        }
                    } else if blocks == 2 {
                        for _ in 0..<o {
                            let w0 = load(wp), w1 = load(wp + 8)
                            let g0 = V(repeating: gp[0]), g1 = V(repeating: gp[1])
                            let g2 = V(repeating: gp[2]), g3 = V(repeating: gp[3])
                            acc.0.addProduct(g0, w0)
                            acc.1.addProduct(g1, w0)
                            acc.2.addProduct(g2, w0)
                            acc.3.addProduct(g3, w0)
                            acc.4.addProduct(g0, w1)
                            acc.5.addProduct(g1, w1)
                            acc.6.addProduct(g2, w1)
                            acc.7.addProduct(g3, w1)
                            gp += plane
                            wp += width
                        }
                    } else {
                        for _ in 0..<o {
                            let w0 = load(wp)
                            acc.0.addProduct(V(repeating: gp[0]), w0)
                            acc.1.addProduct(V(repeating: gp[1]), w0)
                            acc.2.addProduct(V(repeating: gp[2]), w0)
                            acc.3.addProduct(V(repeating: gp[3]), w0)
                            gp += plane
                            wp += width
                        }
                    }
                }
            }
            let at = yy * w + xx
            withUnsafeBytes(of: &acc) { results in
                for p in 0..<pixels {
                    for b in 0..<blocks {
                        // 3 blocks: pixel-major (p·3 + b); otherwise block-major (b·4 + p).
                        let index = blocks == 3 ? p * 3 + b : b * 4 + p
                        store(
                            results.loadUnaligned(fromByteOffset: index * MemoryLayout<V>.stride, as: V.self),
                            channelBlock: block + b, at + p)
                    }
                }
            }
        }
        for yy in 0..<h {
            var block = 0
            while block < lanes {
                let blocks = lanes - block >= 3 ? 3 : lanes - block
                let step = blocks == 3 ? 2 : 4
                var xx = 0
                while xx < w {
                    chains(yy, xx, pixels: Swift.min(step, w - xx), block: block, blocks: blocks)
                    xx += step
                }
                block += blocks
            }
        }
    }

    /// The gradient's columns for one image's input gradient: rows (ki, kj, output channel),
    /// columns the input's H·W pixels; each the gradient at the output position that pixel reaches
    /// through (ki, kj), 0 where it reaches none.
    func gradientColumns(_ g: UnsafePointer<Float>, channels o: Int, _ out: UnsafeMutablePointer<Float>) {
        let pixels = h * w
        for ki in 0..<kh {
            for kj in 0..<kw {
                // Input column xx reaches output column (xx + padding − kj)/stride.
                let dx0 = padding - kj
                for oc in 0..<o {
                    let row = out + ((ki * kw + kj) * o + oc) * pixels, plane = g + oc * ho * wo
                    for yy in 0..<h {
                        let dy = yy + padding - ki, y = dy / stride
                        let dst = row + yy * w
                        guard dy >= 0, dy % stride == 0, y < ho else {
                            dst.update(repeating: 0, count: w)
                            continue
                        }
                        let src = plane + y * wo
                        if stride == 1 {
                            // xx in [max(0, −dx0), min(w, wo − dx0)) reads src[xx + dx0].
                            let lo = Swift.min(w, Swift.max(0, -dx0)), hi = Swift.max(lo, Swift.min(w, wo - dx0))
                            if lo > 0 { dst.update(repeating: 0, count: lo) }
                            if hi > lo { copyFloats(dst + lo, src + lo + dx0, hi - lo) }
                            if hi < w { (dst + hi).update(repeating: 0, count: w - hi) }
                        } else {
                            for xx in 0..<w {
                                let d = xx + dx0, x = d / stride
                                dst[xx] = d >= 0 && d % stride == 0 && x < wo ? src[x] : 0
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `total` + the values of `count` positions of `lanes` (≤ 8) planes (plane t at planes + t·count),
/// position by position in order, plane t in lane t: blocks of 8 positions transposed in registers.
@inline(__always)
func addingPositions(_ planes: UnsafePointer<Float>, _ count: Int, _ lanes: Int, to total: SIMD8<Float>) -> SIMD8<Float>
{
    typealias V = SIMD8<Float>
    var total = total, p = 0
    while p &+ 8 <= count {
        @inline(__always) func plane(_ t: Int) -> V {
            t < lanes ? UnsafeRawPointer(planes + (t &* count &+ p)).loadUnaligned(as: V.self) : V()
        }
        let r0 = plane(0), r1 = plane(1), r2 = plane(2), r3 = plane(3), r4 = plane(4), r5 = plane(5)
        let r6 = plane(6), r7 = plane(7)
        for i in 0..<8 { total += V(r0[i], r1[i], r2[i], r3[i], r4[i], r5[i], r6[i], r7[i]) }
        p &+= 8
    }
    while p < count {
        var v = V()
        for t in 0..<lanes { v[t] = planes[t &* count &+ p] }
        total += v
        p &+= 1
    }
    return total
}

/// Copies a short run of floats (an image row) eight at a time: rows of a few dozen elements
/// are too short for a library call to pay off.
@inline(__always)
func copyFloats(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ count: Int) {
    var i = 0
    while i &+ 8 <= count {
        UnsafeMutableRawPointer(dst + i).storeBytes(
            of: UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
        i &+= 8
    }
    while i < count {
        dst[i] = src[i]
        i &+= 1
    }
}

/// Floats starting on a cache line, freed with the object: the convolution's columns, kept for
/// the backward pass. Each thread writes its images' columns, one image after another; from an
/// aligned start the two threads' runs share at most one line.
final class CacheLineFloats {
    let base: UnsafeMutablePointer<Float>

    init(count: Int) {
        base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, count) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
    }

    deinit { base.deallocate() }
}
