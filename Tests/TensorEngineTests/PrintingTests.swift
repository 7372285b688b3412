import XCTest

@testable import TensorEngine

/// Tensor and module printing against PyTorch's own text (Fixtures/printing.json, recorded by
/// record_printing.py).
final class PrintingTests: XCTestCase {
    let expected = Fixture.json("printing.json")
    func text(_ key: String) -> String { expected[key] as! String }

    func testTutorialParameters() throws {
        TorchGenerator.global.manualSeed(2)
        let net = Sequential(try Linear(1, 5), ReLU(), try Linear(5, 1))
        let l1 = net[0] as! Linear, l2 = net[2] as! Linear
        XCTAssertEqual(l1.weight.description, text("weights1"))
        XCTAssertEqual(l1.bias!.description, text("biases1"))
        XCTAssertEqual(l2.weight.description, text("weights2"))
        XCTAssertEqual(l2.bias!.description, text("biases2"))
        XCTAssertTrue(net[1].parameters.isEmpty)
        XCTAssertEqual(net.description, text("sequential"))
        // PyTorch 2.15 names the 1-D node UnsafeViewBackward0; the tutorial (and we) AddBackward0.
        XCTAssertEqual(try net(Tensor([2.3])).description, "tensor([0.2739], grad_fn=<AddBackward0>)")
        XCTAssertEqual(try net(Tensor([2.3, 1.7, 3.6], shape: [3, 1])).description, text("network_batch"))
    }

    func testFormats() throws {
        XCTAssertEqual(try Tensor.arange(0, 10).description, text("arange10"))
        XCTAssertEqual(try Tensor.arange(0, 2000).description, text("arange2000"))
        XCTAssertEqual(try Tensor([1e-5, 1]).description, text("sci"))
        XCTAssertEqual(try Tensor([1, 2] as [Float]).description, text("ints_as_float"))
        XCTAssertEqual(try Tensor([1e9, 1] as [Float]).description, text("int_sci"))
        XCTAssertEqual(try Tensor.zeros([2, 3]).description, text("zeros23"))
        XCTAssertEqual(try Tensor.zeros([2, 2, 2]).description, text("zeros222"))
        let g = TorchGenerator(seed: 0)
        XCTAssertEqual(try Tensor.randn([40], generator: g).description, text("randn40"))
        g.manualSeed(0)
        XCTAssertEqual(try Tensor.randn([3, 4], generator: g).description, text("randn34"))
        g.manualSeed(0)
        XCTAssertEqual(try Tensor.randn([50, 50], generator: g).description, text("randn50x50"))
        XCTAssertEqual(try Tensor([1, 0], shape: [2]).ne(Tensor([0, 0])).description, text("bools"))
        XCTAssertEqual(try Tensor([1.5, .nan, .infinity, -.infinity] as [Float]).description, text("nonfinite"))
        XCTAssertEqual(try Tensor([1.5], dtype: .float64).description, text("float64"))
        XCTAssertEqual(try Tensor([] as [Float]).description, text("empty"))
        XCTAssertEqual(try Tensor.zeros([0, 3]).description, text("empty_2d"))
        XCTAssertEqual(try Tensor([] as [Int]).description, text("empty_int"))
        XCTAssertEqual(Tensor(scalar: 3.5).description, text("scalar"))
        XCTAssertEqual(Tensor(scalar: 2, dtype: .int64).description, text("int_scalar"))
        XCTAssertEqual(try Tensor.ones([2]).requiringGrad().description, text("requires_grad"))
        g.manualSeed(0)
        XCTAssertEqual(try (Tensor.randn([9], generator: g).requiringGrad() * 2).description, text("long_grad_fn"))
        XCTAssertEqual(try Tensor([0.5, -120.25, 3, 0.001], shape: [2, 2]).description, text("mixed_magnitudes"))
    }

    final class Net: Module {
        let hidden = try! Linear(1, 1), output = try! Linear(1, 1)
        override init() {
            super.init()
            registerModule("hidden_layer", hidden)
            registerModule("output_layer", output)
        }
    }

    func testModules() throws {
        XCTAssertEqual(Net().description, text("net"))
        XCTAssertEqual(
            Net().namedParameters.map(\.name),
            ["hidden_layer.weight", "hidden_layer.bias", "output_layer.weight", "output_layer.bias"])
        let mlp = Sequential(
            Flatten(), try Linear(784, 128), ReLU(), try Linear(128, 64), ReLU(),
            try Linear(64, 10), LogSoftmax(dim: 1))
        XCTAssertEqual(mlp.description, text("mlp"))
        let nested = Sequential(Sequential(try Linear(2, 2, bias: false), Tanh()), Sigmoid(), Softmax(dim: 1))
        XCTAssertEqual(nested.description, text("nested"))
        XCTAssertEqual(nested.namedParameters.map(\.name), ["0.0.weight"])
        XCTAssertEqual(
            [MSELoss(), CrossEntropyLoss(), NLLLoss(), BCELoss()].map(\.description),
            expected["losses"] as! [String])
    }
}
