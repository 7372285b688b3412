import Foundation
import XCTest

/// Hostile notebooks, each run as a real `runbook` process under an address-space cap and a
/// 1 GiB `--memory`, in a folder that already holds a good report of the same name. Each case is
/// a file in Tests/Hostile/ whose last line (or, for a fuzzer's input kept byte for byte, the
/// file NAME.expect beside it) says what must happen:
///
///     <!-- hostile: exit 2 "text the error contains" -->
///     <!-- hostile: exit 0 "text the output contains" as "index.html.md" -->
///
/// Every case must end by exiting (never a signal) with that status, within a minute. A failed
/// run must leave every file of the folder byte-identical (the last good report included) apart
/// from the notebook, its `.failed/` report and the output index; a run that succeeds may change
/// only the output folder. No report may carry the notebook's HTML unescaped. Cases too large to
/// commit (nesting thousands deep, 20,000-term expressions) are made here.
final class HostileTests: XCTestCase {
    static let cases = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Hostile")

    struct Case {
        var name: String
        var bytes: Data
        var status: Int32
        var needle: String?
        /// The notebook's file name (names that the tool reserves).
        var fileName: String
    }

    func testEncodings() throws { try runFamily("encodings") }
    func testStack() throws { try runFamily("stack", generated: Self.deepCases) }
    func testIntegers() throws { try runFamily("integers") }
    func testMemory() throws { try runFamily("memory") }
    func testTimeout() throws { try runFamily("timeout") }
    func testInjection() throws { try runFamily("injection") }
    func testNames() throws { try runFamily("names") }
    /// Front matter, including what the fuzzer found (`frontmatter-fuzz-*`: its input, kept).
    func testFrontMatter() throws { try runFamily("frontmatter") }

    /// The committed cases of one family, then the generated ones.
    func runFamily(_ family: String, generated: [Case] = []) throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLITests.binary.path), "runbook is not built")
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.cases.path)
            .filter { $0.hasPrefix(family + "-") && $0.hasSuffix(".md") }.sorted()
        XCTAssertFalse(files.isEmpty, "no cases for \(family)")
        let committed = try files.map { file -> Case in
            // A fuzzer's input is kept byte for byte; its expectation is then in NAME.expect.
            let bytes = FileManager.default.contents(atPath: Self.cases.appendingPathComponent(file).path)!
            let sidecar = FileManager.default.contents(
                atPath: Self.cases.appendingPathComponent(String(file.dropLast(3)) + ".expect").path)
            var c = try Self.parse(file, sidecar ?? bytes)
            c.bytes = bytes
            return c
        }
        for c in committed + generated { try check(c) }
    }

    /// Reads the expectation from the file's last 300 bytes (which are ASCII in every case, even
    /// where the rest is not UTF-8).
    static func parse(_ file: String, _ bytes: Data) throws -> Case {
        let tail = String(decoding: bytes.suffix(300).filter { $0 < 0x80 && $0 != 0 }, as: UTF8.self)
        guard let start = tail.range(of: "<!-- hostile: exit ", options: .backwards),
            let end = tail.range(of: "-->", range: start.upperBound..<tail.endIndex)
        else {
            throw CocoaError(
                .fileReadCorruptFile, userInfo: [NSFilePathErrorKey: "\(file): no '<!-- hostile: exit N … -->' line"])
        }
        let spec = String(tail[start.upperBound..<end.lowerBound])
        let quoted = spec.split(separator: "\"", omittingEmptySubsequences: false)
        let status = Int32(spec.prefix { $0.isNumber })!
        var c = Case(name: file, bytes: bytes, status: status, needle: nil, fileName: file)
        if quoted.count >= 3 { c.needle = String(quoted[1]) }
        if quoted.count >= 5 && quoted[2].contains("as") { c.fileName = String(quoted[3]) }
        return c
    }

    func check(_ c: Case) throws {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("runbook-hostile-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: folder) }
        try fm.createDirectory(at: folder.appendingPathComponent("Notebooks"), withIntermediateDirectories: true)
        try fm.createDirectory(at: folder.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        let notebook = "Notebooks/" + c.fileName
        let name = String(c.fileName.dropLast(3))

        // The last good report of the same name (when the name is one the tool accepts).
        try Data("# good\n\n```swift runbook\n//| label: g\nprint(\"good\")\nplot([1, 2], [2, 1])\n```\n".utf8)
            .write(to: folder.appendingPathComponent(notebook))
        _ = try run(notebook, in: folder)
        let before = Self.files(in: folder)
        try c.bytes.write(to: folder.appendingPathComponent(notebook))

        let start = Date()
        let (reason, status, output) = try run(notebook, in: folder)
        let seconds = Date().timeIntervalSince(start)
        let label = "\(c.name) (\(String(format: "%.1f", seconds)) s)"
        XCTAssertEqual(reason, .exit, "\(label): killed by signal \(status)\n\(output)")
        guard reason == .exit else { return }
        XCTAssertEqual(status, c.status, "\(label): exit status\n\(output)")
        if status == 2 {
            XCTAssertTrue(
                output.contains("\(notebook):") && output.contains(": error: ")
                    || output.contains("error: '\(notebook)'"),
                "\(label): no located error\n\(output)")
        }
        let after = Self.files(in: folder)
        if let needle = c.needle {
            let shown = output + String(decoding: after["Output/\(name)/outputs.txt"] ?? Data(), as: UTF8.self)
            XCTAssertTrue(shown.contains(needle), "\(label): '\(needle)' not in\n\(shown)")
        }
        // What may change: the notebook, the index; a failed run's .failed/ report; after a
        // successful run, anything in the output folder.
        for (path, data) in before where path != notebook && path != "Output/index.html" {
            if status == 0 && path.hasPrefix("Output/") { continue }
            XCTAssertEqual(after[path], data, "\(label): \(path) changed")
        }
        for path in after.keys where before[path] == nil {
            let allowed =
                status == 0
                ? path.hasPrefix("Output/") : path.hasPrefix("Output/\(name).failed/") || path == "Output/.lock"
            XCTAssertTrue(allowed, "\(label): wrote \(path)")
        }
        for (path, data) in after where path.hasSuffix(".html") {
            let html = String(decoding: data, as: UTF8.self)
            XCTAssertFalse(
                html.contains("<script>alert") || html.contains("<img src=x"), "\(label): \(path) unescaped")
        }
    }

    /// Runs the tool on `notebook` in `folder` with an address-space cap of 8 GB (the 512 MiB
    /// cell stack and the thread pool fit; a runaway allocation does not), killed after 60 s.
    func run(_ notebook: String, in folder: URL) throws -> (Process.TerminationReason, Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [
            "-c", "ulimit -v 8000000 && exec \"$0\" \"$1\" --memory 1G --quiet", CLITests.binary.path, notebook,
        ]
        p.currentDirectoryURL = folder
        p.environment = ["TMPDIR": folder.appendingPathComponent("tmp").path, "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let killer = DispatchWorkItem { p.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: killer)
        let text = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        killer.cancel()
        return (p.terminationReason, p.terminationStatus, String(decoding: text, as: UTF8.self))
    }

    /// Every file under `folder`, by relative path.
    static func files(in folder: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        let base = folder.standardizedFileURL.path
        guard let walk = FileManager.default.enumerator(atPath: base) else { return out }
        for case let path as String in walk {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isFolder), !isFolder.boolValue {
                out[path] = FileManager.default.contents(atPath: base + "/" + path)
            }
        }
        return out
    }

    /// Nesting and length far past what anyone writes: an error at the offending token, or (a
    /// long flat sum) a result, never a stack overflow.
    static var deepCases: [Case] {
        func cell(_ name: String, _ code: String, _ status: Int32, _ needle: String) -> Case {
            Case(
                name: name, bytes: Data("# \(name)\n\n```swift runbook\n\(code)\n```\n".utf8), status: status,
                needle: needle, fileName: name + ".md")
        }
        let n = 2500
        return [
            cell(
                "stack-parentheses",
                "print(" + String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n) + ")", 2, "nest"),
            cell(
                "stack-brackets", "let a = " + String(repeating: "[", count: n) + String(repeating: "]", count: n), 2,
                "nest"),
            cell(
                "stack-closures", "let f = " + String(repeating: "{ ", count: n) + String(repeating: "} ", count: n), 2,
                "nest"),
            cell("stack-ifs", String(repeating: "if true { ", count: n) + String(repeating: "} ", count: n), 2, "nest"),
            cell(
                "stack-long-sum", "print(" + Array(repeating: "1", count: 20_000).joined(separator: " + ") + ")", 2,
                "split it with"),
            cell("stack-unary-chain", "print(" + String(repeating: "-", count: 20_000) + "1)", 2, "nest"),
            Case(
                name: "stack-yaml",
                bytes: Data(
                    ("---\na: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
                        + "\n---\n\n```swift runbook\nprint(1)\n```\n").utf8),
                status: 2, needle: "nest", fileName: "stack-yaml.md"),
        ]
    }
}

extension HostileTests {
    /// Runs killed (SIGKILL) at 40 moments from start to finish while they replace a report:
    /// afterwards the report is always one run's whole report, old or new (or the old one set
    /// aside as `.name.old`, which the next run puts back), and a run to completion cleans up.
    func testKillMidWrite() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLITests.binary.path), "runbook is not built")
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("runbook-kill-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: folder) }
        try fm.createDirectory(at: folder.appendingPathComponent("Notebooks"), withIntermediateDirectories: true)
        let notebook = folder.appendingPathComponent("Notebooks/k.md")
        func version(_ n: Int) -> Data {
            Data("# v\(n)\n\n```swift runbook\n//| label: f\nprint(\(n))\nplot([1, 2, 3], [\(n), 1, \(n)])\n```\n".utf8)
        }
        var reports: [[String: Data]] = []
        for n in [1, 2] {
            try version(n).write(to: notebook)
            XCTAssertEqual(try run("Notebooks/k.md", in: folder).1, 0)
            reports.append(Self.files(in: folder.appendingPathComponent("Output/k")))
        }
        XCTAssertNotEqual(reports[0], reports[1])
        var seen = Set<String>()
        for step in 0..<40 {
            let n = step % 2 + 1  // the run writes version n over version 3 − n
            try version(3 - n).write(to: notebook)
            XCTAssertEqual(try run("Notebooks/k.md", in: folder).1, 0)
            try version(n).write(to: notebook)
            let p = Process()
            p.executableURL = CLITests.binary
            p.arguments = ["Notebooks/k.md", "--quiet"]
            p.currentDirectoryURL = folder
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32(step) * 4000)  // 0 … 156 ms: a run takes about 100
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            var now = Self.files(in: folder.appendingPathComponent("Output/k"))
            if now.isEmpty { now = Self.files(in: folder.appendingPathComponent("Output/.k.old")) }
            let which = reports.firstIndex(of: now)
            XCTAssertNotNil(which, "killed after \(step * 4) ms: the report is neither the old nor the new one")
            if let which { seen.insert(which == n - 1 ? "new" : "old") }
        }
        XCTAssertEqual(seen, ["old", "new"], "the kills never fell before, or never after, the swap")
        try version(1).write(to: notebook)
        XCTAssertEqual(try run("Notebooks/k.md", in: folder).1, 0)
        XCTAssertEqual(Self.files(in: folder.appendingPathComponent("Output/k")), reports[0])
        let left = try fm.contentsOfDirectory(atPath: folder.appendingPathComponent("Output").path)
            .filter { $0.hasPrefix(".k.") }
        XCTAssertEqual(left, [], "half-written or set-aside reports left behind")
    }
}
