import XCTest

@testable import TensorEngine

/// SGD and the losses against PyTorch (Fixtures/optim.json, recorded by record_optim.py).
final class OptimTests: XCTestCase {
    let recorded = Fixture.json("optim.json")

    func bits(_ any: Any) -> [UInt32] { (any as! [String]).map { UInt32($0.dropFirst(2), radix: 16)! } }

    func testSGDVariantsFollowTorchOptimSGD() throws {
        let sgd = recorded["sgd"] as! [String: Any]
        for (name, entry) in sgd {
            let cfg = (entry as! [String: Any])["config"] as! [String: Any]
            func number(_ key: String) -> Double { (cfg[key] as? NSNumber)?.doubleValue ?? 0 }
            let p = try Tensor([0.5, -1.25, 2.0]).requiringGrad()
            let opt = try SGD(
                [p], lr: number("lr"), momentum: number("momentum"), dampening: number("dampening"),
                weightDecay: number("weight_decay"), nesterov: (cfg["nesterov"] as? Bool) ?? false)
            let target = try Tensor([1, 2, 3] as [Float]), weight = try Tensor([1, 0.5, 2])
            for (step, expected) in ((entry as! [String: Any])["trajectory"] as! [Any]).enumerated() {
                opt.zeroGrad()
                let loss = try ((p - target).pow(2) * weight).sum()
                try loss.backward()
                try opt.step()
                assertBits(p, bits(expected), "\(name) step \(step)")
            }
        }
    }

    func testLossesMatchPyTorch() throws {
        let losses = recorded["losses"] as! [String: Any]
        let x = try Tensor([0.2, -1.0, 0.5, 2.0, 1.5, 0.1, -0.3, 0.0, -0.7, 0.8, 0.9, -1.2], shape: [3, 4])
        let flipped = try Tensor.cat([x.select(2).unsqueeze(0), x.select(1).unsqueeze(0), x.select(0).unsqueeze(0)])
        let labels = try Tensor([3, 0, 2])
        let probs = try Tensor([0.1, 0.8, 0.35, 0.999]), targets = try Tensor([0, 1, 1, 0] as [Float])
        for reduction in [Reduction.mean, .sum, .none] {
            let r = reduction.rawValue
            // Within one ulp: PyTorch's log-softmax and exp kernels are vectorised (Sleef).
            assertULP(
                try CrossEntropyLoss(reduction: reduction)(x, labels), bits(losses["cross_entropy_" + r]!), ulps: 2,
                "cross entropy \(r)")
            assertULP(
                try NLLLoss(reduction: reduction)(x.logSoftmax(dim: 1), labels), bits(losses["nll_" + r]!), ulps: 2,
                "nll \(r)")
            assertULP(try BCELoss(reduction: reduction)(probs, targets), bits(losses["bce_" + r]!), ulps: 2, "bce \(r)")
            assertBits(try MSELoss(reduction: reduction)(x, flipped), bits(losses["mse_" + r]!), "mse \(r)")
        }
        assertULP(try x.softmax(dim: 1), bits(recorded["softmax"]!), ulps: 2, "softmax")
        assertULP(try x.logSoftmax(dim: 1), bits(recorded["log_softmax"]!), ulps: 2, "log_softmax")
    }

    func testSGDArgumentChecks() {
        XCTAssertThrowsError(try SGD([], lr: -1))
        XCTAssertThrowsError(try SGD([], lr: 0.1, nesterov: true))
        XCTAssertThrowsError(try SGD([], lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true))
    }

    func testZeroGradClearsGradients() throws {
        let net = Sequential(try Linear(2, 2), ReLU(), try Linear(2, 1))
        try net(Tensor([1, 2] as [Float])).sum().backward()
        XCTAssertTrue(net.parameters.allSatisfy { $0.grad != nil })
        net.zeroGrad()
        XCTAssertTrue(net.parameters.allSatisfy { $0.grad == nil })
    }
}
