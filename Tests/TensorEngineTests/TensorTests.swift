import XCTest

@testable import TensorEngine

/// Shapes, views, in-place semantics, broadcasting, autograd behaviour and error messages.
final class TensorTests: XCTestCase {
    func testViewsShareStorageWithTheirBase() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let t = try a.t
        XCTAssertEqual(t.shape, [3, 2])
        XCTAssertFalse(t.isContiguous)
        XCTAssertEqual(t.scalars, [1, 4, 2, 5, 3, 6])
        try a.select(1).fill_(0)  // row 1
        XCTAssertEqual(t.scalars, [1, 0, 2, 0, 3, 0])
        try a.slice(dim: 1, start: 0, end: 3, step: 2).add_(Tensor([10] as [Int]))
        XCTAssertEqual(a.scalars, [11, 2, 13, 10, 0, 10])
        XCTAssertEqual(try a.reshape([3, 2]).select(2).scalars, [0, 10])
        XCTAssertEqual(try t.reshape([6]).scalars, [11, 10, 2, 0, 13, 10])  // a copy: t is not contiguous
        XCTAssertThrowsError(try t.view([6])) { XCTAssertTrue("\($0)".contains("view")) }
    }

    func testDataInPlaceChangesTheParameter() throws {
        TorchGenerator.global.manualSeed(0)
        let layer = try Linear(3, 2)
        try layer.weight.data.normal_(std: 0.01)
        XCTAssertTrue(layer.weight.floats.allSatisfy { Swift.abs($0) < 0.05 })
        try layer.bias!.data.fill_(0.5)
        XCTAssertEqual(layer.bias!.scalars, [0.5, 0.5])
        XCTAssertTrue(layer.weight.requiresGrad && layer.weight.isParameter)
        // Directly on a parameter, an in-place change is refused while grad mode is on.
        XCTAssertThrowsError(try layer.weight.fill_(1)) { XCTAssertTrue("\($0)".contains("fill_")) }
        try noGrad { try layer.weight.fill_(1) }
        XCTAssertEqual(layer.weight.scalars, [1, 1, 1, 1, 1, 1])
    }

    func testBroadcastingShapes() throws {
        let cases: [([Int], [Int], [Int]?)] = [
            ([], [3], [3]), ([3], [1], [3]), ([2, 1], [1, 3], [2, 3]), ([4, 1, 2], [3, 1], [4, 3, 2]),
            ([5, 1], [5], [5, 5]), ([2, 3], [3, 2], nil), ([3], [4], nil), ([0, 1], [1, 2], [0, 2]),
        ]
        for (a, b, expected) in cases {
            let x = try Tensor.ones(a), y = try Tensor.ones(b)
            if let expected {
                let s = try x + y
                XCTAssertEqual(s.shape, expected, "\(a) + \(b)")
                XCTAssertTrue(s.scalars.allSatisfy { $0 == 2 })
            } else {
                XCTAssertThrowsError(try x + y) { error in
                    XCTAssertTrue(
                        "\(error)".contains("add") && "\(error)".contains("\(a)") && "\(error)".contains("\(b)"),
                        "\(error)")
                }
            }
        }
        let col = try Tensor([1, 2], shape: [2, 1]), row = try Tensor([10, 20, 30])
        XCTAssertEqual(try (col * row).scalars, [10, 20, 30, 20, 40, 60])
        XCTAssertEqual(try (row - col).scalars, [9, 19, 29, 8, 18, 28])
    }

    func testErrorsNameTheOperationAndShapes() throws {
        let a = try Tensor.zeros([2, 3]), b = try Tensor.zeros([4, 5])
        XCTAssertThrowsError(try a.mm(b)) {
            XCTAssertEqual("\($0)", "mm: shapes [2, 3] and [4, 5] cannot be multiplied (3 vs 4)")
        }
        XCTAssertThrowsError(try mseLoss(a, b)) {
            XCTAssertTrue("\($0)".contains("[2, 3]") && "\($0)".contains("[4, 5]"))
        }
        XCTAssertThrowsError(try a.reshape([4, -1])) { XCTAssertTrue("\($0)".contains("reshape")) }
        XCTAssertThrowsError(try a.sum(dim: 2)) { XCTAssertTrue("\($0)".contains("out of range")) }
        XCTAssertThrowsError(try a.item())
        XCTAssertThrowsError(try a.select(dim: 0, 2)) { XCTAssertTrue("\($0)".contains("out of bounds")) }
        XCTAssertThrowsError(try Tensor.cat([a, b])) { XCTAssertTrue("\($0)".contains("cat")) }
        XCTAssertThrowsError(try Linear(4, 1)(a)) { XCTAssertTrue("\($0)".contains("linear")) }
        XCTAssertThrowsError(try nllLoss(a, Tensor([0, 7]))) { XCTAssertTrue("\($0)".contains("out of bounds")) }
        XCTAssertThrowsError(try Tensor.zeros([1 << 20, 1 << 20])) { XCTAssertTrue("\($0)".contains("exceeds")) }
        XCTAssertThrowsError(try Tensor([1, 2, 3] as [Float], shape: [2]))
        XCTAssertThrowsError(try Tensor([1, 2]).requiringGrad())
    }

    func testGradientsAccumulateAndTheGraphIsFreed() throws {
        let x = try Tensor([1, 2, 3] as [Float]).requiringGrad()
        let y = try (x * x).sum()
        try y.backward()
        XCTAssertEqual(x.grad?.scalars, [2, 4, 6])
        XCTAssertThrowsError(try y.backward()) { XCTAssertTrue("\($0)".contains("second time")) }
        try (x * 3).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [5, 7, 9])
    }

    /// A first gradient is kept without a copy only when nothing else holds it: gradients that
    /// one node hands to two leaves, a leaf's own seed and views must never alias.
    func testGradientsNeverAliasOtherTensors() throws {
        let a = try Tensor([1, 2] as [Float]).requiringGrad(), b = try Tensor([3, 4] as [Float]).requiringGrad()
        try (a + b).sum().backward()  // AddBackward0 gives both the same tensor
        try a.grad!.add_(10)
        XCTAssertEqual(b.grad?.scalars, [1, 1])
        let seed = try Tensor([5, 6] as [Float])
        try a.backward(seed)  // a leaf's own seed
        try seed.fill_(0)
        XCTAssertEqual(a.grad?.scalars, [16, 17])
        let w = try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]).requiringGrad()
        let c = try Tensor([1, 1] as [Float], shape: [1, 2]).requiringGrad()
        try (w + c).sum().backward()  // c's gradient is summed from a broadcast
        try w.grad!.add_(1)
        XCTAssertEqual(c.grad?.scalars, [2, 2])
        XCTAssertEqual(w.grad?.scalars, [2, 2, 2, 2])
    }

    /// The one-pass float32 log-softmax (forward and backward pinned to PyTorch by ParityTests):
    /// a view gives what its contiguous copy gives (ATen makes its input contiguous first), and
    /// the backward is g − exp(y)·Σg within 1e-6 of the composed ops.
    func testFusedLogSoftmaxOfViewsAndItsBackward() throws {
        let x = try (Tensor.randn([6, 10], generator: TorchGenerator(seed: 4)) * 5).requiringGrad()
        let g = try Tensor.randn([6, 10], generator: TorchGenerator(seed: 9))
        let y = try x.logSoftmax(dim: 1)
        try y.backward(g)
        let dx = try noGrad { try g - y.detach().exp() * g.sum(dim: 1, keepDim: true) }
        for (a, b) in zip(x.grad!.floats, dx.floats) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        let t = try x.detach().transpose(0, 1)
        XCTAssertFalse(t.isContiguous)
        for d in 0..<2 {
            XCTAssertEqual(
                try t.logSoftmax(dim: d).floats.map(\.bitPattern),
                try t.contiguousData().logSoftmax(dim: d).floats.map(\.bitPattern))
        }
    }

    func testBackwardWithExplicitGradientAndNonLeaves() throws {
        let x = try Tensor([1, 2] as [Float]).requiringGrad()
        let h = try x * 2
        let y = try h * h
        XCTAssertThrowsError(try y.backward()) { XCTAssertTrue("\($0)".contains("scalar")) }
        try y.backward(Tensor([1, 0.5]))
        XCTAssertEqual(x.grad?.scalars, [8, 8])  // dy/dx = 8x · g
        XCTAssertNil(h.grad)  // non-leaf gradients are not kept
        XCTAssertFalse(h.isLeaf)
        XCTAssertEqual(y.gradFn?.name, "MulBackward0")
    }

    func testNoGradAndDetach() throws {
        let x = try Tensor([1, 2] as [Float]).requiringGrad()
        let y = try noGrad { try x * 2 }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertNil(y.gradFn)
        let d = x.detach()
        XCTAssertFalse(d.requiresGrad)
        try d.fill_(7)  // shares storage with x
        XCTAssertEqual(x.scalars, [7, 7])
        XCTAssertThrowsError(try Tensor([1] as [Float]).backward()) {
            XCTAssertTrue("\($0)".contains("does not require grad"))
        }
    }

    func testReductionsAndIndices() throws {
        let a = try Tensor([3, 1, 4, 1, 5, 9, 2, 6] as [Float], shape: [2, 4])
        XCTAssertEqual(try a.sum().item(), 31)
        XCTAssertEqual(try a.sum(dim: 0).scalars, [8, 10, 6, 7])
        XCTAssertEqual(try a.mean(dim: 1, keepDim: true).shape, [2, 1])
        XCTAssertEqual(try a.max(dim: 1).indices.integers, [2, 1])
        XCTAssertEqual(try a.argmax().item(), 5)
        XCTAssertEqual(try a.min().item(), 1)
        let labels = try Tensor([2, 1])
        XCTAssertEqual(try a.argmax(dim: 1).eq(labels).sum().item(), 2)
        XCTAssertEqual(try a.argmax(dim: 1).eq(labels).sum().dtype, .int64)
    }

    func testCreationAndConversion() throws {
        XCTAssertEqual(try Tensor.linspace(-3, 3, count: 5).scalars, [-3, -1.5, 0, 1.5, 3])
        XCTAssertEqual(try Tensor.arange(0, 1, step: 0.25).scalars, [0, 0.25, 0.5, 0.75])
        XCTAssertEqual(try Tensor.arange(0, 5).dtype, .int64)
        XCTAssertEqual(try (Tensor.arange(0, 4) / 2).scalars, [0, 0.5, 1, 1.5])
        XCTAssertEqual(try (Tensor.arange(0, 4) * 0.5).dtype, .float32)
        XCTAssertEqual(try Tensor([1.25], dtype: .float64).to(.float32).dtype, .float32)
        XCTAssertEqual(
            try Tensor.stack([Tensor([1, 2] as [Float]), Tensor([3, 4] as [Float])], dim: 1).scalars, [1, 3, 2, 4])
        XCTAssertEqual(try Tensor([5, 6, 7] as [Float]).indexSelect(Tensor([2, 0])).scalars, [7, 5])
        XCTAssertEqual(try Tensor.zeros([2, 3, 4]).flatten(startDim: 1).shape, [2, 12])
        XCTAssertEqual(try Tensor.zeros([1, 3, 1]).squeeze().shape, [3])
        XCTAssertEqual(try Tensor.zeros([3]).unsqueeze(-1).shape, [3, 1])
    }

    func testModuleModesAndParameterReplacement() throws {
        let net = Sequential(try Linear(1, 1), Sigmoid())
        net.eval()
        XCTAssertFalse(net.training || net[0].training)
        net.train()
        XCTAssertTrue(net[1].training)
        let l = net[0] as! Linear
        l.weight = try Tensor([2] as [Float], shape: [1, 1])
        XCTAssertTrue(l.weight.isParameter && l.weight.requiresGrad)
        XCTAssertEqual(net.namedParameters.map(\.name), ["0.weight", "0.bias"])
        XCTAssertEqual(try l(Tensor([1.5], shape: [1, 1])).item(), 3 + Double(l.bias!.floats[0]), accuracy: 1e-6)
    }
}

/// Matrix products give the same bits whatever the path (tiles, edges) and thread count.
final class MatMulDeterminismTests: XCTestCase {
    /// The chain every element must be: `ChainPlan.mkl`'s blocks of k, each from zero, added in order.
    func naive(_ a: [Float], _ b: [Float], _ m: Int, _ n: Int, _ k: Int) -> [Float] {
        let plan = ChainPlan.mkl(m: m, n: n, k: k)
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                for start in stride(from: 0, to: Swift.max(k, 1), by: plan.block) {
                    var s: Float = 0
                    for p in start..<Swift.min(k, start + plan.block) {
                        s = plan.fused ? s.addingProduct(a[i * k + p], b[p * n + j]) : s + a[i * k + p] * b[p * n + j]
                    }
                    c[i * n + j] = start == 0 ? s : c[i * n + j] + s
                }
            }
        }
        return c
    }

    /// `Linear` with a short batch takes the transposed path (Cᵀ = W·xᵀ): the bias is still the
    /// start of the sum and each block of k is added to it, as in MKL's order. So it is with a
    /// longer batch, whose last 8 columns take the AVX-512 narrow tiles.
    func testLinearThroughTheTransposedPathKeepsTheOrder() throws {
        for m in [12, 21] { try linearKeepsTheOrder(m: m) }
    }

    func linearKeepsTheOrder(m: Int) throws {
        let (n, k) = (40, 400)
        let g = TorchGenerator(seed: 13)
        let x = try Tensor.randn([m, k], generator: g), w = try Tensor.randn([n, k], generator: g)
        let b = try Tensor.randn([n], generator: g)
        let (xs, ws, bs) = (x.floats, w.floats, b.floats)
        let plan = ChainPlan.mkl(m: m, n: n, k: k)
        XCTAssertLessThan(plan.block, k)
        let expected = (0..<(m * n)).map { i -> Float in
            var total = bs[i % n]  // the bias first, then each block's chain added
            for start in stride(from: 0, to: k, by: plan.block) {
                var chain: Float = 0
                for p in start..<Swift.min(k, start + plan.block) {
                    chain = chain.addingProduct(xs[(i / n) * k + p], ws[(i % n) * k + p])
                }
                total += chain
            }
            return total
        }
        let biasLast = zip(naive(xs, try w.t.contiguous().floats, m, n, k), (0..<(m * n)).map { bs[$0 % n] }).map(+)
        XCTAssertNotEqual(biasLast.map(\.bitPattern), expected.map(\.bitPattern))  // the bias's place matters here
        XCTAssertEqual(try linear(x, weight: w, bias: b).floats.map(\.bitPattern), expected.map(\.bitPattern))
    }

    /// A long sum computed in pieces, each continuing the chains the previous left in C, has the
    /// bits of one chain (convolution's weight gradient sums over the batch this way).
    func testContinuingChainsEqualOneChain() throws {
        let (m, n, k) = (37, 45, 300)
        let g = TorchGenerator(seed: 12)
        let a = try Tensor.randn([m, k], generator: g).floats, b = try Tensor.randn([k, n], generator: g).floats
        let avx512 = useAVX512
        defer { useAVX512 = avx512 }
        for wide in [false, avx512] {
            useAVX512 = wide
            var whole = [Float](repeating: 0, count: m * n), pieces = whole
            gemm(m, n, k, a, k, 1, b, &whole, plan: .fused(k))
            for start in stride(from: 0, to: k, by: 100) {
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        gemm(
                            m, n, 100, pa.baseAddress! + start, k, 1, pb.baseAddress! + start * n, &pieces,
                            plan: .fused(100), start: start > 0 ? .continuing : .zero)
                    }
                }
            }
            XCTAssertEqual(whole.map(\.bitPattern), pieces.map(\.bitPattern), wide ? "AVX-512 tiles" : "AVX2 tiles")
        }
    }

    func testTilesEdgesAndThreadsGiveIdenticalBits() throws {
        let g = TorchGenerator(seed: 11)
        for (m, n, k) in [
            (1, 1, 1), (3, 5, 7), (4, 16, 9), (37, 53, 61), (6, 35, 64), (130, 70, 300), (64, 128, 784),
            (10, 100, 2100), (40, 50, 200), (21, 40, 70), (9, 48, 130), (35, 24, 64),
        ] {
            let a = try Tensor.randn([m, k], generator: g), b = try Tensor.randn([k, n], generator: g)
            let bT = try b.t.contiguous()  // B's transpose stored contiguously: bT.t is B as a strided view
            let expected = naive(a.floats, b.floats, m, n, k)
            let avx512 = useAVX512
            defer {
                useAVX512 = avx512
                engineThreads = 1
            }
            for (threads, wide) in [(1, false), (2, false), (1, avx512), (2, avx512)] {
                engineThreads = threads
                useAVX512 = wide
                let what = "\(m)×\(k)·\(k)×\(n) on \(threads) threads, \(wide ? "AVX-512" : "AVX2") tiles"
                XCTAssertEqual(try a.mm(b).floats.map(\.bitPattern), expected.map(\.bitPattern), what)
                XCTAssertEqual(
                    try a.t.t.mm(b).floats.map(\.bitPattern), expected.map(\.bitPattern), "strided A, " + what)
                XCTAssertEqual(
                    try a.mm(bT.t).floats.map(\.bitPattern), expected.map(\.bitPattern),
                    "B read transposed in place, " + what)
            }
        }
    }

}

final class VectorExpTests: XCTestCase {
    /// The vector exponential must give the C library's bits everywhere: a sweep over every 61st
    /// float bit pattern (all exponents, both signs, NaNs and infinities included) plus the edges.
    func testVectorExpMatchesTheLibraryBitForBit() {
        var inputs: [Float] = [
            0, -0, 1, -1, 88, -88, 88.72, 88.73, -103.9, -104, -87.99, .infinity, -.infinity, .nan,
            .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        ]
        var pattern: UInt64 = 0
        while pattern < 1 << 32 {
            inputs.append(Float(bitPattern: UInt32(pattern)))
            pattern += 61
        }
        while inputs.count % 8 != 0 { inputs.append(0.5) }
        var mismatches = 0, first: Float?
        for start in stride(from: 0, to: inputs.count, by: 8) {
            var v = SIMD8<Float>()
            for i in 0..<8 { v[i] = inputs[start + i] }
            let e = expf8(v)
            for i in 0..<8 where e[i].bitPattern != Float.exp(v[i]).bitPattern && !(e[i].isNaN && v[i].isNaN) {
                mismatches += 1
                first = first ?? v[i]
            }
        }
        XCTAssertEqual(mismatches, 0, "first mismatch at \(String(describing: first))")
    }
}
