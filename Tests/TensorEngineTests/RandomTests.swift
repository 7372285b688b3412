import XCTest

@testable import TensorEngine

/// Generator vectors recorded from PyTorch 2.15 and numpy 2.4 (seeds 0 and 2), bit for bit.
final class RandomTests: XCTestCase {
    func torchItem(_ seed: String, _ key: String, _ sub: String? = nil) -> Any {
        let item = lookup(Fixture.rng, "torch", seed, key)
        return sub.map { lookup(item as! [String: Any], $0) } ?? item
    }

    func testMT19937MatchesReferenceOutputs() {
        // The first outputs of init_genrand(5489), from the MT19937 reference implementation.
        var mt = MT19937(seed: 5489)
        XCTAssertEqual((0..<3).map { _ in mt.next() }, [3499211612, 581869302, 3890346734])
        // torch seeds the engine with the low 32 bits of its 64-bit seed.
        var a = MT19937(seed: 1 << 32), b = MT19937(seed: 0)
        XCTAssertEqual(a.next64(), b.next64())
    }

    func testTorchUniformAndNormal() throws {
        for seed in ["0", "2"] {
            let g = TorchGenerator(seed: UInt64(seed)!)
            func fresh() -> TorchGenerator {
                g.manualSeed(UInt64(seed)!)
                return g
            }
            assertBits(
                try Tensor.rand([20], generator: fresh()), f32Bits(torchItem(seed, "rand(20)")), "seed \(seed) rand(20)"
            )
            for n in [5, 15, 16, 20] {
                assertBits(
                    try Tensor.randn([n], generator: fresh()), f32Bits(torchItem(seed, "randn(\(n))")),
                    "seed \(seed) randn(\(n))")
            }
            let r37 = try Tensor.randn([3, 7], generator: fresh())
            XCTAssertEqual(r37.shape, [3, 7])
            assertBits(r37, f32Bits(torchItem(seed, "randn(3,7)")), "seed \(seed) randn(3,7)")
            XCTAssertEqual(
                try Tensor.randn([5], dtype: .float64, generator: fresh()).scalars.map(\.bitPattern),
                f64Bits(torchItem(seed, "randn(5,dtype=float64)")), "seed \(seed) randn float64")
            XCTAssertEqual(
                try Tensor.rand([5], dtype: .float64, generator: fresh()).scalars.map(\.bitPattern),
                f64Bits(torchItem(seed, "rand(5,dtype=float64)")), "seed \(seed) rand float64")
            assertBits(
                try Tensor.zeros([40]).uniform_(from: -1, to: 1, generator: fresh()),
                f32Bits(torchItem(seed, "empty(40).uniform_(-1,1)")), "seed \(seed) uniform_")
            assertBits(
                try Tensor.zeros([10]).normal_(mean: 0, std: 0.01, generator: fresh()),
                f32Bits(torchItem(seed, "empty(10).normal_(0,0.01)")), "seed \(seed) normal_ <16")
            assertBits(
                try Tensor.zeros([20]).normal_(mean: 0.5, std: 0.01, generator: fresh()),
                f32Bits(torchItem(seed, "empty(20).normal_(0.5,0.01)")), "seed \(seed) normal_ 20")
        }
    }

    func testTorchIntegerDraws() throws {
        for seed in ["0", "2"] {
            let g = TorchGenerator(seed: UInt64(seed)!)
            XCTAssertEqual(g.randperm(10), ints(torchItem(seed, "randperm(10)")))
            g.manualSeed(UInt64(seed)!)
            XCTAssertEqual(
                try Tensor.randperm(100, generator: g).integers.map(Int.init), ints(torchItem(seed, "randperm(100)")))
            g.manualSeed(UInt64(seed)!)
            XCTAssertEqual(try g.randint(0, 10, count: 10), ints(torchItem(seed, "randint(0,10,(10,))")))
            g.manualSeed(UInt64(seed)!)
            XCTAssertEqual(
                try Tensor.randint(-5, 1000, [10], generator: g).integers.map(Int.init),
                ints(torchItem(seed, "randint(-5,1000,(10,))")))
        }
    }

    /// The normal cache survives across calls: randn(3) leaves one value that randn(1) returns.
    func testTorchSequenceSharesTheNormalCache() throws {
        for seed in ["0", "2"] {
            let g = TorchGenerator(seed: UInt64(seed)!)
            let expected = torchItem(seed, "sequence: randn(3),rand(2),randn(1),randn(17)") as! [Any]
            let got = [
                try Tensor.randn([3], generator: g), try Tensor.rand([2], generator: g),
                try Tensor.randn([1], generator: g), try Tensor.randn([17], generator: g),
            ]
            for (i, (t, e)) in zip(got, expected).enumerated() {
                assertBits(t, f32Bits(e), "seed \(seed) sequence item \(i)")
            }
        }
    }

    func testDefaultInitMatchesPyTorch() throws {
        for seed in ["0", "2"] {
            let s = UInt64(seed)!
            let g = TorchGenerator(seed: s)
            let k0 = try Tensor.zeros([4, 3])
            try Init.kaimingUniform_(k0, generator: g)
            assertBits(k0, f32Bits(torchItem(seed, "kaiming_uniform_(empty(4,3)) a=0")), "seed \(seed) kaiming a=0")
            g.manualSeed(s)
            let k5 = try Tensor.zeros([4, 3])
            try Init.kaimingUniform_(k5, a: 5.0.squareRoot(), generator: g)
            assertBits(
                k5, f32Bits(torchItem(seed, "kaiming_uniform_(empty(4,3), a=sqrt(5))")), "seed \(seed) kaiming a=√5")

            g.manualSeed(s)
            let big = try Linear(784, 128, generator: g)
            let w = big.weight.floats, b = big.bias!.floats
            let key = "Linear(784,128)"
            XCTAssertEqual(w.prefix(5).map(\.bitPattern), f32Bits(torchItem(seed, key, "weight[:5] (row-major flat)")))
            XCTAssertEqual(w.suffix(5).map(\.bitPattern), f32Bits(torchItem(seed, key, "weight[-5:]")))
            XCTAssertEqual(b.prefix(5).map(\.bitPattern), f32Bits(torchItem(seed, key, "bias[:5]")))
            XCTAssertEqual(b.suffix(5).map(\.bitPattern), f32Bits(torchItem(seed, key, "bias[-5:]")))

            g.manualSeed(s)
            let small = try Linear(1, 5, generator: g)
            assertBits(
                small.weight, f32Bits(torchItem(seed, "Linear(1,5)", "weight")), "seed \(seed) Linear(1,5).weight")
            assertBits(small.bias!, f32Bits(torchItem(seed, "Linear(1,5)", "bias")), "seed \(seed) Linear(1,5).bias")

            // Conv2d(1, 20, 5) draws its weight (20×1×5×5) and bias with the same rule, fan_in 25.
            g.manualSeed(s)
            let cw = try Tensor.zeros([20, 1, 5, 5])
            try Init.kaimingUniform_(cw, a: 5.0.squareRoot(), generator: g)
            let cb = try Tensor.zeros([20]).uniform_(from: -0.2, to: 0.2, generator: g)
            XCTAssertEqual(
                cw.floats.prefix(5).map(\.bitPattern), f32Bits(torchItem(seed, "Conv2d(1,20,5)", "weight[:5] (flat)")))
            XCTAssertEqual(
                cw.floats.suffix(5).map(\.bitPattern), f32Bits(torchItem(seed, "Conv2d(1,20,5)", "weight[-5:]")))
            XCTAssertEqual(
                cb.floats.prefix(5).map(\.bitPattern), f32Bits(torchItem(seed, "Conv2d(1,20,5)", "bias[:5]")))
            XCTAssertEqual(
                cb.floats.suffix(5).map(\.bitPattern), f32Bits(torchItem(seed, "Conv2d(1,20,5)", "bias[-5:]")))
        }
    }

    func testDataLoaderShuffleOrder() {
        let g = TorchGenerator(seed: 0)
        let loader = lookup(Fixture.rng, "dataloader") as! [String: Any]
        for epoch in ["seed0_bs4_n20_epoch1_batches", "seed0_bs4_n20_epoch2_batches"] {
            let order = g.dataLoaderOrder(20)
            let batches = stride(from: 0, to: 20, by: 4).map { Array(order[$0..<$0 + 4]) }
            XCTAssertEqual(batches, (loader[epoch] as! [Any]).map(ints), epoch)
        }
    }

    func testNumpyLegacy() {
        for seed in ["0", "2"] {
            let rs = NumpyRandomState(seed: UInt32(seed)!)
            func item(_ key: String) -> Any { lookup(Fixture.rng, "numpy_legacy", seed, key) }
            func fresh() -> NumpyRandomState {
                rs.seed(UInt32(seed)!)
                return rs
            }
            // Doubles are compared by their recorded bit patterns.
            func bits(_ v: [Double]) -> [UInt64] { v.map(\.bitPattern) }
            XCTAssertEqual(bits(fresh().uniform(-3, 3, count: 5)), f64Bits(item("uniform(-3,3,5)")))
            XCTAssertEqual(bits(fresh().rand(count: 5)), f64Bits(item("rand(5)")))
            XCTAssertEqual(bits(fresh().randn(count: 5)), f64Bits(item("randn(5)")))
            XCTAssertEqual(bits(fresh().normal(0, 1, count: 5)), f64Bits(item("normal(0,1,5)")))
            XCTAssertEqual(fresh().permutation(10), ints(item("permutation(10)")))
            XCTAssertEqual(try fresh().randint(0, 10, count: 5), ints(item("randint(0,10,5)")))
            XCTAssertEqual(try fresh().randint(0, 1000, count: 5), ints(item("randint(0,1000,5)")))
            var a = Array(0..<20)
            fresh().shuffle(&a)
            XCTAssertEqual(a, ints(item("shuffle(arange(20))")))
            let seq = item("sequence: randn(3), rand(1), randn(2)") as! [Any]
            let r = fresh()
            XCTAssertEqual([r.randn(count: 3), r.rand(count: 1), r.randn(count: 2)].map(bits), seq.map(f64Bits))
        }
    }

    func testGeneratorsAreIndependentValues() throws {
        let a = TorchGenerator(seed: 2), b = TorchGenerator(seed: 2)
        _ = try Tensor.rand([3], generator: a)
        XCTAssertNotEqual(try Tensor.rand([1], generator: a).floats, try Tensor.rand([1], generator: b).floats)
    }
}
