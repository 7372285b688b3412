import ArgumentParser
import Foundation
import Notebook
import Plotting
import TensorEngine

/// `runbook bench`: times the engine on the tutorials' workloads (run from a release build).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the tensor engine on the tutorials' workloads.",
        discussion: """
            Each workload runs --runs times after one warm-up run (the convnet epochs once); the \
            table shows the median, fastest and slowest run. Build in release mode first \
            (`make bench` does): a debug build is 10–100× slower.

            Workloads:
              x2-loop                       x² tutorial: Linear(1,10)–ReLU–Linear(10,1), MSE, SGD, 10,000 steps
              notebook-x2-loop              the same loop written as a notebook cell, run by the interpreter
              mlp-epoch-fashion             784-128-64-10 ReLU MLP, log-softmax + NLL, SGD 0.03, batch 64, one shuffled epoch
              convnet-simple-epoch-fashion  Conv2d(1,20,5)–sigmoid–pool–Linear(2880,100)–Linear(100,10), batch 10, one epoch
              convnet-relu-epoch-fashion    the two-convolution ReLU net, batch 10, lr 0.03, wd 5e-5, one epoch
              mlp-inference-10k             the MLP on the 10,000 test images, batches of 1000
              gemm-1024                     a 1024×1024 by 1024×1024 float32 product (GFLOP/s and share of peak)
              gemm-mlp                      the MLP's products at batch 64 (forward and backward)
              fma-peak                      independent vector multiply-adds: what the cores can reach
              mlp-peak-rss                  the process's peak memory after the MLP epoch
              plot-800x500                  an 800×500 line plot of 300 points, rendered and PNG-encoded
              animation-100                 a 100-frame animated GIF of the x² training plot

            --compare runs bench/torch_bench.py with the same workloads when `import torch` works \
            and prints the ratio (PyTorch time / Runbook time; above 1 means Runbook is faster).
            """)

    @Option(help: "Timed runs per workload.")
    var runs = 3

    @Option(help: ArgumentHelp("Run one workload only.", valueName: "name"))
    var only: String?

    @Option(help: ArgumentHelp("Threads for the engine's matrix products.", valueName: "n"))
    var threads = 2

    @Flag(help: "Print the results as a JSON array (name, median_s, min_s, max_s, gflops, peak_rss_bytes).")
    var json = false

    @Flag(help: "Also run the PyTorch scripts in bench/ and print the ratios.")
    var compare = false

    static let names = [
        "x2-loop", "notebook-x2-loop", "mlp-epoch-fashion", "convnet-simple-epoch-fashion",
        "convnet-relu-epoch-fashion",
        "mlp-inference-10k", "gemm-1024", "gemm-mlp", "fma-peak", "mlp-peak-rss", "plot-800x500", "animation-100",
    ]

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let only, !Bench.names.contains(only) {
            throw ValidationError("unknown workload '\(only)'; one of: \(Bench.names.joined(separator: ", "))")
        }
    }

    func run() throws {
        engineThreads = threads
        var results: [BenchResult] = []
        func want(_ name: String) -> Bool { only == nil || only == name }
        if want("x2-loop") { results.append(try measure("x2-loop", runs: runs) { try x2Loop(steps: 10_000) }) }
        if want("notebook-x2-loop") {
            let document = try Reader.read(path: "bench.md", source: x2LoopNotebook)
            let parameters = try Runner.parameters(document, overrides: [])
            results.append(
                try measure("notebook-x2-loop", runs: runs) {
                    let result = Runner().run(document, parameters: parameters)
                    if let failed = result.failedCell {
                        throw ValidationError("notebook-x2-loop failed in cell \(failed.cell.index + 1)")
                    }
                })
        }
        let needsFashion = [
            "mlp-epoch-fashion", "convnet-simple-epoch-fashion", "convnet-relu-epoch-fashion", "mlp-inference-10k",
            "mlp-peak-rss",
        ].contains(where: want)
        if needsFashion {
            let train = try Datasets.fashionMNIST(train: true), test = try Datasets.fashionMNIST(train: false)
            for d in [train, test] { d.normalization = (0.2860, 0.3530) }
            TorchGenerator.global.manualSeed(0)
            let mlp = Sequential(
                Flatten(), try Linear(784, 128), ReLU(), try Linear(128, 64), ReLU(), try Linear(64, 10),
                LogSoftmax(dim: 1))
            if want("mlp-epoch-fashion") || want("mlp-peak-rss") {
                let r = try measure("mlp-epoch-fashion", runs: runs) {
                    try epoch(mlp, train, batch: 64, lr: 0.03, loss: NLLLoss(), flatten: true)
                }
                if want("mlp-epoch-fashion") { results.append(r) }
                if want("mlp-peak-rss") {
                    results.append(BenchResult(name: "mlp-peak-rss", median: 0, min: 0, max: 0, peakRSS: peakRSS()))
                }
            }
            if want("convnet-simple-epoch-fashion") {
                let net = Sequential(
                    try Conv2d(1, 20, kernelSize: 5), Sigmoid(), MaxPool2d(2), Flatten(), try Linear(2880, 100),
                    Sigmoid(), try Linear(100, 10))
                results.append(
                    try measure("convnet-simple-epoch-fashion", runs: 1, warmUp: false) {
                        try epoch(net, train, batch: 10, lr: 0.1, loss: CrossEntropyLoss(), flatten: false)
                    })
            }
            if want("convnet-relu-epoch-fashion") {
                let net = Sequential(
                    try Conv2d(1, 20, kernelSize: 5), ReLU(), MaxPool2d(2), try Conv2d(20, 40, kernelSize: 5), ReLU(),
                    MaxPool2d(2),
                    Flatten(), try Linear(640, 100), ReLU(), try Linear(100, 10))
                results.append(
                    try measure("convnet-relu-epoch-fashion", runs: 1, warmUp: false) {
                        try epoch(
                            net, train, batch: 10, lr: 0.03, loss: CrossEntropyLoss(), flatten: false, weightDecay: 5e-5
                        )
                    })
            }
            if want("mlp-inference-10k") {
                mlp.eval()
                let batches = try stride(from: 0, to: 10_000, by: 1000).map {
                    try test.batch(Array($0..<($0 + 1000)), flatten: true).images
                }
                results.append(
                    try measure("mlp-inference-10k", runs: Swift.max(runs, 5)) {
                        try noGrad { for x in batches { _ = try mlp(x) } }
                    })
            }
        }
        if want("gemm-1024") {
            let a = try Tensor.randn([1024, 1024]), b = try Tensor.randn([1024, 1024])
            var r = try measure("gemm-1024", runs: Swift.max(runs, 5)) { _ = try a.mm(b) }
            r.gflops = 2 * pow(1024, 3) / r.median / 1e9
            results.append(r)
        }
        if want("gemm-mlp") {
            let shapes = [(64, 784, 128), (64, 128, 64), (64, 64, 10), (784, 64, 128), (64, 128, 784)]
            let pairs = try shapes.map { (try Tensor.randn([$0.0, $0.1]), try Tensor.randn([$0.1, $0.2])) }
            var r = try measure("gemm-mlp", runs: Swift.max(runs, 20)) { for (a, b) in pairs { _ = try a.mm(b) } }
            r.gflops = shapes.reduce(0.0) { $0 + 2 * Double($1.0 * $1.1 * $1.2) } / r.median / 1e9
            results.append(r)
        }
        if want("fma-peak") {
            var r = BenchResult(name: "fma-peak", median: 0, min: 0, max: 0)
            r.gflops = measureFMAPeak()
            results.append(r)
        }
        if want("plot-800x500") || want("animation-100") {
            let xs = (0..<300).map { Double($0) / 299 * 6 - 3 }
            func figure(_ shift: Double) -> Figure {
                let f = Figure(width: 800, height: 500)
                f.axes[0].series.append(
                    .line(xs: xs, ys: xs.map { $0 * $0 + shift }, color: nil, width: 2, label: "fit"))
                f.axes[0].title = "loss = \(shift)"
                return f
            }
            if want("plot-800x500") {
                results.append(try measure("plot-800x500", runs: Swift.max(runs, 10)) { _ = figure(0).render().png() })
            }
            if want("animation-100") {
                results.append(
                    try measure("animation-100", runs: runs) {
                        _ = GIF.encode((0..<100).map { figure(Double($0) / 50).render() })
                    })
            }
        }
        let torch = compare ? torchResults() : [:]
        if json {
            print("[" + results.map { $0.json }.joined(separator: ", ") + "]")
        } else {
            print("workload                           median        min        max  notes")
            for r in results {
                var notes = ""
                if let g = r.gflops {
                    notes += String(format: "%.1f GFLOP/s (%.0f%% of %.0f peak)", g, g / 358.4 * 100, 358.4)
                }
                if let m = r.peakRSS { notes += String(format: "peak RSS %.0f MB", Double(m) / 1e6) }
                if let t = torch[r.name] {
                    if let tm = t.peakRSS, r.peakRSS != nil {
                        notes += String(format: "; PyTorch %.0f MB", Double(tm) / 1e6)
                    } else if r.median > 0 {
                        notes += String(
                            format: "%@PyTorch %.4f s, %.1f× faster", notes.isEmpty ? "" : "; ", t.median,
                            t.median / r.median)
                    }
                }
                let times =
                    r.median > 0
                    ? String(format: "%9.4f s %9.4f s %9.4f s", r.median, r.min, r.max)
                    : String(repeating: " ", count: 35)
                print(r.name.padding(toLength: 31, withPad: " ", startingAt: 0) + times + "  " + notes)
            }
        }
    }

    /// Runs bench/torch_bench.py (with --only when given) and reads its JSON.
    func torchResults() -> [String: BenchResult] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments =
            ["python3", "bench/torch_bench.py", "--json", "--runs", String(runs)] + (only.map { ["--only", $0] } ?? [])
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.standardError
        guard (try? p.run()) != nil else { return [:] }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0, let rows = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else {
            FileHandle.standardError.write(Data("bench: PyTorch comparison unavailable (is torch installed?)\n".utf8))
            return [:]
        }
        var out2: [String: BenchResult] = [:]
        for row in rows {
            guard let name = row["name"] as? String else { continue }
            out2[name] = BenchResult(
                name: name, median: row["median_s"] as? Double ?? 0, min: row["min_s"] as? Double ?? 0,
                max: row["max_s"] as? Double ?? 0, gflops: row["gflops"] as? Double,
                peakRSS: (row["peak_rss_bytes"] as? NSNumber)?.intValue)
        }
        return out2
    }
}

struct BenchResult {
    let name: String
    let median: Double, min: Double, max: Double
    var gflops: Double? = nil
    var peakRSS: Int? = nil

    var json: String {
        var s = "{\"name\": \"\(name)\", \"median_s\": \(median), \"min_s\": \(min), \"max_s\": \(max)"
        if let gflops { s += ", \"gflops\": \(gflops)" }
        if let peakRSS { s += ", \"peak_rss_bytes\": \(peakRSS)" }
        return s + "}"
    }
}

func measure(_ name: String, runs: Int, warmUp: Bool = true, _ body: () throws -> Void) throws -> BenchResult {
    if warmUp { try body() }
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    times.sort()
    return BenchResult(name: name, median: times[times.count / 2], min: times.first!, max: times.last!)
}

/// The process's peak resident memory in bytes.
func peakRSS() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}

/// One shuffled epoch of SGD training.
func epoch(
    _ net: Module, _ data: ImageDataset, batch: Int, lr: Double, loss: Loss, flatten: Bool, weightDecay: Double = 0
) throws {
    let optimizer = try SGD(net.parameters, lr: lr, weightDecay: weightDecay)
    for (x, y) in try DataLoader(data, batchSize: batch, shuffle: true, flatten: flatten) {
        let l = try loss(try net(x), y)
        optimizer.zeroGrad()
        try l.backward()
        try optimizer.step()
    }
}

/// The x² loop of `x2Loop` as a notebook: the same seeds, network and 10,000 steps, run through the
/// cell language.
let x2LoopNotebook = """
    ---
    seed: 2
    params:
      steps: 10000
    ---
    ```swift runbook
    let x = np.random.uniform(-3, 3, size: [20, 1]).float()
    let y = x * x
    let net = Sequential(Linear(1, 10), ReLU(), Linear(10, 1))
    let criterion = MSELoss()
    let optimizer = SGD(net.parameters(), lr: 0.001)
    for _ in 0..<steps {
        let loss = criterion(net(x), y)
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
    }
    ```
    """

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
