import ArgumentParser
import Foundation
import Notebook
import TensorEngine

import struct CellLanguage.DiagnosticList

/// How a notebook runs, for `run`, `check` and `preview`: parameters, threads, memory budget.
struct RunSettings: ParsableArguments {
    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override a front-matter parameter, e.g. --set hidden=50 (repeatable).", valueName: "name=value"))
    var overrides: [String] = []

    @Option(
        help: ArgumentHelp(
            "Seed both generators with n instead of the front matter's seed (0 to 4294967295).", valueName: "n"))
    var seed: Int?

    @Option(
        help: ArgumentHelp("Threads for the engine's kernels. Results are identical for every count.", valueName: "n"))
    var threads = 1

    @Option(
        help: ArgumentHelp(
            "The most memory a notebook may hold, e.g. 512M or 8G (default 8G). An op that would pass it is an error in its cell.",
            valueName: "size"))
    var memory = "8G"

    /// `--memory` in bytes: a number with K, M or G (powers of 1024).
    var memoryBytes: Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var text = memory.uppercased()
        if text.hasSuffix("B") { text.removeLast() }
        let unit = text.last.flatMap { units[$0] }
        if unit != nil { text.removeLast() }
        guard let n = Double(text), n > 0, n.isFinite, n * Double(unit ?? 1) < 0x1p62 else { return nil }
        return Int(n * Double(unit ?? 1))
    }

    func validate() throws {
        guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be between 1 and 256") }
        guard let bytes = memoryBytes, bytes >= 1 << 20 else {
            throw ValidationError("--memory takes a size such as 512M or 8G (at least 1M), not '\(memory)'")
        }
        if let seed, !(0..<(1 << 32)).contains(seed) {
            throw ValidationError("--seed must be an integer from 0 to 4294967295 (numpy's generator takes 32 bits)")
        }
        for o in overrides where !o.contains("=") { throw ValidationError("--set expects name=value, got '\(o)'") }
    }

    /// Sets the engine's thread count and memory budget.
    func apply() {
        engineThreads = threads
        tensorMemoryBudget = memoryBytes!
    }
}

/// Options shared by `run` and `check`.
struct NotebookOptions: ParsableArguments {
    @Argument(help: "Notebooks to run (Markdown files).")
    var files: [String] = []

    @Flag(help: "Every notebook in the Notebooks/ folder.")
    var all = false

    @OptionGroup var settings: RunSettings

    @Flag(help: "Print only errors and where the reports are (no cell lines, no streamed output).")
    var quiet = false

    @Option(
        help: ArgumentHelp(
            "Colour on the terminal: auto (when standard error is a terminal and NO_COLOR is not set), always or never.",
            valueName: "when"))
    var color = "auto"

    /// Whether to colour the terminal log.
    var useColor: Bool {
        switch color {
        case "always": return true
        case "never": return false
        default:
            return isatty(2) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) != false
                && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        }
    }

    func validate() throws {
        guard ["auto", "always", "never"].contains(color) else {
            throw ValidationError("--color takes auto, always or never, not '\(color)'")
        }
    }

    /// The notebooks named, or all of Notebooks/ (sorted), as paths relative to the current folder.
    func notebooks(defaultAll: Bool) throws -> [String] {
        if !files.isEmpty && all { throw ValidationError("give notebook files or --all, not both") }
        if files.isEmpty {
            guard all || defaultAll else { throw ValidationError("give one or more notebook files, or --all") }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: "Notebooks")) ?? []
            let found = names.filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted().map { "Notebooks/" + $0 }
            guard !found.isEmpty else { throw ValidationError("no notebooks (*.md) in Notebooks/") }
            return found
        }
        return files.map(Self.relative)
    }

    /// A path as the user would type it from here: never absolute when it is under the current folder.
    static func relative(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        if absolute.hasPrefix(cwd + "/") { return String(absolute.dropFirst(cwd.count + 1)) }
        return path
    }
}

/// Reads, runs and reports on notebooks, printing progress and errors to the terminal.
struct Session {
    let quiet: Bool
    let terminal: TerminalLog

    init(_ options: NotebookOptions) {
        self.init(quiet: options.quiet, color: options.useColor)
    }

    init(quiet: Bool, color: Bool) {
        self.quiet = quiet
        terminal = TerminalLog(showOutput: !quiet, isTerminal: isatty(2) != 0, color: color)
    }

    /// Ctrl-C (SIGINT), SIGTERM and SIGHUP stop the running cell at its next step instead of
    /// killing the process: the run fails there and the last good report stays.
    static func catchInterruptions() {
        for (number, name) in [(SIGINT, "Ctrl-C"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { Runner.interrupt(name) }
            source.resume()
            signalSources.append(source)
        }
    }
    nonisolated(unsafe) private static var signalSources: [DispatchSourceSignal] = []

    /// Exit status 130 after an interruption (after the failed report is written).
    func exitIfInterrupted() throws {
        let (count, name) = Runner.interrupted
        if count > 0 {
            log("stopped by \(name)")
            throw ExitCode(130)
        }
    }

    func log(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    /// Ends the process (status 2) after a run the watchdog gave up: its cell is still running on
    /// a thread nothing can stop, so no later notebook runs and nothing waits for it.
    func exitGivenUp(remaining: Int) -> Never {
        if remaining > 0 { log("stopping: \(remaining) later notebook\(remaining == 1 ? "" : "s") not run") }
        fflush(stdout)
        _exit(Runner.interrupted.count > 0 ? 130 : 2)
    }

    /// Like `run(_:settings:)`, with a bad `--set` turned into exit status 64.
    func runOrExit(_ path: String, settings: RunSettings) throws -> (NotebookResult, Runner)? {
        do {
            return try run(path, settings: settings)
        } catch let e as UsageError {
            log("error: \(e)")
            throw ExitCode(64)
        }
    }

    /// Reads and runs one notebook. Returns nil (after printing why) when it cannot be read.
    func run(_ path: String, settings: RunSettings) throws -> (NotebookResult, Runner)? {
        // A notebook that is missing is a usage error (64); one that cannot be read says why.
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw UsageError("no notebook at '\(path)'")
        }
        guard !isFolder.boolValue else { throw UsageError("'\(path)' is a folder, not a notebook") }
        guard let data = FileManager.default.contents(atPath: path) else {
            log("error: cannot read notebook '\(path)' (no permission to read it?)")
            return nil
        }
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            log("error: '\(path)' is UTF-16 text; save it as UTF-8")
            return nil
        }
        guard let source = String(data: data, encoding: .utf8) else {
            let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            let line = (lines.firstIndex { String(data: Data($0), encoding: .utf8) == nil } ?? 0) + 1
            log("error: '\(path)' is not UTF-8 text (the first invalid byte is on line \(line)); save it as UTF-8")
            return nil
        }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        // These names belong to the output folder itself.
        guard !["index.html", "api.html"].contains(name), !name.hasSuffix(".failed"), !name.hasSuffix(".sweep"),
            !name.hasPrefix(".")
        else {
            throw UsageError(
                "'\(path)': a notebook may not be named '\(name)' (the output folder uses that name); rename it")
        }
        var document: NotebookDocument
        do {
            document = try Reader.read(path: path, source: source)
        } catch let list as DiagnosticList {
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
            for d in list.diagnostics { log(d.rendered(file: path, lines: lines)) }
            return nil
        }
        let parameters = try Runner.parameters(document, overrides: settings.overrides)
        if let seed = settings.seed { document.seed = UInt64(seed) }
        let runner = Runner()
        if !quiet {
            log("\(path): \(document.cells.count) cell\(document.cells.count == 1 ? "" : "s")")
            let terminal = terminal
            runner.onCellStart = { terminal.cellStarted($0) }
            runner.onOutput = { terminal.output($0, $1) }
            runner.onCellEnd = { terminal.cellEnded($0) }
            runner.onProgress = { terminal.progress($0) }
        }
        let result = runner.run(document, parameters: parameters)
        for w in result.cells.flatMap(\.warnings) { log(w.rendered(file: path, lines: document.lines)) }
        if let failed = result.failedCell { log(failed.renderedErrors(document)) }
        return (result, runner)
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run notebooks and write their reports (the default command).",
        discussion: """
            Each notebook's report goes to <output>/<name>/: index.html (prose, highlighted cells, \
            outputs, figures), outputs.txt (every text output, for diffs) and the figures; \
            <output>/index.html lists every report. A report is written only when the whole notebook \
            ran: a failing run leaves the last good report untouched, prints the error with its \
            file:line:column, and writes the failed report to <output>/<name>.failed/.
            """)

    @OptionGroup var options: NotebookOptions

    @Option(help: ArgumentHelp("Folder for the reports.", valueName: "dir"))
    var output = "Output"

    func run() throws {
        options.settings.apply()
        let paths = try options.notebooks(defaultAll: false)
        let session = Session(options)
        Session.catchInterruptions()
        let root = URL(fileURLWithPath: output)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isFolder), !isFolder.boolValue {
            session.log("error: --output '\(output)' is a file, not a folder")
            throw ExitCode(64)
        }
        var failed = false
        for (number, path) in paths.enumerated() {
            OutputFolder.recover(URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, root: root)
            guard let (result, runner) = try session.runOrExit(path, settings: options.settings) else {
                failed = true
                continue
            }
            let files = Report.files(result)
            let name = result.document.name
            if result.failedCell != nil {
                failed = true
                try OutputFolder.write(files, name: name + ".failed", root: root)
                session.log(
                    "\(path): failed; the last good report is untouched; this run's report: \(output)/\(name).failed/index.html"
                )
                if runner.abandoned {
                    try OutputFolder.writeIndex(root: root)
                    session.exitGivenUp(remaining: paths.count - 1 - number)
                }
            } else {
                try? FileManager.default.removeItem(at: root.appendingPathComponent(name + ".failed"))
                try OutputFolder.write(files, name: name, root: root)
                print("report: \(output)/\(name)/index.html")
            }
            if Runner.interrupted.count > 0 { break }
        }
        if FileManager.default.fileExists(atPath: root.path) {
            try OutputFolder.writeIndex(root: root)
            try Data(APIReference.html.utf8).write(to: root.appendingPathComponent("api.html"))
        }
        try session.exitIfInterrupted()
        if failed { throw ExitCode(2) }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Regenerate reports and compare them with the committed ones.",
        discussion: """
            Runs each notebook (all of Notebooks/ when none is named) in memory and compares every \
            file of its report with <output>/<name>/, byte for byte. It never writes to the output \
            folder. For a difference it names the notebook and file, prints a unified diff for text \
            (outputs.txt headers name the cell) and the changed-pixel count for images. \
            Exit 0 when everything matches, 1 when a report is stale, 2 when a notebook fails.
            """)

    @OptionGroup var options: NotebookOptions

    @Option(help: ArgumentHelp("Folder holding the committed reports.", valueName: "dir"))
    var output = "Output"

    func run() throws {
        options.settings.apply()
        let paths = try options.notebooks(defaultAll: true)
        let session = Session(options)
        Session.catchInterruptions()
        let root = URL(fileURLWithPath: output)
        var stale = false, failed = false
        for (number, path) in paths.enumerated() {
            guard let (result, runner) = try session.runOrExit(path, settings: options.settings) else {
                failed = true
                continue
            }
            if runner.abandoned {
                session.log("\(path): failed")
                session.exitGivenUp(remaining: paths.count - 1 - number)
            }
            guard result.failedCell == nil else {
                failed = true
                if Runner.interrupted.count > 0 { break }
                continue
            }
            let name = result.document.name
            let regenerated = Report.files(result)
            guard let committed = OutputFolder.read(root.appendingPathComponent(name)) else {
                session.log("\(path): no committed report at \(output)/\(name)/ (run `runbook \(path)` and commit it)")
                stale = true
                continue
            }
            let differences = OutputFolder.differences(
                committed: committed, regenerated: regenerated, label: "\(output)/\(name)",
                imageDifference: ImageDiff.describe)
            if differences.isEmpty {
                if !options.quiet { session.log("\(path): report is current") }
            } else {
                stale = true
                session.log("\(path): the committed report is stale:")
                for d in differences { session.log(d) }
            }
        }
        if options.files.isEmpty && !failed {
            let index = root.appendingPathComponent("index.html")
            let committed = FileManager.default.contents(atPath: index.path)
            let regenerated = Data(OutputFolder.indexHTML(root: root).utf8)
            if committed != regenerated {
                stale = true
                session.log("\(output)/index.html is stale or missing (run `runbook --all`)")
            }
            // A report folder whose notebook is gone is stale too.
            let names = Set(paths.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent })
            let folders = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
            for folder in folders.sorted()
            where !folder.hasPrefix(".") && !folder.hasSuffix(".failed") && !folder.hasSuffix(".sweep")
                && !names.contains(folder)
            {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(
                    atPath: root.appendingPathComponent(folder).path, isDirectory: &isFolder),
                    isFolder.boolValue
                {
                    stale = true
                    session.log(
                        "\(output)/\(folder)/ has no notebook Notebooks/\(folder).md (remove the folder or restore the notebook)"
                    )
                }
            }
            if FileManager.default.contents(atPath: root.appendingPathComponent("api.html").path)
                != Data(APIReference.html.utf8)
            {
                stale = true
                session.log("\(output)/api.html is stale or missing (run `runbook --all`)")
            }
        }
        try session.exitIfInterrupted()
        if failed { throw ExitCode(2) }
        if stale { throw ExitCode(1) }
    }
}
