import Foundation
import XCTest

@testable import TensorEngine

/// Data files, loaders, convolution, pooling, dropout, Adam and safetensors.
final class MNISTEngineTests: XCTestCase {
    let conv = Fixture.json("conv.json")
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func floats(_ key: String) -> [Float] { (conv[key] as! [NSNumber]).map(\.floatValue) }
    func tensor(_ key: String) throws -> Tensor {
        try Tensor(floats(key), shape: (conv[key + "_shape"] as! [NSNumber]).map(\.intValue))
    }

    func assertClose(
        _ t: Tensor, _ expected: [Float], tolerance: Float = 2e-6, _ what: String, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertEqual(t.count, expected.count, what, file: file, line: line)
        for (i, (a, b)) in zip(t.floats, expected).enumerated()
        where Swift.abs(a - b) > tolerance * Swift.max(1, Swift.abs(b)) {
            return XCTFail("\(what)[\(i)]: \(a) vs PyTorch \(b)", file: file, line: line)
        }
    }

    // MARK: files

    func idxBytes(_ dims: [Int], _ data: [UInt8], type: UInt8 = 0x08) -> Data {
        var d: [UInt8] = [0, 0, type, UInt8(dims.count)]
        for n in dims { d += [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] }
        return Data(d + data)
    }

    func gzip(_ data: Data) throws -> Data {
        let path = folder.appendingPathComponent("tmp")
        try data.write(to: path)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-n", "-f", path.path]
        try p.run()
        p.waitUntilExit()
        return try Data(contentsOf: folder.appendingPathComponent("tmp.gz"))
    }

    func testIDXReaderRawAndGzip() throws {
        let pixels = (0..<24).map { UInt8($0 * 10) }
        let raw = folder.appendingPathComponent("images.idx")
        try idxBytes([2, 3, 4], pixels).write(to: raw)
        let (dims, data) = try DataFiles.idx(raw.path)
        XCTAssertEqual(dims, [2, 3, 4])
        XCTAssertEqual(data, pixels)
        let gz = folder.appendingPathComponent("images.idx.gz")
        try gzip(idxBytes([2, 3, 4], pixels)).write(to: gz)
        XCTAssertEqual(try DataFiles.idx(gz.path).data, pixels)
    }

    func testCorruptIDXFilesAreClearErrors() throws {
        let cases: [(Data, String)] = [
            (
                idxBytes([2, 3, 4], Array(repeating: 1, count: 20)),
                "need 24 bytes of data, the file has 20 (truncated)"
            ),
            (Data([1, 2, 8, 1, 0, 0, 0, 1, 5]), "not an IDX file (magic number starts 1 2"),
            (idxBytes([2], [1, 2], type: 0x0D), "is not unsigned bytes"),
            (Data([0, 0, 8, 3, 0, 0]), "IDX header is truncated"),
        ]
        for (i, (bytes, message)) in cases.enumerated() {
            let path = folder.appendingPathComponent("bad\(i).idx")
            try bytes.write(to: path)
            XCTAssertThrowsError(try DataFiles.idx(path.path)) { error in
                XCTAssertTrue("\(error)".contains(message) && "\(error)".contains(path.path), "\(error)")
            }
        }
        let gz = try gzip(idxBytes([2, 3, 4], Array(repeating: 1, count: 24)))
        let cut = folder.appendingPathComponent("cut.idx.gz")
        try gz.prefix(gz.count - 12).write(to: cut)
        XCTAssertThrowsError(try DataFiles.idx(cut.path)) { XCTAssertTrue("\($0)".contains("gzip"), "\($0)") }
        XCTAssertThrowsError(try DataFiles.idx(folder.appendingPathComponent("missing.idx").path)) {
            XCTAssertTrue("\($0)".contains("cannot read"))
        }
    }

    func testCSVReader() throws {
        let row = (0..<784).map { String($0 % 256) }.joined(separator: ",")
        let path = folder.appendingPathComponent("digits.csv")
        try (row + ",7\n" + row + ",3\n").write(to: path, atomically: true, encoding: .utf8)
        let (images, labels) = try DataFiles.mnistCSV(path.path)
        XCTAssertEqual(labels, [7, 3])
        XCTAssertEqual(images.count, 2 * 784)
        XCTAssertEqual(images[300], UInt8(300 % 256))
        try (row + "\n").write(to: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DataFiles.mnistCSV(path.path)) {
            XCTAssertTrue("\($0)".contains(":1: expected 785 columns"), "\($0)")
        }
        try (row + ",12\n").write(to: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DataFiles.mnistCSV(path.path)) { XCTAssertTrue("\($0)".contains("label 12")) }
    }

    // MARK: data sets and loaders

    func testBatchesNormaliseLikeToTensorThenNormalize() throws {
        let ds = try ImageDataset(
            images: [0, 255, 51, 102, 10, 20, 30, 40], labels: [4, 9], rows: 2, columns: 2, name: "t")
        ds.normalization = (0.5, 0.25)
        let (x, y) = try ds.batch([1, 0])
        XCTAssertEqual(x.shape, [2, 1, 2, 2])
        XCTAssertEqual(y.integers, [9, 4])
        XCTAssertEqual(x.floats[4], (0 / 255 - 0.5) / 0.25)
        XCTAssertEqual(x.floats[5], (Float(255) / 255 - 0.5) / 0.25)
        XCTAssertEqual(try ds.batch([0], flatten: true).images.shape, [1, 4])
    }

    /// Large batches are converted on several threads: every pixel as the formula gives it, at
    /// any thread count.
    func testLargeBatchesGiveTheSameFloatsAtAnyThreadCount() throws {
        defer { engineThreads = 1 }
        let images: [UInt8] = (0..<(300 * 784)).map { (k: Int) -> UInt8 in UInt8((k * 7 + k / 28) % 256) }
        let labels: [UInt8] = (0..<300).map { (k: Int) -> UInt8 in UInt8(k % 10) }
        let ds = try ImageDataset(images: images, labels: labels, rows: 28, columns: 28, name: "t")
        ds.normalization = (0.1307, 0.3081)
        let order: [Int] = (0..<300).map { (k: Int) -> Int in (k * 37) % 300 }
        var expected: [Float] = []
        for i in order {
            for p in 0..<784 { expected.append((Float(images[i * 784 + p]) / 255 - 0.1307) / 0.3081) }
        }
        for threads in [1, 2, 3] {
            engineThreads = threads
            let (x, y) = try ds.batch(order)
            XCTAssertEqual(x.floats.map { $0.bitPattern }, expected.map { $0.bitPattern }, "\(threads) threads")
            XCTAssertEqual(y.integers, order.map { Int64($0 % 10) })
        }
    }

    func testExtendedDataShiftsByOnePixel() throws {
        let ds = try ImageDataset(images: [1, 2, 3, 4, 5, 6, 7, 8, 9], labels: [5], rows: 3, columns: 3, name: "t")
        let e = try ds.extended()
        XCTAssertEqual(e.count, 5)
        XCTAssertEqual(e.labels, [5, 5, 5, 5, 5])
        XCTAssertEqual(Array(e.images[0..<9]), [1, 2, 3, 4, 5, 6, 7, 8, 9])  // identity
        XCTAssertEqual(Array(e.images[9..<18]), [0, 1, 2, 0, 4, 5, 0, 7, 8])  // right
        XCTAssertEqual(Array(e.images[18..<27]), [2, 3, 0, 5, 6, 0, 8, 9, 0])  // left
        XCTAssertEqual(Array(e.images[27..<36]), [4, 5, 6, 7, 8, 9, 0, 0, 0])  // up
        XCTAssertEqual(Array(e.images[36..<45]), [0, 0, 0, 1, 2, 3, 4, 5, 6])  // down
    }

    func testLoaderOrderMatchesPyTorchsDataLoader() throws {
        let ds = try ImageDataset(
            images: (0..<20).map(UInt8.init), labels: (0..<20).map(UInt8.init), rows: 1, columns: 1, name: "t")
        let loader = try DataLoader(ds, batchSize: 4, shuffle: true, generator: TorchGenerator(seed: 0))
        let recorded = lookup(Fixture.rng, "dataloader") as! [String: Any]
        for epoch in ["seed0_bs4_n20_epoch1_batches", "seed0_bs4_n20_epoch2_batches"] {
            XCTAssertEqual(
                loader.map { $0.labels.integers.map(Int.init) }, (recorded[epoch] as! [Any]).map(ints), epoch)
        }
        let ordered = try DataLoader(ds, batchSize: 8, dropLast: true)
        XCTAssertEqual(ordered.map { $0.labels.integers }, [Array(0..<8), Array(8..<16)].map { $0.map(Int64.init) })
        XCTAssertEqual(ordered.batchCount, 2)
        XCTAssertEqual(try DataLoader(ds, batchSize: 8).batchCount, 3)
    }

    func testMissingDatasetSaysWhichSetupStep() {
        let saved = Datasets.mnist5kPath
        Datasets.mnist5kPath = "/nonexistent/mnist_5k.csv.gz"
        defer { Datasets.mnist5kPath = saved }
        XCTAssertThrowsError(try Datasets.mnist5k(train: true)) {
            XCTAssertTrue("\($0)".contains("make setup"), "\($0)")
        }
    }

    // MARK: layers

    func testConvolutionAndPoolingMatchPyTorch() throws {
        let x = try tensor("x"), w = try tensor("w"), b = try Tensor(floats("b"))
        assertClose(try x.conv2d(w, bias: b), floats("conv"), "conv2d")
        assertClose(
            try x.conv2d(w, bias: b, stride: 2, padding: 1), floats("conv_stride2_pad1"), "conv2d stride 2 padding 1")
        assertClose(try x.maxPool2d(kernel: 2), floats("pool2"), tolerance: 0, "max_pool2d(2)")
        assertClose(
            try x.maxPool2d(kernel: 3, stride: 2), floats("pool3_stride2"), tolerance: 0, "max_pool2d(3, stride 2)")
        XCTAssertThrowsError(try x.conv2d(try Tensor.zeros([3, 1, 3, 3]), bias: nil)) {
            XCTAssertTrue("\($0)".contains("[2, 2, 7, 6]"))
        }
    }

    /// Finite differences in float32: convolution is linear in each input, so a wide step is exact
    /// up to rounding; pooling is checked on well-separated values, away from ties.
    func checkGradients(
        _ inputs: [Tensor], eps: Float, _ f: () throws -> Tensor, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        for t in inputs { t.grad = nil }
        try f().backward()
        for t in inputs {
            let analytic = t.grad!.floats
            for i in 0..<t.count {
                let saved = t.storage.floats[i]
                t.storage.floats[i] = saved + eps
                let up = try noGrad { try f().item() }
                t.storage.floats[i] = saved - eps
                let down = try noGrad { try f().item() }
                t.storage.floats[i] = saved
                XCTAssertEqual(
                    Float((up - down) / Double(2 * eps)), analytic[i],
                    accuracy: 1e-2 * Swift.max(1, Swift.abs(analytic[i])),
                    "element \(i) of \(t.shape)", file: file, line: line)
            }
        }
    }

    func testConvolutionAndPoolingGradients() throws {
        let g = TorchGenerator(seed: 3)
        let x = try Tensor.randn([2, 2, 5, 5], generator: g).requiringGrad()
        let w = try Tensor.randn([3, 2, 3, 3], generator: g).requiringGrad()
        let b = try Tensor.randn([3], generator: g).requiringGrad()
        let probe = try Tensor.randn([2, 3, 3, 3], generator: g)
        try checkGradients([x, w, b], eps: 1e-2) { try (x.conv2d(w, bias: b, stride: 2, padding: 1) * probe).sum() }
        // Distinct values 0.1 apart: a step of 0.001 never changes which element is the maximum.
        let values = Array(0..<50).map { Float(($0 * 37) % 50) * 0.1 }
        let y = try Tensor(values, shape: [1, 2, 5, 5]).requiringGrad()
        let probe2 = try Tensor.randn([1, 2, 2, 2], generator: g)
        try checkGradients([y], eps: 1e-3) { try (y.maxPool2d(kernel: 2) * probe2).sum() }
    }

    /// The 2×2 pooling fast path (eight windows at once, then single windows) picks the window
    /// element the general rule picks — the first maximum in reading order, a NaN over numbers —
    /// and routes the gradient there.
    func testTwoByTwoPoolingPicksTheFirstMaximumAndNaN() throws {
        let w = 22  // 11 windows a row: one vector of eight, three single ones
        var values = (0..<(2 * w)).map { Float(($0 * 7) % 5) }  // many ties
        values[3] = .nan
        values[w + 14] = .nan
        values[w + 15] = .nan
        values[20] = .nan
        let x = try Tensor(values, shape: [1, 1, 2, w]).requiringGrad()
        let y = try x.maxPool2d(kernel: 2)
        try y.sum().backward()
        var expected: [Float] = [], chosen = [Float](repeating: 0, count: 2 * w)
        for j in 0..<(w / 2) {
            var best = -Float.infinity, at = 0
            for index in [2 * j, 2 * j + 1, w + 2 * j, w + 2 * j + 1] where values[index] > best || values[index].isNaN
            {
                best = values[index]
                at = index
            }
            expected.append(best)
            chosen[at] = 1
        }
        XCTAssertEqual(y.floats.map(\.bitPattern), expected.map(\.bitPattern))
        XCTAssertEqual(x.grad!.floats, chosen)
    }

    /// Convolution splits the batch over threads: outputs and all three gradients must keep
    /// their bits at any thread count.
    func testConvolutionGivesTheSameBitsAtAnyThreadCount() throws {
        defer { engineThreads = 1 }
        var results: [[[UInt32]]] = []
        for threads in [1, 2, 3] {
            engineThreads = threads
            let g = TorchGenerator(seed: 5)
            let x = try Tensor.randn([5, 20, 12, 12], generator: g).requiringGrad()  // two channel blocks
            // 40 output channels: the weight gradient's last 8 columns on the narrow AVX-512 tiles.
            let w = try Tensor.randn([40, 20, 5, 5], generator: g).requiringGrad()
            let b = try Tensor.randn([40], generator: g).requiringGrad()
            let y = try x.conv2d(w, bias: b, padding: 1)
            try (y * y).sum().backward()
            results.append([y, x.grad!, w.grad!, b.grad!].map { $0.floats.map(\.bitPattern) })
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertEqual(results[0], results[2])
    }

    /// The input gradient's AVX-512 kernel (taps outer, channels packed with pixels when the last
    /// block is half empty) and the AVX2 one (a pixel at a time) compute the same chains: same
    /// bits for every way the channels split into vectors, with and without padding.
    func testConvolutionInputGradientIsTheSameAtBothWidths() throws {
        let avx512 = useAVX512
        try XCTSkipUnless(avx512, "this CPU has no AVX-512: only the AVX2 kernel runs here")
        defer { useAVX512 = avx512 }
        for (c, kernel, padding, size) in [
            (1, 5, 0, 12), (3, 3, 1, 9), (6, 3, 0, 7), (8, 5, 2, 11), (13, 3, 1, 6), (16, 2, 0, 5), (20, 5, 0, 12),
            (22, 3, 2, 8), (29, 5, 1, 10), (40, 3, 0, 4), (4, 1, 0, 3),
        ] {
            let g = TorchGenerator(seed: UInt64(c))
            let x = try Tensor.randn([3, c, size, size + 1], generator: g)
            let w = try Tensor.randn([7, c, kernel, kernel], generator: g)
            var grads: [[UInt32]] = []
            for wide in [false, true] {
                useAVX512 = wide
                let xg = try x.detach().requiringGrad()
                let y = try xg.conv2d(w, bias: nil, padding: padding)
                try (y * y).sum().backward()
                grads.append(xg.grad!.floats.map(\.bitPattern))
            }
            XCTAssertEqual(grads[0], grads[1], "\(c) channels, kernel \(kernel), padding \(padding), input \(size)")
        }
    }

    /// Large element-wise maps (with ATen's scalar tail, Sleef's and oneDNN's kernels) and pooling
    /// are cut over threads: same bits at any thread count.
    func testLargeActivationsAndPoolingGiveTheSameBitsAtAnyThreadCount() throws {
        defer { engineThreads = 1 }
        var results: [[[UInt32]]] = []
        for threads in [1, 2, 3] {
            engineThreads = threads
            let x = try Tensor.randn([4, 9, 32, 30], generator: TorchGenerator(seed: 8)).requiringGrad()
            let y = try x.sigmoid().maxPool2d(kernel: 2).relu().gelu().elu().softplus().expm1().log1p().pow(2.5)
            try (y * y).sum().backward()
            results.append([y, x.grad!].map { $0.floats.map(\.bitPattern) })
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertEqual(results[0], results[2])
    }

    func testDropoutTrainAndEval() throws {
        let layer = try Dropout(0.5, generator: TorchGenerator(seed: 1))
        let x = try Tensor.ones([1000])
        let y = try layer(x).floats
        XCTAssertTrue(y.allSatisfy { $0 == 0 || $0 == 2 })
        XCTAssertEqual(Double(y.filter { $0 == 0 }.count), 500, accuracy: 60)
        layer.eval()
        XCTAssertEqual(try layer(x).floats, x.floats)
        XCTAssertEqual(layer.description, "Dropout(p=0.5, inplace=False)")
    }

    func testConvDefaultInitAndPrinting() throws {
        let g = TorchGenerator(seed: 0)
        let c = try Conv2d(1, 20, kernelSize: 5, generator: g)
        XCTAssertEqual(
            c.weight.floats.prefix(5).map(\.bitPattern),
            f32Bits(lookup(Fixture.rng, "torch", "0", "Conv2d(1,20,5)", "weight[:5] (flat)")))
        XCTAssertEqual(
            c.bias!.floats.suffix(5).map(\.bitPattern),
            f32Bits(lookup(Fixture.rng, "torch", "0", "Conv2d(1,20,5)", "bias[-5:]")))
        XCTAssertEqual(c.description, "Conv2d(1, 20, kernel_size=(5, 5), stride=(1, 1))")
        XCTAssertEqual(
            MaxPool2d(2).description, "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)")
    }

    func testAdamFollowsTorchOptimAdam() throws {
        let p = try Tensor([0.5, -1.25, 2.0]).requiringGrad()
        let opt = try Adam([p], lr: 0.1, weightDecay: 0.01)
        let target = try Tensor([1, 2, 3] as [Float])
        for (step, expected) in (conv["adam"] as! [[NSNumber]]).enumerated() {
            opt.zeroGrad()
            try (p - target).pow(2).sum().backward()
            try opt.step()
            for (a, b) in zip(p.floats, expected.map(\.floatValue)) {
                XCTAssertEqual(a, b, accuracy: 1e-6, "step \(step)")
            }
        }
    }

    // MARK: safetensors

    func tinyNet() throws -> Sequential {
        Sequential(try Conv2d(1, 2, kernelSize: 3), ReLU(), Flatten(), try Linear(32, 3))
    }

    func testLoadsPyTorchsSafetensorsAndReproducesItsOutput() throws {
        let json = Fixture.json("tiny_convnet.json")
        let net = try tinyNet()
        try net.loadSafetensors(try Data(contentsOf: Fixture.folder.appendingPathComponent("tiny_convnet.safetensors")))
        let state = json["state_dict"] as! [String: Any]
        for (name, t) in net.namedParameters {
            XCTAssertEqual(t.floats, ((state[name] as! [String: Any])["values"] as! [NSNumber]).map(\.floatValue), name)
        }
        let input = json["input"] as! [String: Any]
        let x = try Tensor(
            (input["values"] as! [NSNumber]).map(\.floatValue), shape: (input["shape"] as! [NSNumber]).map(\.intValue))
        assertClose(try net(x), (json["output"] as! [NSNumber]).map(\.floatValue), "tiny convnet output")
    }

    func testSafetensorsRoundTripAndErrors() throws {
        let a = try tinyNet(), b = try tinyNet()
        let data = try a.safetensors(metadata: ["by": "runbook"])
        try b.loadSafetensors(data)
        for (p, q) in zip(a.parameters, b.parameters) { XCTAssertEqual(p.floats, q.floats) }
        XCTAssertEqual(try a.safetensors(metadata: ["by": "runbook"]), data, "same bytes every time")

        XCTAssertThrowsError(try Sequential(try Linear(2, 2)).loadSafetensors(data)) {
            XCTAssertTrue("\($0)".contains("missing 0.bias, 0.weight") || "\($0)".contains("missing"), "\($0)")
        }
        var bad = data
        bad[6] = 0x7F
        XCTAssertThrowsError(try b.loadSafetensors(bad)) { XCTAssertTrue("\($0)".contains("header length"), "\($0)") }
        let wrongShape = try SafeTensors.encode(
            a.namedParameters.map { ($0.name, $0.name == "3.bias" ? try Tensor.zeros([4]) : $0.tensor) })
        XCTAssertThrowsError(try b.loadSafetensors(wrongShape)) {
            XCTAssertTrue("\($0)".contains("'3.bias' is torch.float32 [4] in the file but torch.float32 [3]"), "\($0)")
        }
    }
}
