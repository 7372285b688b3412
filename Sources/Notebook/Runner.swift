import CellLanguage
import Foundation
import Synchronization
import TensorEngine

/// A file a cell produced, written beside the report: a figure, or (not an image) saved weights.
public struct FigureFile: Equatable {
    public var fileName: String
    public var data: Data
    public var alt: String
    public var caption: String?
    public var isImage = true
    /// An image's size on the page (CSS pixels; the file has `Plots.scale` times as many).
    public var width = 0, height = 0
    /// An animation's still image (its last frame): shown when printing and to readers who ask
    /// for reduced motion.
    public var still: String?
}

/// What running one cell gave.
public struct CellResult {
    public enum Status: Equatable {
        case ok
        case failed(Diagnostic)
        /// `//| error: expected` and it did fail.
        case expectedError(Diagnostic)
        case notRun
    }

    public var cell: Cell
    public var status: Status
    /// Everything `print` wrote, then the displayed last expression.
    public var output: String
    public var figures: [FigureFile]
    public var seconds: Double
    /// Warnings about the run that did not stop it (a loss that became NaN), located.
    public var warnings: [Diagnostic] = []
    /// Every error of a failed cell (a cell with several syntax errors has several); the first
    /// is the status's.
    public var errors: [Diagnostic] {
        switch status {
        case .failed(let d), .expectedError(let d): return moreErrors.isEmpty ? [d] : moreErrors
        case .ok, .notRun: return []
        }
    }
    var moreErrors: [Diagnostic] = []

    public init(
        cell: Cell, status: Status, output: String, figures: [FigureFile], seconds: Double, warnings: [Diagnostic] = []
    ) {
        (self.cell, self.status, self.output, self.figures, self.seconds) = (cell, status, output, figures, seconds)
        self.warnings = warnings
    }

    /// The errors rendered with file, line and caret (empty when the cell did not fail).
    public func renderedErrors(_ document: NotebookDocument) -> String {
        errors.map { $0.rendered(file: document.path, lines: document.lines) }.joined(separator: "\n")
    }
}

/// The outcome of a notebook run.
public struct NotebookResult {
    public var document: NotebookDocument
    public var parameters: [(name: String, value: ParameterValue)]
    public var cells: [CellResult]
    /// What the cells recorded with `metric(…)`, in the order first recorded.
    public var metrics: [Metric]

    public init(
        document: NotebookDocument, parameters: [(name: String, value: ParameterValue)], cells: [CellResult],
        metrics: [Metric] = []
    ) {
        (self.document, self.parameters, self.cells, self.metrics) = (document, parameters, cells, metrics)
    }

    public var failedCell: CellResult? {
        cells.first { if case .failed = $0.status { return true } else { return false } }
    }
}

/// Errors of the command line that are the user's, not the notebook's.
public struct UsageError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Runs a notebook's cells in order on a fresh interpreter with the engine bound in.
public final class Runner {
    /// Told when a cell starts and when it ends (for progress lines on the terminal).
    public var onCellStart: (Cell) -> Void = { _ in }
    public var onCellEnd: (CellResult) -> Void = { _ in }
    /// Told of each piece of text a cell prints, as it prints it (on the cell thread).
    public var onOutput: (Cell, String) -> Void = { _, _ in }
    /// Told about long loops (a data loader's batches, a top-level loop of 1,000 steps or more)
    /// about a hundred times each — for a progress bar.
    public var onProgress: (LoopProgress) -> Void = { _ in }

    /// Where a long loop is: `done` of `total`, inside the `outer` loops (outermost first).
    public struct LoopProgress {
        public var cell: Cell
        public var done: Int
        public var total: Int
        public var outer: [Interpreter.Loop]
    }

    /// Ctrl-C or a termination signal: the running cell stops at its next step with an error
    /// (a second signal, or two seconds inside one long operation, gives the run up).
    /// Safe to call from a signal-handling queue.
    public static func interrupt(_ signalName: String) {
        interruption.withLock { $0 = ($0.count + 1, signalName) }
    }
    /// How many interruptions there were, and the last one's name.
    public static var interrupted: (count: Int, name: String) { interruption.withLock { $0 } }
    private static let interruption = Mutex<(count: Int, name: String)>((0, ""))

    /// The longest any cell may run, whatever its `//| timeout:` says (fuzzing, tests).
    public var timeoutLimit: Double?

    public init() {}

    /// Applies `--set name=value` overrides: unknown names and values of the wrong type are errors.
    public static func parameters(
        _ document: NotebookDocument, overrides: [String]
    ) throws -> [(name: String, value: ParameterValue)] {
        var params = document.parameters
        for o in overrides {
            guard let eq = o.firstIndex(of: "=") else { throw UsageError("--set expects name=value, got '\(o)'") }
            let name = String(o[..<eq]), text = String(o[o.index(after: eq)...])
            guard let i = params.firstIndex(where: { $0.name == name }) else {
                let known = params.map(\.name).joined(separator: ", ")
                throw UsageError(
                    "\(document.path): no parameter '\(name)' (parameters: \(known.isEmpty ? "none" : known))")
            }
            guard let v = params[i].value.parsingLike(text) else {
                throw UsageError(
                    "\(document.path): parameter '\(name)' is \(params[i].value.typeName), and '\(text)' is not")
            }
            params[i].value = v
        }
        return params
    }

    /// Runs every cell on the cell thread (see `CellThread`): cells, the interpreter's recursion
    /// and freeing what they built (a value nested 100,000 deep) must not overflow the 8 MiB stack
    /// of the main thread. Returns when the run and its cleanup are done.
    ///
    /// A watchdog (this thread, while the cell thread works) makes the timeout and the memory
    /// budget hold where the interpreter cannot check them: inside one long engine call, builtin
    /// or render. It first raises a flag the interpreter's checkpoint turns into a located error;
    /// when a cell is still running `watchdogGrace` seconds past its limit, the run is given up:
    /// the cell is reported failed, `abandoned` is set, and the caller must write its report and
    /// exit (the cell thread cannot be stopped from outside).
    public func run(_ document: NotebookDocument, parameters: [(name: String, value: ParameterValue)]) -> NotebookResult
    {
        let progress = RunProgress()
        let (result, abandoned) = CellThread.run(
            { self.runHere(document, parameters: parameters, progress: progress) },
            watch: { progress.watch(document: document, parameters: parameters, grace: Runner.watchdogGrace) })
        self.abandoned = abandoned
        return result
    }

    /// Seconds a cell may run past its timeout or over the memory budget before the run is given up.
    public static let watchdogGrace = 2.0
    /// Whether the last run was given up with its cell still running (see `run`).
    public private(set) var abandoned = false

    /// Waits until the cells of runs given up earlier have stopped on their threads: call before
    /// running again in the same process (the next cell checkpoint of such a run stops it).
    public static func waitForGivenUpRuns() { CellThread.waitForGivenUpRuns() }

    func runHere(
        _ document: NotebookDocument, parameters: [(name: String, value: ParameterValue)], progress: RunProgress
    ) -> NotebookResult {
        let seed = document.seed ?? 0
        TorchGenerator.global.manualSeed(seed)
        NumpyRandomState.global.seed(UInt32(truncatingIfNeeded: seed))
        let interpreter = Interpreter()
        let bindings = EngineBindings(
            interpreter: interpreter, torch: TorchGenerator.global, numpy: NumpyRandomState.global)
        bindings.install()
        var running: Cell?
        func report(_ done: Int, _ total: Int) {
            // The loop reporting (over a range, or a loader's batches) is the innermost running.
            guard let cell = running else { return }
            onProgress(LoopProgress(cell: cell, done: done, total: total, outer: Array(interpreter.loops.dropLast())))
        }
        interpreter.loopProgress = report
        interpreter.reserveMemory = { bytes in
            let inUse = heapBytesInUse()
            if bytes > tensorMemoryBudget - inUse {
                throw Diagnostic(
                    "out of the memory budget: this value needs \(Tensor.describeBytes(bytes)) and the notebook already "
                        + "holds \(Tensor.describeBytes(inUse)) of \(Tensor.describeBytes(tensorMemoryBudget)) (raise it with --memory)",
                    at: SourceRange(SourceLocation(line: 1, column: 1), SourceLocation(line: 1, column: 2)))
            }
        }
        let interruptedBefore = Runner.interrupted.count
        progress.interruptedBefore = interruptedBefore
        let figures = FigureCollector()
        bindings.installData(collector: figures)
        let plots = Plots.install(in: interpreter, bindings: bindings, collector: figures)
        let metrics = MetricLog()
        metrics.install(in: interpreter, bindings: bindings)
        for (name, value) in parameters { interpreter.define(name, value.value) }

        var failed = false
        var warnings: [Diagnostic] = [], reportedNonFinite = false
        for cell in document.cells {
            if failed {
                _ = progress.end(CellResult(cell: cell, status: .notRun, output: "", figures: [], seconds: 0))
                continue
            }
            onCellStart(cell)
            plots.begin(cell: cell)
            let start = DispatchTime.now().uptimeNanoseconds
            let timeout = min(cell.options.timeout, timeoutLimit ?? .infinity)
            let deadline = start + UInt64(min(timeout * 1e9, 0x1p62))
            progress.begin(cell, timeout: timeout, started: start, deadline: deadline)
            running = cell
            let emit = { [unowned self] (text: String) in
                progress.print(text)
                self.onOutput(cell, text)
            }
            interpreter.output = emit
            var timedOut = false
            interpreter.checkpointSite = nil
            interpreter.checkpoint = { [unowned interpreter] in
                // At the loop or call running (or the cell's first line).
                let site =
                    interpreter.checkpointSite
                    ?? SourceRange(
                        SourceLocation(line: cell.firstLine, column: 1), SourceLocation(line: cell.firstLine, column: 2)
                    )
                if DispatchTime.now().uptimeNanoseconds > deadline {
                    timedOut = true
                    throw Diagnostic(RunProgress.timeoutMessage(timeout), at: site)
                }
                if progress.overBudget.load(ordering: .relaxed) {
                    throw Diagnostic(RunProgress.memoryMessage(), at: site)
                }
                if Runner.interrupted.count > interruptedBefore {
                    throw Diagnostic(RunProgress.interruptMessage(), at: site)
                }
            }
            warnings = []
            // A loss, or an optimizer's gradients, no longer finite: once per run, where.
            let nanIsError = cell.options.nanIsError
            let reportNonFinite = { [unowned interpreter] (subject: String, value: Double) throws in
                reportedNonFinite = true
                let steps = interpreter.loopSteps.map(String.init).joined(separator: ", ")
                let place =
                    steps.isEmpty
                    ? ""
                    : " at loop step \(steps) (counting from 0\(interpreter.loopSteps.count > 1 ? ", outermost first" : ""))"
                let range =
                    interpreter.callSite
                    ?? SourceRange(
                        SourceLocation(line: cell.firstLine, column: 1), SourceLocation(line: cell.firstLine, column: 2)
                    )
                let message = "\(subject) became \(Value.format(value))\(place)"
                if nanIsError { throw Diagnostic(message + " (//| nan: error)", at: range) }
                warnings.append(
                    Diagnostic(
                        message + "; training goes on with it (stop instead with '//| nan: error')", at: range,
                        severity: .warning))
            }
            bindings.checkLoss = { loss in
                guard !reportedNonFinite || nanIsError, let value = loss.firstNonFinite else { return }
                try reportNonFinite("the loss", value)
            }
            bindings.checkGradients = { parameters in
                guard !reportedNonFinite || nanIsError else { return }
                for (i, p) in parameters.enumerated() {
                    if let value = p.grad?.firstNonFinite {
                        return try reportNonFinite(
                            "the gradient of parameter \(i) (shape \(p.shape.description))", value)
                    }
                }
            }
            var status = CellResult.Status.ok
            var allErrors: [Diagnostic] = []
            do {
                let program = try Parser.parse(cell.source, firstLine: cell.firstLine)
                if let shown = try interpreter.run(program) { emit(shown.displayed + "\n") }
                try plots.finish()
                // One long call may end past the deadline, or over the memory budget, before any
                // checkpoint (every 64 steps) or the watchdog (every 100 ms) saw it.
                if heapBytesInUse() > tensorMemoryBudget { progress.overBudget.store(true, ordering: .relaxed) }
                if DispatchTime.now().uptimeNanoseconds > deadline || Runner.interrupted.count > interruptedBefore
                    || progress.overBudget.load(ordering: .relaxed)
                {
                    try interpreter.checkpoint()
                }
                if cell.options.expectError {
                    status = .failed(
                        Diagnostic(
                            "this cell is marked 'error: expected' but ran without error",
                            at: SourceRange(
                                SourceLocation(line: cell.firstLine, column: 1),
                                SourceLocation(line: cell.firstLine, column: 2))))
                }
            } catch {
                let diagnostics: [Diagnostic]
                switch error {
                case let d as Diagnostic: diagnostics = [d]
                case let list as DiagnosticList: diagnostics = list.diagnostics
                default:
                    diagnostics = [
                        Diagnostic(
                            String(describing: error),
                            at: SourceRange(
                                SourceLocation(line: cell.firstLine, column: 1),
                                SourceLocation(line: cell.firstLine, column: 2)))
                    ]
                }
                let first = diagnostics[0]
                let combined =
                    diagnostics.count == 1
                    ? first : Diagnostic(diagnostics.map(\.message).joined(separator: "; "), at: first.range)
                status = cell.options.expectError && !timedOut ? .expectedError(combined) : .failed(combined)
                if case .failed = status { failed = true }
                if diagnostics.count > 1 { allErrors = diagnostics }
                plots.discard()
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            var result = CellResult(
                cell: cell, status: status, output: progress.output, figures: figures.files, seconds: seconds,
                warnings: warnings)
            result.moreErrors = allErrors
            guard progress.end(result) else { break }  // given up by the watchdog
            onCellEnd(result)
        }
        bindings.release()
        return NotebookResult(
            document: document, parameters: parameters, cells: progress.results, metrics: metrics.metrics)
    }

}

extension ParameterValue {
    var typeName: String {
        switch self {
        case .int: return "an Int"
        case .double: return "a Double"
        case .bool: return "a Bool"
        case .string: return "a String"
        }
    }
}

/// Collects the figures of the running cell.
final class FigureCollector {
    var cell: Cell?
    var files: [FigureFile] = []
    /// The file names earlier cells of the run wrote, with the cell: one report folder holds them
    /// all, so no name may be used twice (a label `a-2` beside a label `a`'s second figure).
    var earlier: [String: Int] = [:]

    func begin(cell: Cell) {
        if let previous = self.cell { for f in files { earlier[f.fileName] = previous.index + 1 } }
        self.cell = cell
        files = []
    }

    /// A file name for the next figure of this cell: its id, then -2, -3, …
    func nextName(_ ext: String) -> String {
        let id = cell?.id ?? "figure"
        let taken = Set(files.map(\.fileName)).union(earlier.keys)
        var name = "\(id).\(ext)"
        var n = 2
        while taken.contains(name) {
            name = "\(id)-\(n).\(ext)"
            n += 1
        }
        return name
    }
}

/// What the cell thread has done so far, shared with the watchdog (under `lock`).
final class RunProgress: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var results: [CellResult] = []
    private var current: Cell?, timeout = 0.0, started: UInt64 = 0, deadline: UInt64 = 0, overSince: UInt64?
    private(set) var output = ""
    private var givenUp = false
    /// Raised by the watchdog when the heap passes the memory budget; the checkpoint throws.
    let overBudget = Atomic<Bool>(false)

    static func timeoutMessage(_ timeout: Double) -> String {
        "cell stopped: it ran longer than its timeout of \(Value.format(timeout)) s (raise it with '//| timeout: …')"
    }

    static func interruptMessage() -> String {
        "cell interrupted (\(Runner.interrupted.name)): the run stops here"
    }

    /// Interruptions counted before this run began (`Runner.interrupt`).
    var interruptedBefore = 0
    private var interruptedSince: UInt64?

    static func memoryMessage() -> String {
        "cell stopped: the notebook holds \(Tensor.describeBytes(heapBytesInUse())), more than its memory budget of "
            + "\(Tensor.describeBytes(tensorMemoryBudget)) (raise it with --memory)"
    }

    func begin(_ cell: Cell, timeout: Double, started: UInt64, deadline: UInt64) {
        lock.withLock {
            (current, self.timeout, self.started, self.deadline) = (cell, timeout, started, deadline)
            (overSince, output) = (nil, "")
            overBudget.store(false, ordering: .relaxed)
        }
    }

    func print(_ text: String) { lock.withLock { output += text } }

    /// Records a cell's result; false when the watchdog gave the run up meanwhile.
    func end(_ result: CellResult) -> Bool {
        lock.withLock {
            guard !givenUp else { return false }
            results.append(result)
            current = nil
            return true
        }
    }

    /// Called every few milliseconds while the cell thread runs: nil, or the result of a run given
    /// up because its cell is past its timeout, or over the memory budget, by more than `grace` s.
    func watch(
        document: NotebookDocument, parameters: [(name: String, value: ParameterValue)], grace: Double
    )
        -> NotebookResult?
    {
        let heap = heapBytesInUse()
        return lock.withLock {
            guard let cell = current else { return nil }
            let now = DispatchTime.now().uptimeNanoseconds, graceNanos = UInt64(grace * 1e9)
            if heap > tensorMemoryBudget {
                overBudget.store(true, ordering: .relaxed)
                if overSince == nil { overSince = now }
            }
            let interruptions = Runner.interrupted.count - interruptedBefore
            if interruptions > 0 && interruptedSince == nil { interruptedSince = now }
            let message: String
            if interruptions >= 2 || interruptedSince.map({ now > $0 + graceNanos }) == true {
                message = RunProgress.interruptMessage()
            } else if now > deadline &+ graceNanos && deadline &+ graceNanos > deadline {
                message = RunProgress.timeoutMessage(timeout)
            } else if let since = overSince, now > since + graceNanos {
                message = RunProgress.memoryMessage()
            } else {
                return nil
            }
            givenUp = true
            let failed = CellResult(
                cell: cell,
                status: .failed(
                    Diagnostic(
                        message + "; it was inside one long operation, so the run was given up",
                        at: SourceRange(
                            SourceLocation(line: cell.firstLine, column: 1),
                            SourceLocation(line: cell.firstLine, column: 2)))),
                output: output, figures: [], seconds: Double(now - started) / 1e9)
            let rest = document.cells.dropFirst(cell.index + 1).map {
                CellResult(cell: $0, status: .notRun, output: "", figures: [], seconds: 0)
            }
            return NotebookResult(document: document, parameters: parameters, cells: results + [failed] + rest)
        }
    }
}

/// One long-lived thread with a 512 MiB stack on which notebooks run, one at a time: a thread
/// made per run would start each run with a cold allocator arena (measured 2–3% slower).
final class CellThread: @unchecked Sendable {
    /// The thread runs go to; replaced when a run is given up with its thread still busy.
    nonisolated(unsafe) private static var current = CellThread()
    private static let lock = NSLock()
    /// Signalled when a given-up run's thread is done at last.
    nonisolated(unsafe) private static var givenUp: [DispatchSemaphore] = []

    /// Waits until every given-up run has ended on its old thread (a process that runs again
    /// must not share the generators and the engine with it).
    static func waitForGivenUpRuns() {
        lock.lock()
        defer { lock.unlock() }
        for done in givenUp { done.wait() }
        givenUp = []
    }

    private let work = DispatchSemaphore(value: 0)
    private var job: (() -> Void)?

    private init() {
        let thread = Thread { [unowned self] in
            while true {
                work.wait()
                job?()
            }
        }
        thread.stackSize = 1 << 29
        thread.start()
    }

    /// Runs `body` on the cell thread and returns its result (callers are serialised); `watch` is
    /// asked every 100 ms meanwhile (more often measurably slowed the cell thread: each look at
    /// the heap takes malloc's locks), and a result it gives ends the wait (`abandoned`).
    static func run(
        _ body: @escaping () -> NotebookResult, watch: () -> NotebookResult?
    ) -> (
        NotebookResult, abandoned: Bool
    ) {
        lock.lock()
        defer { lock.unlock() }
        final class Box: @unchecked Sendable { var value: NotebookResult? }
        let box = Box(), done = DispatchSemaphore(value: 0), thread = current
        thread.job = {
            box.value = body()
            done.signal()
        }
        thread.work.signal()
        while done.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            if let given = watch() {
                current = CellThread()
                givenUp.append(done)
                return (given, true)
            }
        }
        thread.job = nil
        return (box.value!, false)
    }
}
