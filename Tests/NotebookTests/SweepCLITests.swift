import Foundation
import XCTest
import Yams

/// `runbook sweep` end to end with the local backend: points as processes, a failing point, the
/// comparison, --resume, a point task chosen by the scheduler's variable, the Kubernetes manifest.
/// (The Slurm backend runs in Tests/Slurm/test_sweep.sh, against a real Slurm.)
extension CLITests {
    func runbook(_ args: [String], environment: [String: String]) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        p.currentDirectoryURL = folder
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: e, as: UTF8.self))
    }

    func copySweepNotebook() throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sweep/fit.md")
        try FileManager.default.copyItem(at: source, to: folder.appendingPathComponent("Notebooks/fit.md"))
    }

    func testSweepRunsEveryPointAndComparesThem() throws {
        try copySweepNotebook()
        let sweep = try runbook(
            "sweep", "Notebooks/fit.md", "--grid", "hidden=2,8", "--grid", "activation=relu,swish", "--seeds", "2",
            "--jobs", "2")
        XCTAssertEqual(sweep.status, 2, sweep.stderr)
        XCTAssertTrue(
            sweep.stderr.contains("comparison: Output/fit.sweep/index.html (4 of 8 points ok, 4 failed)"), sweep.stderr)
        XCTAssertTrue(sweep.stdout.contains("| 8 | relu | **"), sweep.stdout)
        // Point 5 is hidden=8, activation=relu, seed 1: its report is the one a plain run writes.
        XCTAssertEqual(
            try runbook(
                "Notebooks/fit.md", "--set", "hidden=8", "--set", "activation=relu", "--seed", "1", "--output", "Plain",
                "--quiet"
            ).status, 0)
        XCTAssertEqual(read("Output/fit.sweep/points/5/index.html"), read("Plain/fit/index.html"))
        XCTAssertEqual(read("Output/fit.sweep/points/5/outputs.txt"), read("Plain/fit/outputs.txt"))
        // A failing point keeps its error report and log.
        let failed = String(decoding: read("Output/fit.sweep/points/2/point.json") ?? Data(), as: UTF8.self)
        XCTAssertTrue(failed.contains("\"status\" : \"failed\""), failed)
        XCTAssertTrue(
            String(decoding: read("Output/fit.sweep/logs/2.txt") ?? Data(), as: UTF8.self).contains(
                "index 2 is out of range"))
        let csv = String(decoding: read("Output/fit.sweep/summary.csv") ?? Data(), as: UTF8.self)
        XCTAssertTrue(csv.hasPrefix("hidden,activation,runs,loss_mean,loss_std,final mse_mean,final mse_std,status\n"))
        XCTAssertTrue(csv.contains("\n2,swish,0,,,,,failed\n"), csv)
        let comparison = read("Output/fit.sweep/index.html")
        let pointFour = read("Output/fit.sweep/points/4/index.html")

        // --resume runs only what did not succeed; the comparison comes out the same.
        let resumed = try runbook(
            [
                "sweep", "Notebooks/fit.md", "--grid", "hidden=2,8", "--grid", "activation=relu,swish",
                "--seeds", "2", "--resume", "--quiet",
            ], environment: [:])
        XCTAssertTrue(resumed.stderr.contains("4 already done (--resume)"), resumed.stderr)
        XCTAssertEqual(resumed.stderr.components(separatedBy: "] point").count - 1, 4, resumed.stderr)
        XCTAssertEqual(read("Output/fit.sweep/index.html"), comparison)

        // A task whose point comes from the scheduler's variable.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("Output/fit.sweep/points/4"))
        let task = try runbook(
            ["sweep", "--manifest", "Output/fit.sweep/manifest.json"], environment: ["RUNBOOK_TASK_INDEX": "4"])
        XCTAssertEqual(task.status, 0, task.stderr)
        XCTAssertNotNil(read("Output/fit.sweep/points/4/point.json"))
        XCTAssertEqual(read("Output/fit.sweep/points/4/index.html"), pointFour)

        // A notebook edited after planning: its points refuse to run.
        try write("Notebooks/fit.md", String(decoding: read("Notebooks/fit.md")!, as: UTF8.self) + "\nEdited.\n")
        let stale = try runbook("sweep", "--manifest", "Output/fit.sweep/manifest.json", "--point", "0")
        XCTAssertEqual(stale.status, 64)
        XCTAssertTrue(stale.stderr.contains("Notebooks/fit.md changed (or is gone) since the sweep was planned"))
    }

    func testKubernetesIndexedJobManifest() throws {
        try copySweepNotebook()
        let k8s = try runbook(
            "sweep", "Notebooks/fit.md", "--grid", "hidden=2,8", "--backend", "k8s", "--max-parallel", "1", "--output",
            "K",
            "--image", "registry.example/runbook:1")
        XCTAssertEqual(k8s.status, 0, k8s.stderr)
        let yaml = try XCTUnwrap(
            Yams.load(yaml: String(decoding: read("K/job.yaml") ?? Data(), as: UTF8.self)) as? [String: Any])
        XCTAssertEqual(yaml["kind"] as? String, "Job")
        let spec = try XCTUnwrap(yaml["spec"] as? [String: Any])
        XCTAssertEqual(spec["completionMode"] as? String, "Indexed")
        XCTAssertEqual(spec["completions"] as? Int, 2)
        XCTAssertEqual(spec["parallelism"] as? Int, 1)
        let pod = try XCTUnwrap((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try XCTUnwrap((pod["containers"] as? [[String: Any]])?.first)
        XCTAssertEqual(container["image"] as? String, "registry.example/runbook:1")
        let command = try XCTUnwrap(container["command"] as? [String])
        XCTAssertEqual(command, ["runbook", "sweep", "--manifest", "K/manifest.json"])
        // What each pod runs: the point its completion index names.
        let pod1 = try runbook(Array(command.dropFirst()), environment: ["JOB_COMPLETION_INDEX": "1"])
        XCTAssertEqual(pod1.status, 0, pod1.stderr)
        let result = String(decoding: read("K/points/1/point.json") ?? Data(), as: UTF8.self)
        XCTAssertTrue(result.contains("\"hidden=8\""), result)
        XCTAssertNil(read("K/points/0/point.json"))
    }
}
