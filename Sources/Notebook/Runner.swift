import CellLanguage
import Foundation
import TensorEngine

/// A file a cell produced, written beside the report: a figure, or (not an image) saved weights.
public struct FigureFile: Equatable {
    public var fileName: String
    public var data: Data
    public var alt: String
    public var caption: String?
    public var isImage = true
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
}

/// The outcome of a notebook run.
public struct NotebookResult {
    public var document: NotebookDocument
    public var parameters: [(name: String, value: ParameterValue)]
    public var cells: [CellResult]

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
    /// Told about long loops: (done, total) — for a progress bar.
    public var onProgress: (Int, Int) -> Void = { _, _ in }

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
    public func run(_ document: NotebookDocument, parameters: [(name: String, value: ParameterValue)]) -> NotebookResult
    {
        CellThread.shared.run { self.runHere(document, parameters: parameters) }
    }

    func runHere(_ document: NotebookDocument, parameters: [(name: String, value: ParameterValue)]) -> NotebookResult {
        let seed = document.seed ?? 0
        TorchGenerator.global.manualSeed(seed)
        NumpyRandomState.global.seed(UInt32(truncatingIfNeeded: seed))
        let interpreter = Interpreter()
        let bindings = EngineBindings(
            interpreter: interpreter, torch: TorchGenerator.global, numpy: NumpyRandomState.global)
        bindings.install()
        bindings.progress = { [unowned self] in self.onProgress($0, $1) }
        interpreter.loopProgress = { [unowned self] in self.onProgress($0, $1) }
        let figures = FigureCollector()
        bindings.installData(collector: figures)
        Plots.install(in: interpreter, bindings: bindings, collector: figures)
        for (name, value) in parameters { interpreter.define(name, value.value) }

        var results: [CellResult] = []
        var failed = false
        var warnings: [Diagnostic] = [], reportedNonFinite = false
        for cell in document.cells {
            if failed {
                results.append(CellResult(cell: cell, status: .notRun, output: "", figures: [], seconds: 0))
                continue
            }
            onCellStart(cell)
            var output = ""
            interpreter.output = { output += $0 }
            figures.begin(cell: cell)
            let start = DispatchTime.now().uptimeNanoseconds
            let deadline = start + UInt64(cell.options.timeout * 1e9)
            var timedOut = false
            interpreter.checkpoint = {
                if DispatchTime.now().uptimeNanoseconds > deadline {
                    timedOut = true
                    throw Diagnostic(
                        "cell stopped: it ran longer than its timeout of \(Value.format(cell.options.timeout)) s (raise it with '//| timeout: …')",
                        at: SourceRange(
                            SourceLocation(line: cell.firstLine, column: 1),
                            SourceLocation(line: cell.firstLine, column: 2)))
                }
            }
            warnings = []
            bindings.beforeBackward = { [unowned interpreter] loss in
                // A loss (a few numbers at most) that is no longer finite: once per run, where.
                guard !reportedNonFinite || cell.options.nanIsError, loss.count <= 16,
                    loss.count == 1 ? !(try loss.item()).isFinite : loss.scalars.contains(where: { !$0.isFinite })
                else { return }
                reportedNonFinite = true
                let value = loss.scalars.first { !$0.isFinite }!
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
                let message = "the loss became \(Value.format(value))\(place); training goes on with it"
                if cell.options.nanIsError {
                    throw Diagnostic(
                        message.replacingOccurrences(of: "; training goes on with it", with: " (//| nan: error)"),
                        at: range)
                }
                warnings.append(
                    Diagnostic(message + " (stop instead with '//| nan: error')", at: range, severity: .warning))
            }
            var status = CellResult.Status.ok
            do {
                let program = try Parser.parse(cell.source, firstLine: cell.firstLine)
                if let shown = try interpreter.run(program) { output += shown.displayed + "\n" }
                try figures.finish()
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
                figures.discard()
                if diagnostics.count > 1 { multiple[cell.index] = diagnostics }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let result = CellResult(
                cell: cell, status: status, output: output, figures: figures.files, seconds: seconds, warnings: warnings
            )
            results.append(result)
            onCellEnd(result)
        }
        return NotebookResult(document: document, parameters: parameters, cells: results)
    }

    /// All diagnostics of a cell that had several (syntax errors), by cell index.
    public private(set) var multiple: [Int: [Diagnostic]] = [:]

    /// The diagnostics of a failed cell rendered with file, line, caret.
    public func renderedErrors(_ result: CellResult, _ document: NotebookDocument) -> String {
        let diagnostics: [Diagnostic]
        switch result.status {
        case .failed(let d), .expectedError(let d): diagnostics = multiple[result.cell.index] ?? [d]
        default: return ""
        }
        return diagnostics.map { $0.rendered(file: document.path, lines: document.lines) }.joined(separator: "\n")
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
    /// Called when a cell ends, to turn a figure still open into a file.
    var flush: () throws -> Void = {}
    /// Drops whatever a failed cell had drawn.
    var reset: () -> Void = {}

    func begin(cell: Cell) {
        if let previous = self.cell { for f in files { earlier[f.fileName] = previous.index + 1 } }
        self.cell = cell
        files = []
        reset()
    }

    func finish() throws { try flush() }

    func discard() {
        files = []
        reset()
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

/// One long-lived thread with a 512 MiB stack on which notebooks run, one at a time: a thread
/// made per run would start each run with a cold allocator arena (measured 2–3% slower).
final class CellThread: @unchecked Sendable {
    static let shared = CellThread()

    private let lock = NSLock()
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

    /// Runs `body` on the cell thread and returns its result (callers are serialised).
    func run(_ body: @escaping () -> NotebookResult) -> NotebookResult {
        lock.lock()
        defer { lock.unlock() }
        final class Box: @unchecked Sendable { var value: NotebookResult? }
        let box = Box(), done = DispatchSemaphore(value: 0)
        job = {
            box.value = body()
            done.signal()
        }
        work.signal()
        done.wait()
        job = nil
        return box.value!
    }
}
