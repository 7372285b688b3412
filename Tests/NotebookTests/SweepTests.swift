import CellLanguage
import Foundation
import XCTest

@testable import Notebook

/// Metrics recorded by cells, the planning of sweeps and the comparison of their points, against
/// values worked out by hand.
final class SweepTests: XCTestCase {
    func notebook(_ text: String, path: String = "Notebooks/t.md") throws -> NotebookDocument {
        try Reader.read(path: path, source: text)
    }

    func run(_ text: String) throws -> NotebookResult {
        let doc = try notebook(text)
        return Runner().run(doc, parameters: try Runner.parameters(doc, overrides: []))
    }

    let params = """
        ---
        title: T
        params:
          hidden: 4
          lr: 0.1
          act: "relu"
          deep: false
        ---

        """

    // MARK: - Metrics

    func testMetricsRecordValuesSeriesStepsAndGoals() throws {
        let result = try run(
            """
            ```swift runbook
            for i in 0..<3 { metric("loss", Double(3 - i)) }
            metric("accuracy", tensor([0.5]), step: 10)
            metric("accuracy", 0.25, step: 20)
            metric("reward", 7)
            ```
            """)
        XCTAssertNil(result.failedCell)
        XCTAssertEqual(
            result.metrics,
            [
                Metric(name: "loss", goal: .min, steps: [0, 1, 2], values: [3, 2, 1]),
                Metric(name: "accuracy", goal: .max, steps: [10, 20], values: [0.5, 0.25]),
                Metric(name: "reward", goal: .max, steps: [0], values: [7]),
            ])
        XCTAssertEqual(result.metrics[1].best?.value, 0.5)
        XCTAssertEqual(result.metrics[1].best?.step, 10)
        let outputs = Report.outputs(result)
        XCTAssertTrue(
            outputs.hasSuffix(
                """
                ## metrics
                loss: 3 values (steps 0…2); last 1.0; best (min) 1.0 at step 2
                accuracy: 2 values (steps 10…20); last 0.25; best (max) 0.5 at step 10
                reward = 7.0

                """), outputs)
        let html = Report.html(result)
        XCTAssertTrue(html.contains("<table class=\"metrics\"><caption>Metrics</caption>"))
        XCTAssertTrue(html.contains("<tr><th>reward</th><td>7</td><td></td><td>1</td><td></td></tr>"), html)
    }

    func testDefaultGoals() {
        for name in ["loss", "val_loss", "Test error", "MSE", "seconds per epoch"] {
            XCTAssertEqual(Metric.defaultGoal(name), .min, name)
        }
        for name in ["accuracy", "f1", "reward"] { XCTAssertEqual(Metric.defaultGoal(name), .max, name) }
    }

    /// A series longer than the sparkline is wide keeps each column's extremes: a one-step spike stays.
    func testSparklineKeepsASpike() {
        var values = [Double](repeating: 1, count: 10_000)
        values[6_789] = 50
        let m = Metric(name: "loss", goal: .min, steps: Array(0..<10_000), values: values)
        let svg = Report.sparkline(m)
        let points = svg.components(separatedBy: "points=\"")[1].prefix { $0 != "\"" }.split(separator: " ")
        XCTAssertLessThanOrEqual(points.count, 240)
        // The spike is the top of the line: y = 1 (one pixel below the top edge).
        XCTAssertTrue(points.contains { $0.hasSuffix(",1.0") }, "\(points.prefix(5))")
        XCTAssertEqual(points.filter { $0.hasSuffix(",1.0") }.count, 1)
    }

    // MARK: - Planning

    func testGridZipAndSeedsMakePointsInOrder() throws {
        let doc = try notebook(params)
        let spec = SweepSpec(
            grid: [try SweepSpec.axis("hidden=2,8", option: "--grid")],
            zip: [
                try SweepSpec.axis("lr=0.1,0.01", option: "--zip"),
                try SweepSpec.axis("act=relu,tanh", option: "--zip"),
            ],
            seeds: try SweepSpec.seeds("2"))
        let points = try spec.points(for: doc, fixed: ["deep=true"])
        XCTAssertEqual(points.count, 8)
        XCTAssertEqual(points[0], SweepPoint(index: 0, set: ["deep=true", "hidden=2", "lr=0.1", "act=relu"], seed: 0))
        XCTAssertEqual(points[1].seed, 1)
        XCTAssertEqual(points[3], SweepPoint(index: 3, set: ["deep=true", "hidden=2", "lr=0.01", "act=tanh"], seed: 1))
        XCTAssertEqual(points[7].set, ["deep=true", "hidden=8", "lr=0.01", "act=tanh"])
        XCTAssertEqual(
            points[3].command(notebook: "Notebooks/my notebook.md"),
            "runbook 'Notebooks/my notebook.md' --set deep=true --set hidden=2 --set lr=0.01 --set act=tanh --seed 1")
        XCTAssertEqual(try SweepSpec.seeds("3,7,11"), [3, 7, 11])
    }

    func testBadSweepsSayWhy() throws {
        let doc = try notebook(params)
        func message(_ spec: SweepSpec, fixed: [String] = []) -> String {
            do {
                _ = try spec.points(for: doc, fixed: fixed)
                return "no error"
            } catch { return "\(error)" }
        }
        let hidden = SweepSpec.Axis(name: "hidden", values: ["2", "x"])
        XCTAssertEqual(
            message(SweepSpec(grid: [hidden])), "Notebooks/t.md: parameter 'hidden' is an Int, and 'x' is not")
        XCTAssertEqual(
            message(SweepSpec(grid: [.init(name: "width", values: ["1"])])),
            "Notebooks/t.md: no parameter 'width' to sweep (parameters: hidden, lr, act, deep)")
        XCTAssertEqual(
            message(SweepSpec(zip: [.init(name: "lr", values: ["1", "2"]), .init(name: "act", values: ["a"])])),
            "sweep: zipped parameters need as many values each ('lr' has 2, 'act' 1)")
        XCTAssertEqual(
            message(SweepSpec(grid: [.init(name: "lr", values: ["1"])]), fixed: ["lr=2"]),
            "sweep: 'lr' is both set (--set) and swept")
        XCTAssertEqual(
            message(SweepSpec(grid: [.init(name: "lr", values: ["1"]), .init(name: "lr", values: ["2"])])),
            "sweep: parameter 'lr' is swept twice")
        XCTAssertThrowsError(try SweepSpec.axis("hidden", option: "--grid"))
        XCTAssertThrowsError(try SweepSpec.axis("hidden=1,,2", option: "--grid"))
        XCTAssertThrowsError(try SweepSpec.seeds("0"))
        XCTAssertThrowsError(try SweepSpec.seeds("1,1"))
        XCTAssertThrowsError(try SweepSpec.seeds("4294967296,1"))
    }

    func testFrontMatterSweep() throws {
        let doc = try notebook(
            params.replacingOccurrences(
                of: "deep: false\n",
                with: "deep: false\nsweep:\n  grid:\n    lr: [0.1, 0.01]\n    hidden: [2, 4]\n  seeds: [5, 6]\n"))
        XCTAssertEqual(
            doc.sweep,
            SweepSpec(
                grid: [.init(name: "hidden", values: ["2", "4"]), .init(name: "lr", values: ["0.1", "0.01"])],
                seeds: [5, 6]))
        XCTAssertThrowsError(
            try notebook(params.replacingOccurrences(of: "deep: false\n", with: "deep: false\nsweep:\n  grids: {}\n"))
        ) { error in
            let d = (error as! DiagnosticList).diagnostics[0]
            XCTAssertEqual(d.message, "sweep: unknown key 'grids' (known: grid, zip, seeds)")
            XCTAssertEqual(d.range.start.line, 8)
        }
    }

    func testManifestHashDetectsAnEdit() throws {
        let doc = try notebook(params)
        let plan = try SweepManifest.plan(
            doc, source: Data(params.utf8), spec: SweepSpec(seeds: [1, 2]), fixed: [], seed: nil, threads: 1,
            memory: "8G")
        XCTAssertEqual(plan.varying, ["seed"])
        XCTAssertEqual(plan.notebookHash, SweepManifest.sha256(Data(params.utf8)))
        // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        XCTAssertEqual(
            SweepManifest.sha256(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("manifest.json")
        try plan.data.write(to: url)
        XCTAssertEqual(try SweepManifest.read(url), plan)
        let edited = String(decoding: plan.data, as: UTF8.self).replacingOccurrences(
            of: "\"seed\" : 2", with: "\"seed\" : 3")
        XCTAssertNotEqual(edited, String(decoding: plan.data, as: UTF8.self))
        try Data(edited.utf8).write(to: url)
        XCTAssertThrowsError(try SweepManifest.read(url))
    }

    func testTaskIndexFromTheScheduler() {
        XCTAssertEqual(taskIndexFromEnvironment(["SLURM_ARRAY_TASK_ID": "3"]), 3)
        XCTAssertEqual(taskIndexFromEnvironment(["JOB_COMPLETION_INDEX": "5"]), 5)
        XCTAssertEqual(taskIndexFromEnvironment(["RUNBOOK_TASK_INDEX": "1", "SLURM_ARRAY_TASK_ID": "3"]), 1)
        XCTAssertNil(taskIndexFromEnvironment([:]))
    }

    // MARK: - Comparison

    /// Two settings × three seeds, one seed failed and one not run: mean and sample std by hand.
    func testComparisonAggregatesSeedsAndMarksTheBest() throws {
        let doc = try notebook(params)
        let plan = try SweepManifest.plan(
            doc, source: Data(params.utf8),
            spec: SweepSpec(grid: [.init(name: "hidden", values: ["2", "8"])], seeds: [0, 1, 2]),
            fixed: [], seed: nil, threads: 1, memory: "8G")
        func ok(_ k: Int, loss: [Double], accuracy: Double) -> SweepPointResult {
            SweepPointResult(
                point: plan.points[k], notebookHash: plan.notebookHash, status: .ok, error: nil,
                metrics: [
                    Metric(name: "loss", goal: .min, steps: Array(0..<loss.count), values: loss),
                    Metric(name: "accuracy", goal: .max, steps: [0], values: [accuracy]),
                ])
        }
        let results: [SweepPointResult?] = [
            ok(0, loss: [4, 3], accuracy: 0.5), ok(1, loss: [4, 1], accuracy: 0.7), ok(2, loss: [4, 2], accuracy: 0.9),
            ok(3, loss: [5, 0.5], accuracy: 0.6),
            SweepPointResult(
                point: plan.points[4], notebookHash: plan.notebookHash, status: .failed, error: "boom", metrics: []),
            nil,
        ]
        let files = SweepReport.files(plan, results: results)
        // hidden=2: loss 3, 1, 2 → mean 2, std 1; accuracy 0.5, 0.7, 0.9 → mean 0.7, std 0.2 (in
        // doubles, as Python's sum(v)/3 and sqrt(Σ(x−m)²/2) give them: 0.7000000000000001, 0.2).
        // hidden=8: one run: loss 0.5 (the best, lower), accuracy 0.6.
        XCTAssertEqual(
            String(decoding: files["summary.csv"]!, as: UTF8.self),
            """
            hidden,runs,loss_mean,loss_std,accuracy_mean,accuracy_std,status
            2,3,2.0,1.0,0.7000000000000001,0.2,ok
            8,1,0.5,,0.6,,1 of 3 ok

            """)
        XCTAssertEqual(
            String(decoding: files["summary.md"]!, as: UTF8.self),
            """
            | hidden | loss | accuracy | status |
            |---|---|---|---|
            | 2 | 2 ± 1 | **0.7 ± 0.2** | ok |
            | 8 | **0.5** | 0.6 | 1 of 3 ok |

            """)
        let html = String(decoding: files["index.html"]!, as: UTF8.self)
        XCTAssertTrue(html.contains("1 point failed, 1 did not run"), html)
        XCTAssertTrue(html.contains("<a href=\"logs/5.txt\">2 (log)</a>"))
        XCTAssertTrue(html.contains("failed</a><br><span class=\"why\">boom</span>"))
        XCTAssertTrue(html.contains("<img src=\"curve-1.png\""))
        XCTAssertNotNil(files["curve-1.png"])
        XCTAssertNil(files["curve-2.png"], "accuracy is one value per run: no curve")
        // The same inputs, the same bytes.
        XCTAssertEqual(SweepReport.files(plan, results: results), files)
    }
}
