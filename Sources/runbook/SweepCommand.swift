import ArgumentParser
import Foundation
import Notebook

import struct CellLanguage.DiagnosticList

/// `runbook sweep`: one notebook over a grid of parameters and seeds, each point a separate
/// process (local) or array task (Slurm), compared in one report.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a notebook over a grid of parameters and seeds, and compare the runs in one report.",
        discussion: """
            Plans the points (--grid: every combination; --zip: values paired; --seeds: each point \
            repeated per seed; or the front matter's `sweep:` when none of these is given), writes \
            <output>/manifest.json, runs each point as its own process (--jobs at once) or as a \
            Slurm array task, and writes each point's full report to <output>/points/<k>/ and its \
            log to <output>/logs/<k>.txt. Then it compares them: <output>/index.html (the varying \
            parameters × each metric's final value, the best marked, mean ± std over seeds, every \
            series overlaid), summary.csv and summary.md. A failing point keeps its error report \
            and shows as failed; the others still run. Exit 0 when every point ran, 2 otherwise, 69 \
            when Slurm refused the job, 130 when interrupted.

            Metrics are what the cells record with metric("name", value).

            Examples:
              runbook sweep Notebooks/x2fit.md --grid hidden=2,5,10 --seeds 3
              runbook sweep Notebooks/x2fit.md --grid hidden=5,10 --grid lr=0.01,0.001 --jobs 2
              runbook sweep Notebooks/x2fit.md --zip hidden=5,10 --zip steps=4000,2000
              runbook sweep Notebooks/x2fit.md --grid hidden=5,10 --backend slurm --max-parallel 4
              runbook sweep --collect Output/x2fit.sweep          # the comparison again
              runbook sweep --manifest Output/x2fit.sweep/manifest.json --point 3   # one point
            The point of a task also comes from SLURM_ARRAY_TASK_ID, RUNBOOK_TASK_INDEX or \
            JOB_COMPLETION_INDEX (a Kubernetes indexed job) when --point is not given.
            """)

    @Argument(help: "The notebook to sweep (a Markdown file).")
    var notebook: String?

    @Option(
        name: .customLong("grid"),
        help: ArgumentHelp(
            "A parameter and its values, e.g. hidden=2,5,10 (repeatable: every combination).", valueName: "name=v1,v2,…"
        ))
    var grid: [String] = []

    @Option(
        name: .customLong("zip"),
        help: ArgumentHelp(
            "Values paired with the other --zip lists, not crossed (repeatable).", valueName: "name=v1,v2,…"))
    var zip: [String] = []

    @Option(
        help: ArgumentHelp("Repeat each point per seed: a count N (seeds 0…N-1) or a list 3,7,11.", valueName: "seeds"))
    var seeds: String?

    @OptionGroup var settings: RunSettings

    @Option(
        help: ArgumentHelp("Points run at once by the local backend (default: the number of cores).", valueName: "n"))
    var jobs: Int?

    @Option(help: ArgumentHelp("Folder for the sweep (default: Output/<notebook>.sweep).", valueName: "dir"))
    var output: String?

    @Flag(help: "Skip the points whose report exists for the same notebook and parameters.")
    var resume = false

    @Option(
        help: ArgumentHelp(
            "Where the points run: local (processes here), slurm (an array job) or k8s (writes an indexed Job manifest).",
            valueName: "backend"))
    var backend = "local"

    @Option(help: ArgumentHelp("Slurm partition (default: the cluster's default).", valueName: "name"))
    var partition: String?

    @Option(
        name: .customLong("max-parallel"),
        help: ArgumentHelp("Slurm or Kubernetes: at most K points at once.", valueName: "K"))
    var maxParallel: Int?

    @Option(help: ArgumentHelp("Slurm: the time limit of each point, e.g. 30:00 or 2:00:00.", valueName: "limit"))
    var time: String?

    @Flag(name: .customLong("no-wait"), help: "Slurm: submit and return the job id; collect later with --collect.")
    var noWait = false

    @Option(help: ArgumentHelp("k8s: the container image with runbook on its PATH.", valueName: "image"))
    var image = "runbook:latest"

    @Option(
        help: ArgumentHelp(
            "k8s: the persistent volume claim holding the project, mounted as the working folder.", valueName: "name"))
    var claim = "runbook-work"

    @Option(help: ArgumentHelp("Run one point of this manifest (a task of the sweep).", valueName: "manifest.json"))
    var manifest: String?

    @Option(help: ArgumentHelp("With --manifest: the point to run (from 0).", valueName: "k"))
    var point: Int?

    @Option(help: ArgumentHelp("Write the comparison of a sweep folder from the points it holds.", valueName: "dir"))
    var collect: String?

    @Flag(help: "Print only errors, the points' status lines and where the comparison is.")
    var quiet = false

    func validate() throws {
        let modes = [notebook != nil, manifest != nil, collect != nil].filter { $0 }.count
        guard modes == 1 else {
            throw ValidationError("give a notebook to sweep, or --manifest (run one point), or --collect DIR")
        }
        guard ["local", "slurm", "k8s"].contains(backend) else {
            throw ValidationError("--backend takes local, slurm or k8s, not '\(backend)'")
        }
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be between 1 and 256") }
        if let maxParallel, maxParallel < 1 { throw ValidationError("--max-parallel must be 1 or more") }
        if point != nil && manifest == nil { throw ValidationError("--point goes with --manifest") }
    }

    func run() throws {
        Session.catchInterruptions()
        do {
            if let collect {
                try exit(collectComparison(URL(fileURLWithPath: collect), folderName: collect))
            } else if let manifest {
                try exit(runPoint(manifestPath: manifest))
            } else {
                try exit(sweep(notebook!))
            }
        } catch let e as UsageError {
            log("error: \(e)")
            throw ExitCode(64)
        }
    }

    func exit(_ status: Int32) throws {
        if status != 0 { throw ExitCode(status) }
    }

    func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    // MARK: - Planning

    func sweep(_ path: String) throws -> Int32 {
        let path = NotebookOptions.relative(path)
        guard let source = FileManager.default.contents(atPath: path) else {
            throw UsageError("no notebook at '\(path)'")
        }
        guard let text = String(data: source, encoding: .utf8) else { throw UsageError("'\(path)' is not UTF-8 text") }
        let document: NotebookDocument
        do {
            document = try Reader.read(path: path, source: text)
        } catch let list as DiagnosticList {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for d in list.diagnostics { log(d.rendered(file: path, lines: lines)) }
            return 2
        }
        var spec = SweepSpec(
            grid: try grid.map { try SweepSpec.axis($0, option: "--grid") },
            zip: try zip.map { try SweepSpec.axis($0, option: "--zip") }, seeds: try seeds.map(SweepSpec.seeds))
        if spec.isEmpty { spec = document.sweep ?? spec }
        guard !spec.isEmpty else {
            throw UsageError("nothing to sweep: give --grid, --zip or --seeds, or a `sweep:` in \(path)'s front matter")
        }
        let plan = try SweepManifest.plan(
            document, source: source, spec: spec, fixed: settings.overrides, seed: settings.seed,
            threads: settings.threads, memory: settings.memory)
        let folderName = output ?? "Output/\(document.name).sweep"
        let folder = URL(fileURLWithPath: folderName)
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        if !resume {
            // A new sweep: the points of an earlier one in this folder go.
            for sub in ["points", "logs"] { try? fm.removeItem(at: folder.appendingPathComponent(sub)) }
        }
        for sub in ["points", "logs"] {
            try fm.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try plan.data.write(to: folder.appendingPathComponent("manifest.json"), options: .atomic)
        let done = Set(
            plan.points.indices.filter { SweepPointResult.read(folder, plan, $0)?.status == .ok })
        let pending = plan.points.indices.filter { !done.contains($0) }
        log(
            "\(path): \(plan.points.count) point\(plan.points.count == 1 ? "" : "s")"
                + (plan.varying.isEmpty ? "" : " over \(plan.varying.joined(separator: ", "))")
                + (done.isEmpty ? "" : "; \(done.count) already done (--resume)")
                + "; manifest: \(folderName)/manifest.json")
        let manifestPath = folderName + "/manifest.json"
        switch backend {
        case "slurm":
            return try slurm(plan, folder: folder, folderName: folderName, manifestPath: manifestPath, pending: pending)
        case "k8s":
            return try kubernetes(plan, folderName: folderName, manifestPath: manifestPath)
        default:
            return try local(plan, folder: folder, folderName: folderName, manifestPath: manifestPath, pending: pending)
        }
    }

    /// This program, as the tasks should start it: relative to the current folder when it is inside it.
    static var executable: String {
        let path = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        return NotebookOptions.relative(path)
    }

    /// "point 4 (hidden=5, seed 1)".
    static func describe(_ p: SweepPoint, _ manifest: SweepManifest) -> String {
        let swept = manifest.varying.filter { $0 != "seed" }.map { "\($0)=\(p.value($0) ?? "")" }
        let seed = manifest.varying.contains("seed") ? ["seed \(p.seed ?? 0)"] : []
        let what = swept + seed
        return "point \(p.index)" + (what.isEmpty ? "" : " (\(what.joined(separator: ", ")))")
    }

    /// "ok: loss 0.0123, accuracy 0.97" or "failed: …" from the point's result.
    static func outcome(_ r: SweepPointResult?) -> String {
        guard let r else { return "no result (see its log)" }
        if r.status == .failed { return "failed" + (r.error.map { ": \($0)" } ?? "") }
        let shown = r.metrics.prefix(3).map { "\($0.name) \(String(format: "%.6g", $0.last))" }
        return "ok" + (shown.isEmpty ? "" : ": " + shown.joined(separator: ", "))
    }

    // MARK: - Local backend

    func local(
        _ plan: SweepManifest, folder: URL, folderName: String, manifestPath: String, pending: [Int]
    ) throws
        -> Int32
    {
        let width = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let finished = DispatchSemaphore(value: 0)
        var running: [Int: Process] = [:]
        var queue = pending[...]
        var count = 0
        var forwarded = false
        while !queue.isEmpty || !running.isEmpty {
            let interrupted = Runner.interrupted.count > 0
            while running.count < width && !interrupted, let k = queue.popFirst() {
                let logURL = folder.appendingPathComponent("logs/\(k).txt")
                FileManager.default.createFile(atPath: logURL.path, contents: nil)
                let logFile = try FileHandle(forWritingTo: logURL)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: Self.executable)
                process.arguments = ["sweep", "--manifest", manifestPath, "--point", String(k)]
                process.standardOutput = logFile
                process.standardError = logFile
                process.standardInput = FileHandle.nullDevice
                process.terminationHandler = { _ in finished.signal() }
                try process.run()
                try? logFile.close()
                running[k] = process
            }
            if interrupted && !forwarded {
                // Ctrl-C on the terminal reached the points already (one process group); a signal
                // sent to this process alone is passed on, once.
                forwarded = true
                if Runner.interrupted.name != "Ctrl-C" {
                    for p in running.values { kill(p.processIdentifier, SIGTERM) }
                }
                if !queue.isEmpty { log("interrupted: \(queue.count) point\(queue.count == 1 ? "" : "s") not started") }
                queue = []
            }
            guard finished.wait(timeout: .now() + .milliseconds(200)) == .success else { continue }
            for (k, p) in running where !p.isRunning {
                running[k] = nil
                count += 1
                let result = SweepPointResult.read(folder, plan, k)
                log("[\(count)/\(pending.count)] \(Self.describe(plan.points[k], plan)): \(Self.outcome(result))")
            }
        }
        let status = try collectComparison(folder, folderName: folderName)
        if Runner.interrupted.count > 0 {
            log("stopped by \(Runner.interrupted.name)")
            return 130
        }
        return status
    }

    // MARK: - Slurm backend

    /// The array job: one task per pending point, each running `runbook sweep --manifest … --point $SLURM_ARRAY_TASK_ID`.
    func sbatchScript(_ plan: SweepManifest, folderName: String, manifestPath: String, pending: [Int]) -> String {
        var ranges: [String] = []
        var i = 0
        while i < pending.count {
            var j = i
            while j + 1 < pending.count && pending[j + 1] == pending[j] + 1 { j += 1 }
            ranges.append(i == j ? "\(pending[i])" : "\(pending[i])-\(pending[j])")
            i = j + 1
        }
        let name = URL(fileURLWithPath: plan.notebook).deletingPathExtension().lastPathComponent
        var lines = [
            "#!/bin/bash",
            "# Written by `runbook sweep`: one array task per point of \(manifestPath).",
            "#SBATCH --job-name=runbook-\(name)",
            "#SBATCH --array=\(ranges.joined(separator: ","))" + (maxParallel.map { "%\($0)" } ?? ""),
            "#SBATCH --output=\(folderName)/logs/%a.txt",
            "#SBATCH --cpus-per-task=\(plan.threads)",
            "#SBATCH --ntasks=1",
        ]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        lines.append(
            "exec \(shellQuoted(Self.executable)) sweep --manifest \(shellQuoted(manifestPath)) --point \"$SLURM_ARRAY_TASK_ID\""
        )
        return lines.joined(separator: "\n") + "\n"
    }

    func slurm(
        _ plan: SweepManifest, folder: URL, folderName: String, manifestPath: String, pending: [Int]
    ) throws
        -> Int32
    {
        guard !pending.isEmpty else { return try collectComparison(folder, folderName: folderName) }
        let script = folder.appendingPathComponent("job.sbatch")
        try Data(sbatchScript(plan, folderName: folderName, manifestPath: manifestPath, pending: pending).utf8).write(
            to: script, options: .atomic)
        let (status, out, err) = try Self.command("sbatch", ["--parsable", folderName + "/job.sbatch"])
        guard status == 0,
            let job = out.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }),
            !job.isEmpty
        else {
            log("error: sbatch failed (\(status)): \(err.trimmingCharacters(in: .whitespacesAndNewlines))")
            return 69
        }
        log(
            "submitted Slurm job \(job): \(pending.count) array task\(pending.count == 1 ? "" : "s") (\(folderName)/job.sbatch)"
        )
        if noWait {
            print(job)
            log("when it is done: runbook sweep --collect \(folderName)")
            return 0
        }
        var reported = Set<Int>()
        while true {
            // squeue lists the job while any task is pending or running (no accounting needed).
            let (s, listed, _) = try Self.command("squeue", ["-h", "-j", job, "-o", "%i"])
            for k in pending where !reported.contains(k) {
                if let r = SweepPointResult.read(folder, plan, k) {
                    reported.insert(k)
                    log(
                        "[\(reported.count)/\(pending.count)] \(Self.describe(plan.points[k], plan)): \(Self.outcome(r))"
                    )
                }
            }
            if s != 0 || listed.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }
            if Runner.interrupted.count > 0 {
                log(
                    "stopped waiting; job \(job) goes on (cancel it: scancel \(job)); then: runbook sweep --collect \(folderName)"
                )
                return 130
            }
            Thread.sleep(forTimeInterval: 1)
        }
        for k in pending where !reported.contains(k) {
            log(
                "[\(pending.count)/\(pending.count)] \(Self.describe(plan.points[k], plan)): \(Self.outcome(SweepPointResult.read(folder, plan, k)))"
            )
        }
        return try collectComparison(folder, folderName: folderName)
    }

    /// Runs a program found on the PATH and returns its status and output.
    static func command(_ name: String, _ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw UsageError("cannot run \(name) (is it installed?): \(error)") }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self)
        )
    }

    // MARK: - Kubernetes backend

    /// An indexed Job: pod k runs point k (`JOB_COMPLETION_INDEX`), in the project mounted from a
    /// persistent volume claim. Written, not applied.
    func kubernetes(_ plan: SweepManifest, folderName: String, manifestPath: String) throws -> Int32 {
        let name =
            "runbook-"
            + URL(fileURLWithPath: plan.notebook).deletingPathExtension().lastPathComponent.lowercased()
            .map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        let yaml = """
            # Written by `runbook sweep --backend k8s`: one pod per point of \(manifestPath).
            # Apply it with `kubectl apply -f \(folderName)/job.yaml`; when it completes, run
            # `runbook sweep --collect \(folderName)` in the project folder.
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: \(name.prefix(52))-sweep
            spec:
              completionMode: Indexed
              completions: \(plan.points.count)
              parallelism: \(maxParallel ?? plan.points.count)
              backoffLimit: 0
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: point
                      image: \(image)
                      workingDir: /work
                      command: ["runbook", "sweep", "--manifest", "\(manifestPath)"]
                      resources:
                        requests:
                          cpu: "\(plan.threads)"
                      volumeMounts:
                        - name: project
                          mountPath: /work
                  volumes:
                    - name: project
                      persistentVolumeClaim:
                        claimName: \(claim)

            """
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: folderName + "/job.yaml"), options: .atomic)
        print("\(folderName)/job.yaml")
        log(
            "wrote \(folderName)/job.yaml (an indexed Job of \(plan.points.count) pods); apply it with kubectl, then: runbook sweep --collect \(folderName)"
        )
        return 0
    }

    // MARK: - One point

    func runPoint(manifestPath: String) throws -> Int32 {
        let manifestURL = URL(fileURLWithPath: manifestPath)
        let plan = try SweepManifest.read(manifestURL)
        guard let index = point ?? taskIndexFromEnvironment() else {
            throw UsageError(
                "which point? give --point k, or set SLURM_ARRAY_TASK_ID, RUNBOOK_TASK_INDEX or JOB_COMPLETION_INDEX")
        }
        guard plan.points.indices.contains(index) else {
            throw UsageError("point \(index) is not in the sweep (points 0 to \(plan.points.count - 1))")
        }
        let folder = manifestURL.deletingLastPathComponent()
        guard let source = FileManager.default.contents(atPath: plan.notebook),
            SweepManifest.sha256(source) == plan.notebookHash
        else {
            throw UsageError("\(plan.notebook) changed (or is gone) since the sweep was planned; plan it again")
        }
        let p = plan.points[index]
        var arguments = ["--threads", String(plan.threads), "--memory", plan.memory]
        for s in p.set { arguments += ["--set", s] }
        if let seed = p.seed { arguments += ["--seed", String(seed)] }
        let settings = try RunSettings.parse(arguments)
        settings.apply()
        let session = Session(quiet: quiet, color: false)
        log("\(Self.describe(p, plan)): \(p.command(notebook: plan.notebook))")
        let environment = ProcessInfo.processInfo.environment
        if let job = environment["SLURM_ARRAY_JOB_ID"], let task = environment["SLURM_ARRAY_TASK_ID"] {
            log("Slurm job \(job), array task \(task), on \(environment["SLURMD_NODENAME"] ?? "?")")
        }
        let root = folder.appendingPathComponent("points")
        var files: [String: Data]
        let result: SweepPointResult
        if let (run, runner) = try session.runOrExit(plan.notebook, settings: settings) {
            files = Report.files(run)
            let error = run.failedCell.map {
                $0.renderedErrors(run.document).split(separator: "\n").first.map(String.init) ?? "error"
            }
            result = SweepPointResult(
                point: p, notebookHash: plan.notebookHash, status: error == nil ? .ok : .failed, error: error,
                metrics: run.metrics)
            if runner.abandoned {
                files["point.json"] = result.data
                try OutputFolder.write(files, name: String(index), root: root)
                session.exitGivenUp(remaining: 0)
            }
        } else {
            files = [:]
            result = SweepPointResult(
                point: p, notebookHash: plan.notebookHash, status: .failed, error: "the notebook could not be read",
                metrics: [])
        }
        files["point.json"] = result.data
        try OutputFolder.write(files, name: String(index), root: root)
        log("\(Self.describe(p, plan)): \(Self.outcome(result))")
        try session.exitIfInterrupted()
        return result.status == .ok ? 0 : 2
    }

    // MARK: - Comparison

    /// Writes the comparison from the manifest and the points' results in `folder`; 0 when every point ran.
    func collectComparison(_ folder: URL, folderName: String) throws -> Int32 {
        let plan = try SweepManifest.read(folder.appendingPathComponent("manifest.json"))
        let results = plan.points.indices.map { SweepPointResult.read(folder, plan, $0) }
        for (name, data) in SweepReport.files(plan, results: results).sorted(by: { $0.key < $1.key }) {
            try data.write(to: folder.appendingPathComponent(name), options: .atomic)
        }
        let ok = results.filter { $0?.status == .ok }.count
        let failed = results.filter { $0?.status == .failed }.count
        let missing = results.count - ok - failed
        if !quiet, let table = FileManager.default.contents(atPath: folder.appendingPathComponent("summary.md").path) {
            print(String(decoding: table, as: UTF8.self), terminator: "")
        }
        var line = "comparison: \(folderName)/index.html (\(ok) of \(results.count) points ok"
        if failed > 0 { line += ", \(failed) failed" }
        if missing > 0 { line += ", \(missing) without a result" }
        log(line + ")")
        return ok == results.count ? 0 : 2
    }
}
