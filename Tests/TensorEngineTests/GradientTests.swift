import XCTest

@testable import TensorEngine

/// Finite-difference checks of every differentiable op, in float64.
final class GradientTests: XCTestCase {
    let g = TorchGenerator(seed: 7)

    func input(_ shape: [Int], positive: Bool = false) throws -> Tensor {
        let t = try Tensor.randn(shape, dtype: .float64, generator: g)
        return positive ? try t.abs() + 0.5 : t
    }

    /// Compares backward() of Σ w·f(inputs) with central differences for every input element.
    func check(
        _ name: String, _ inputs: [Tensor], atol: Double = 1e-6,
        file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) throws -> Tensor
    ) throws {
        for x in inputs { try x.requiringGrad() }
        let probe = try f(inputs)
        let weights = try Tensor.randn(probe.shape, dtype: .float64, generator: g)
        try (probe * weights).sum().backward()
        let eps = 1e-6
        for (n, x) in inputs.enumerated() {
            guard let analytic = x.grad?.scalars else {
                XCTFail("\(name): no gradient for input \(n)", file: file, line: line)
                continue
            }
            let base = x.contiguousData()
            for i in 0..<x.count {
                let saved = base.storage.doubles[i]
                base.storage.doubles[i] = saved + eps
                let up = try noGrad { try (f(inputs) * weights).sum().item() }
                base.storage.doubles[i] = saved - eps
                let down = try noGrad { try (f(inputs) * weights).sum().item() }
                base.storage.doubles[i] = saved
                let numeric = (up - down) / (2 * eps)
                if Swift.abs(numeric - analytic[i]) > atol + 1e-5 * Swift.abs(numeric) {
                    XCTFail(
                        "\(name): d/dinput\(n)[\(i)] analytic \(analytic[i]) vs numeric \(numeric)", file: file,
                        line: line)
                    return
                }
            }
        }
    }

    func testArithmeticWithBroadcasting() throws {
        try check("add", [input([2, 3]), input([3])]) { try $0[0] + $0[1] }
        try check("sub", [input([2, 1]), input([1, 3])]) { try $0[0] - $0[1] }
        try check("mul", [input([2, 3]), input([2, 1])]) { try $0[0] * $0[1] }
        try check("div", [input([3]), input([2, 3], positive: true)]) { try $0[0] / $0[1] }
        try check("neg", [input([4])]) { try -$0[0] }
        try check("scalar ops", [input([3])]) { try (2 - $0[0]) * 3 / 4 + 1 }
        try check("reuse", [input([3])]) { try $0[0] * $0[0] + $0[0] }
    }

    func testUnaryMath() throws {
        try check("exp", [input([5])]) { $0[0].exp() }
        try check("log", [input([5], positive: true)]) { $0[0].log() }
        try check("sin", [input([5])]) { $0[0].sin() }
        try check("cos", [input([5])]) { $0[0].cos() }
        try check("log1p", [input([5], positive: true)]) { $0[0].log1p() }
        try check("sqrt", [input([5], positive: true)]) { $0[0].sqrt() }
        try check("abs", [input([5])]) { $0[0].abs() }
        try check("pow 2", [input([5])]) { $0[0].pow(2) }
        try check("pow 3.5", [input([5], positive: true)]) { $0[0].pow(3.5) }
        try check("clamp", [try Tensor([-2, -0.3, 0.2, 0.7, 3], dtype: .float64)]) { $0[0].clamp(min: -0.5, max: 0.5) }
    }

    func testActivations() throws {
        try check("relu", [try Tensor([-1.5, -0.2, 0.3, 2], dtype: .float64)]) { $0[0].relu() }
        try check("sigmoid", [input([6])]) { $0[0].sigmoid() }
        try check("tanh", [input([6])]) { $0[0].tanh() }
        try check("softmax", [input([3, 4])]) { try $0[0].softmax(dim: 1) }
        try check("softmax dim 0", [input([3, 4])]) { try $0[0].softmax(dim: 0) }
        try check("logSoftmax", [input([3, 4])]) { try $0[0].logSoftmax(dim: -1) }
    }

    func testReductions() throws {
        try check("sum", [input([2, 3])]) { try $0[0].sum() }
        try check("sum dim", [input([2, 3, 4])]) { try $0[0].sum(dim: 1) }
        try check("sum keepDim", [input([2, 3])]) { try $0[0].sum(dim: 0, keepDim: true) }
        try check("mean", [input([2, 3])]) { try $0[0].mean() }
        try check("mean dim", [input([2, 3])]) { try $0[0].mean(dim: -1) }
        try check("max dim", [input([3, 4])]) { try $0[0].max(dim: 1).values }
        try check("min dim", [input([3, 4])]) { try $0[0].min(dim: 0).values }
        try check("max", [input([5])]) { try $0[0].max() }
    }

    func testMatrixProducts() throws {
        try check("mm", [input([2, 3]), input([3, 4])]) { try $0[0].mm($0[1]) }
        try check("matmul vec·vec", [input([3]), input([3])]) { try $0[0].matmul($0[1]) }
        try check("matmul mat·vec", [input([2, 3]), input([3])]) { try $0[0].matmul($0[1]) }
        try check("matmul vec·mat", [input([3]), input([3, 2])]) { try $0[0].matmul($0[1]) }
        try check("matmul batched", [input([2, 2, 3]), input([3, 2])]) { try $0[0].matmul($0[1]) }
        try check("linear 2-D (addmm)", [input([4, 3]), input([2, 3]), input([2])]) {
            try linear($0[0], weight: $0[1], bias: $0[2])
        }
        try check("linear 1-D", [input([3]), input([2, 3]), input([2])]) {
            try linear($0[0], weight: $0[1], bias: $0[2])
        }
        try check("linear transposed input", [input([3, 4]), input([2, 3]), input([2])]) {
            try linear($0[0].t, weight: $0[1], bias: $0[2])
        }
    }

    func testMovement() throws {
        try check("reshape", [input([2, 3])]) { try $0[0].reshape([3, -1]) }
        try check("view of transpose (copy)", [input([2, 3])]) { try $0[0].t.reshape([6]) }
        try check("flatten", [input([2, 3, 2])]) { try $0[0].flatten(startDim: 1) }
        try check("transpose", [input([2, 3])]) { try $0[0].transpose(0, 1) }
        try check("unsqueeze/squeeze", [input([3])]) { try $0[0].unsqueeze(0).unsqueeze(2).squeeze() }
        try check("select", [input([3, 4])]) { try $0[0].select(dim: 1, -1) }
        try check("slice", [input([6, 2])]) { try $0[0].slice(dim: 0, start: 1, end: 6, step: 2) }
        try check("indexSelect", [input([4, 2])]) { try $0[0].indexSelect(dim: 0, Tensor([3, 0, 3])) }
        try check("cat", [input([2, 3]), input([1, 3])]) { try Tensor.cat($0, dim: 0) }
        try check("stack", [input([2]), input([2])]) { try Tensor.stack($0, dim: 1) }
        try check("contiguous/clone", [input([2, 3])]) { try $0[0].t.contiguous().clone() }
    }

    func testLosses() throws {
        let labels = try Tensor([2, 0, 1])
        try check("mse", [input([3, 2]), input([3, 2])]) { try mseLoss($0[0], $0[1]) }
        try check("mse sum", [input([3])]) { try mseLoss($0[0], Tensor([1, 2, 3], dtype: .float64), reduction: .sum) }
        try check("mse none", [input([3])]) {
            try mseLoss($0[0], Tensor([1, 2, 3], dtype: .float64), reduction: .none)
        }
        try check("nll", [input([3, 4])]) { try nllLoss($0[0], labels) }
        try check("nll sum", [input([3, 4])]) { try nllLoss($0[0], labels, reduction: .sum) }
        try check("nll none", [input([3, 4])]) { try nllLoss($0[0], labels, reduction: .none) }
        try check("cross entropy", [input([3, 4])]) { try CrossEntropyLoss()($0[0], labels) }
        let target = try Tensor([0, 1, 1, 0], dtype: .float64)
        try check("bce", [try Tensor([0.2, 0.9, 0.4, 0.6], dtype: .float64)]) { try BCELoss()($0[0], target) }
    }

    /// A chain of 200,000 nodes (far deeper than the 8 MiB main-thread stack could free
    /// recursively) is freed when its last tensor goes, without overflowing the stack.
    func testADeepGraphIsFreedIteratively() throws {
        let w = try Tensor([1.0] as [Float])
        try w.requiringGrad()
        var total = try Tensor([0.0] as [Float])
        for _ in 0..<200_000 { total = try total + w }
        XCTAssertEqual(try total.item(), 200_000)
        total = try Tensor([0.0] as [Float])  // the whole chain is freed here
        XCTAssertEqual(try total.item(), 0)
    }
}
