import Foundation
import Plotting

/// How two PNG or GIF files differ in pixels ("1234 of 400000 pixels differ"), when both decode.
public func imageDifference(_ a: Data, _ b: Data) -> String? { describePixelDifference(a, b) }

/// Writing reports into the output folder, atomically, and comparing regenerated reports with the
/// committed ones.
public enum OutputFolder {
    /// Replaces `root/name/` with `files`: written into a hidden folder beside it, then renamed,
    /// so an interrupted write never leaves a half report.
    /// Two runs into one folder (two terminals, a sweep) each write their own partial folder and
    /// swap under the folder's lock, so a report is always one run's, whole.
    public static func write(_ files: [String: Data], name: String, root: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        let final = root.appendingPathComponent(name)
        let partial = root.appendingPathComponent(".\(name).partial-\(getpid())")
        let old = root.appendingPathComponent(".\(name).old")
        try? fm.removeItem(at: partial)
        try fm.createDirectory(at: partial, withIntermediateDirectories: true)
        for (file, data) in files.sorted(by: { $0.key < $1.key }) {
            try data.write(to: partial.appendingPathComponent(file))
        }
        try locked(root) {
            recover(name, root: root)
            if fm.fileExists(atPath: final.path) { try fm.moveItem(at: final, to: old) }
            try fm.moveItem(at: partial, to: final)
            try? fm.removeItem(at: old)
        }
    }

    /// Runs `body` holding an exclusive lock on `root/.lock` (flock; released if the process dies).
    public static func locked<T>(_ root: URL, _ body: () throws -> T) throws -> T {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let fd = open(root.appendingPathComponent(".lock").path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { return try body() }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// A run killed between the two renames of `write` leaves the last good report as
    /// `.name.old` and no `name`: put it back (or drop a stale `.old` beside a report), so the
    /// last good report is never lost. Called before a notebook runs.
    /// Also removes the half-written `.name.partial-PID` folders of runs that were killed.
    public static func recover(_ name: String, root: URL) {
        let fm = FileManager.default
        let prefix = ".\(name).partial-"
        for entry in (try? fm.contentsOfDirectory(atPath: root.path)) ?? [] where entry.hasPrefix(prefix) {
            if let pid = Int32(entry.dropFirst(prefix.count)), kill(pid, 0) != 0 && errno == ESRCH {
                try? fm.removeItem(at: root.appendingPathComponent(entry))
            }
        }
        let final = root.appendingPathComponent(name), old = root.appendingPathComponent(".\(name).old")
        guard fm.fileExists(atPath: old.path) else { return }
        if fm.fileExists(atPath: final.path) {
            try? fm.removeItem(at: old)
        } else {
            try? fm.moveItem(at: old, to: final)
        }
    }

    /// Rewrites `root/index.html` from the reports present in `root`.
    public static func writeIndex(root: URL) throws {
        try locked(root) { try Data(indexHTML(root: root).utf8).write(to: root.appendingPathComponent("index.html")) }
    }

    /// The index of the reports in `root`, from their `report.json` files.
    public static func indexHTML(root: URL) -> String {
        let fm = FileManager.default
        let folders = ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).filter {
            !$0.hasPrefix(".") && !$0.hasSuffix(".sweep")
        }
        var entries: [String: Report.IndexEntry] = [:]
        for folder in folders {
            let isFailed = folder.hasSuffix(".failed")
            let name = isFailed ? String(folder.dropLast(".failed".count)) : folder
            guard let summary = Report.Summary.read(root.appendingPathComponent(folder)) else { continue }
            var entry = entries[name] ?? Report.IndexEntry(name: name)
            if isFailed { entry.failed = summary } else { entry.good = summary }
            entries[name] = entry
        }
        return Report.indexHTML(Array(entries.values))
    }

    /// The files of a folder, by name (one level: reports are flat).
    public static func read(_ folder: URL) -> [String: Data]? {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { return nil }
        var files: [String: Data] = [:]
        for name in names where !name.hasPrefix(".") {
            if let d = fm.contents(atPath: folder.appendingPathComponent(name).path) { files[name] = d }
        }
        return files
    }

    /// How the committed files differ from the regenerated ones, in words a reviewer can act on:
    /// missing and extra files, a unified diff for text, the changed-pixel count for images.
    public static func differences(
        committed: [String: Data], regenerated: [String: Data], label: String,
        imageDifference: (Data, Data) -> String? = { _, _ in nil }
    ) -> [String] {
        var out: [String] = []
        for name in Set(committed.keys).union(regenerated.keys).sorted() {
            let path = "\(label)/\(name)"
            switch (committed[name], regenerated[name]) {
            case (nil, _?): out.append("\(path): missing from the committed report (the notebook now produces it)")
            case (_?, nil): out.append("\(path): committed, but the notebook no longer produces it")
            case (let a?, let b?) where a != b:
                if name.hasSuffix(".png") || name.hasSuffix(".gif") {
                    out.append("\(path): image differs" + (imageDifference(a, b).map { ": " + $0 } ?? ""))
                } else {
                    let old = String(decoding: a, as: UTF8.self), new = String(decoding: b, as: UTF8.self)
                    let diff = unifiedDiff(old, new, from: "committed/\(path)", to: "regenerated/\(path)")
                    let cell = cellAtFirstDifference(old, new).map { " in \($0)" } ?? ""
                    out.append("\(path): differs\(cell)\n" + diff)
                }
            default: break
            }
        }
        return out
    }

    /// The cell whose output holds the first differing line: the `## cell N (label)` header of
    /// outputs.txt or the `<section class="cell" id="…">` of index.html above it.
    static func cellAtFirstDifference(_ a: String, _ b: String) -> String? {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false),
            y = b.split(separator: "\n", omittingEmptySubsequences: false)
        var first = 0
        while first < x.count && first < y.count && x[first] == y[first] { first += 1 }
        for line in x[..<min(first + 1, x.count)].reversed() {
            if line.hasPrefix("## cell ") { return String(line.dropFirst(3)).components(separatedBy: ":")[0] }
            if let r = line.range(of: "<section class=\"cell\" id=\"") {
                return "cell " + line[r.upperBound...].prefix { $0 != "\"" }
            }
        }
        return nil
    }

    /// A unified diff of two texts (3 lines of context), by longest common subsequence after
    /// trimming the common head and tail.
    public static func unifiedDiff(_ a: String, _ b: String, from: String, to: String, context: Int = 3) -> String {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false),
            y = b.split(separator: "\n", omittingEmptySubsequences: false)
        var head = 0
        while head < x.count && head < y.count && x[head] == y[head] { head += 1 }
        var tail = 0
        while tail < x.count - head && tail < y.count - head && x[x.count - 1 - tail] == y[y.count - 1 - tail] {
            tail += 1
        }
        let xs = Array(x[head..<(x.count - tail)]), ys = Array(y[head..<(y.count - tail)])
        // ops: (kind, lineInA, lineInB) over the middle part.
        var ops: [(Character, Int, Int)] = []
        if xs.count * ys.count <= 4_000_000 {
            var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: ys.count + 1), count: xs.count + 1)
            for i in stride(from: xs.count - 1, through: 0, by: -1) {
                for j in stride(from: ys.count - 1, through: 0, by: -1) {
                    lcs[i][j] = xs[i] == ys[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
            var i = 0, j = 0
            while i < xs.count || j < ys.count {
                if i < xs.count && j < ys.count && xs[i] == ys[j] {
                    ops.append((" ", i, j))
                    i += 1
                    j += 1
                } else if i < xs.count && (j == ys.count || lcs[i + 1][j] >= lcs[i][j + 1]) {
                    ops.append(("-", i, j))
                    i += 1
                } else {
                    ops.append(("+", i, j))
                    j += 1
                }
            }
        } else {
            ops = xs.indices.map { ("-", $0, 0) } + ys.indices.map { ("+", xs.count, $0) }
        }
        var lines = ["--- \(from)", "+++ \(to)"]
        let startA = max(0, head - context), startB = max(0, head - context)
        var hunk: [String] = []
        for k in startA..<head { hunk.append(" " + x[k]) }
        var countA = head - startA, countB = head - startB
        for (kind, i, j) in ops {
            switch kind {
            case " ":
                hunk.append(" " + xs[i])
                countA += 1
                countB += 1
            case "-":
                hunk.append("-" + xs[i])
                countA += 1
            default:
                hunk.append("+" + ys[j])
                countB += 1
            }
        }
        let after = min(context, tail)
        for k in 0..<after { hunk.append(" " + x[x.count - tail + k]) }
        countA += after
        countB += after
        lines.append("@@ -\(startA + 1),\(countA) +\(startB + 1),\(countB) @@")
        return (lines + hunk).joined(separator: "\n")
    }
}
