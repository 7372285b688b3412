import Foundation
import Notebook

/// What a run shows on the terminal (standard error): a line per cell, the cell's printed
/// lines as they are printed (indented under the cell's line, the same text the report shows),
/// and on a terminal a progress bar for long loops in the spirit of tqdm:
///
///       cell  3 train  epoch 2/3  [########------------]  2773/6000  812 it/s  00:03<00:04
///
/// Without a terminal (CI, pipes) there is no bar and no escape code. Everything is called on
/// the cell thread, one call at a time.
final class TerminalLog {
    let showOutput: Bool
    let isTerminal: Bool
    let color: Bool
    private var headerShown = false
    private var partial = ""
    private var barShown = false
    private var lastDraw: UInt64 = 0
    /// When the loop the bar follows started, and where it was then (a new loop restarts it).
    private var loopStart: UInt64 = 0
    private var lastDone = Int.max

    init(showOutput: Bool, isTerminal: Bool, color: Bool) {
        self.showOutput = showOutput
        self.isTerminal = isTerminal
        self.color = color
    }

    func write(_ s: String) {
        clearBar()
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    static func cellName(_ cell: Cell) -> String {
        String(format: "cell %2d", cell.index + 1) + (cell.options.label.map { " \($0)" } ?? "")
    }

    func cellStarted(_ cell: Cell) {
        headerShown = false
        partial = ""
        lastDone = Int.max
    }

    /// A cell printed `text`: its complete lines go out now, under the cell's name.
    func output(_ cell: Cell, _ text: String) {
        guard showOutput else { return }
        partial += text
        while let newline = partial.firstIndex(of: "\n") {
            emitLine(cell, String(partial[..<newline]))
            partial = String(partial[partial.index(after: newline)...])
        }
    }

    private func emitLine(_ cell: Cell, _ line: String) {
        if !headerShown {
            headerShown = true
            write("  " + Self.cellName(cell))
        }
        write("      " + line)
    }

    func cellEnded(_ result: CellResult) {
        if !partial.isEmpty { emitLine(result.cell, partial) }
        partial = ""
        let status: String
        switch result.status {
        case .ok: status = paint("ok", 32)
        case .expectedError: status = paint("failed as expected", 33)
        case .failed: status = paint("error", 31)
        case .notRun: status = paint("not run", 2)
        }
        write(String(format: "  %@  %@  %.3f s", Self.cellName(result.cell), status, result.seconds))
    }

    private func paint(_ s: String, _ code: Int) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    /// Redraws the bar, at most ten times a second (and always at the loop's end).
    func progress(_ p: Runner.LoopProgress) {
        guard isTerminal else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        if p.done < lastDone {
            loopStart = now
        }
        lastDone = p.done
        guard now - lastDraw >= 100_000_000 || p.done == p.total else { return }
        lastDraw = now
        let outer = p.outer.filter { $0.total != nil }.map { "\($0.name) \($0.step + 1)/\($0.total!)" }
        let width = 20, filled = p.total > 0 ? min(width, p.done * width / p.total) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let elapsed = Double(now - loopStart) / 1e9
        let rate = elapsed > 0 ? Double(p.done) / elapsed : 0
        let left = rate > 0 ? Double(p.total - p.done) / rate : 0
        var line = "  " + Self.cellName(p.cell)
        if !outer.isEmpty { line += "  " + outer.joined(separator: "  ") }
        line += "  [\(bar)]  \(p.done)/\(p.total)"
        if p.done > 0 && elapsed >= 0.05 {
            line += "  " + (rate >= 10 ? "\(Int(rate)) it/s" : String(format: "%.2f it/s", rate))
            line += "  \(Self.clock(elapsed))<\(Self.clock(left))"
        }
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
        barShown = true
    }

    private func clearBar() {
        guard barShown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        barShown = false
    }

    /// mm:ss, or h:mm:ss past an hour.
    static func clock(_ seconds: Double) -> String {
        let s = Int(min(seconds, 359_999).rounded())
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%02d:%02d", s / 60, s % 60)
    }
}
