import ArgumentParser
import Foundation
import TensorEngine

/// `runbook bench`: times the engine on the tutorials' workloads (run from a release build).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the tensor engine on the tutorials' workloads.",
        discussion: """
            Each workload runs --runs times after one warm-up run; the table shows the median, \
            fastest and slowest run. Build with `swift build -c release` (or `make bench`): a \
            debug build is 10–100× slower.

            Workloads:
              x2-loop   the x² tutorial's training loop: 20×1 inputs, Linear(1,10)–ReLU–Linear(10,1),
                        MSE, SGD lr 0.001, 10,000 full-batch steps
            """)

    @Option(help: "How many timed runs per workload.")
    var runs = 5

    @Flag(help: "Print the results as a JSON array instead of a table.")
    var json = false

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        let results = [try measure("x2-loop", runs: runs) { try x2Loop(steps: 10_000) }]
        if json {
            let rows = results.map {
                "{\"name\": \"\($0.name)\", \"median_s\": \($0.median), \"min_s\": \($0.min), \"max_s\": \($0.max)}"
            }
            print("[" + rows.joined(separator: ", ") + "]")
        } else {
            print("workload            median        min        max")
            for r in results {
                print(r.name.padding(toLength: 16, withPad: " ", startingAt: 0)
                      + String(format: "%9.4f s %9.4f s %9.4f s", r.median, r.min, r.max))
            }
        }
    }
}

struct BenchResult {
    let name: String
    let median: Double, min: Double, max: Double
}

func measure(_ name: String, runs: Int, _ body: () throws -> Void) throws -> BenchResult {
    try body()   // warm-up
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    times.sort()
    return BenchResult(name: name, median: times[times.count / 2], min: times.first!, max: times.last!)
}

/// The x² tutorial's loop (seeded as the tutorial: torch 2, numpy 2).
func x2Loop(steps: Int) throws {
    TorchGenerator.global.manualSeed(2)
    let np = NumpyRandomState(seed: 2)
    let x = try Tensor(np.uniform(-3, 3, count: 20), shape: [20, 1], dtype: .float32)
    let y = try x * x
    let net = Sequential(try Linear(1, 10), ReLU(), try Linear(10, 1))
    let criterion = MSELoss()
    let optimizer = try SGD(net.parameters, lr: 0.001)
    for _ in 0..<steps {
        let loss = try criterion(try net(x), y)
        optimizer.zeroGrad()
        try loss.backward()
        try optimizer.step()
    }
}
