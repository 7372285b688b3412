import Foundation
import XCTest

/// The `runbook` executable end to end: exit codes, `--set`, identical bytes on rerun, `check`
/// catching stale reports, failed runs leaving the last report intact.
final class CLITests: XCTestCase {
    var folder: URL!

    /// The tool built beside the tests (`make test` builds both before testing).
    static var binary: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent(".build/release/runbook")
    }

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.binary.path), "runbook is not built")
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("Notebooks"), withIntermediateDirectories: true)
        try write(
            "Notebooks/demo.md",
            """
            ---
            title: Demo
            seed: 2
            params:
              n: 3
            ---

            # Demo

            ```swift runbook
            //| label: numbers
            let w = Linear(1, n).weight
            print(w.shape)
            w
            ```

            ```swift runbook
            //| label: chart
            plot([1, 2, 3], [1, 4, 9])
            title("squares")
            ```
            """)
    }

    override func tearDownWithError() throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    func write(_ path: String, _ text: String) throws {
        try text.write(to: folder.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    func read(_ path: String) -> Data? {
        FileManager.default.contents(atPath: folder.appendingPathComponent(path).path)
    }

    @discardableResult
    func runbook(_ args: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        p.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testRunWritesAReportAndRerunsAreIdentical() throws {
        let first = try runbook("Notebooks/demo.md")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, "report: Output/demo/index.html\n")
        let html = read("Output/demo/index.html")!, txt = read("Output/demo/outputs.txt")!,
            png = read("Output/demo/chart.png")!
        XCTAssertTrue(String(decoding: txt, as: UTF8.self).contains("[3, 1]\nParameter containing:"))
        XCTAssertNotNil(read("Output/index.html"))
        XCTAssertEqual(try runbook("Notebooks/demo.md", "--threads", "2", "--quiet").status, 0)
        XCTAssertEqual(read("Output/demo/index.html"), html)
        XCTAssertEqual(read("Output/demo/outputs.txt"), txt)
        XCTAssertEqual(read("Output/demo/chart.png"), png)
        XCTAssertFalse(String(decoding: html, as: UTF8.self).contains(folder.path), "no absolute paths in reports")
        XCTAssertEqual(try runbook("check").status, 0)
    }

    func testCheckCatchesOneCharacterChanges() throws {
        XCTAssertEqual(try runbook("--all", "--quiet").status, 0)
        var txt = String(decoding: read("Output/demo/outputs.txt")!, as: UTF8.self)
        txt = txt.replacingOccurrences(of: "[3, 1]", with: "[3, 2]")
        try write("Output/demo/outputs.txt", txt)
        let stale = try runbook("check", "--quiet")
        XCTAssertEqual(stale.status, 1)
        XCTAssertTrue(stale.stderr.contains("Output/demo/outputs.txt: differs in cell 1 (numbers)"), stale.stderr)
        XCTAssertTrue(stale.stderr.contains("-[3, 2]\n+[3, 1]"), stale.stderr)
        XCTAssertEqual(String(decoding: read("Output/demo/outputs.txt")!, as: UTF8.self), txt, "check never writes")

        XCTAssertEqual(try runbook("--all", "--quiet").status, 0)
        var html = String(decoding: read("Output/demo/index.html")!, as: UTF8.self)
        html = html.replacingOccurrences(of: "<h1>Demo</h1>", with: "<h1>Dema</h1>")
        try write("Output/demo/index.html", html)
        XCTAssertEqual(try runbook("check", "--quiet").status, 1)
    }

    func testFailedRunKeepsTheLastGoodReport() throws {
        XCTAssertEqual(try runbook("Notebooks/demo.md", "--quiet").status, 0)
        let good = read("Output/demo/index.html")
        try write("Notebooks/demo.md", "# Demo\n\n```swift runbook\nlet x = tensor([1.0]) + undefinedThing\n```\n")
        let failed = try runbook("Notebooks/demo.md", "--quiet")
        XCTAssertEqual(failed.status, 2)
        XCTAssertTrue(
            failed.stderr.contains("Notebooks/demo.md:4:25: error: cannot find 'undefinedThing' in scope"),
            failed.stderr)
        XCTAssertEqual(read("Output/demo/index.html"), good)
        XCTAssertNotNil(read("Output/demo.failed/index.html"))
    }

    func testUsageErrors() throws {
        XCTAssertEqual(try runbook("Notebooks/demo.md", "--set", "m=2").status, 64)
        XCTAssertEqual(try runbook("Notebooks/demo.md", "--set", "n=two").status, 64)
        XCTAssertEqual(try runbook("Notebooks/demo.md", "--threads", "0").status, 64)
        XCTAssertEqual(try runbook("--bogus").status, 64)
        let set = try runbook("Notebooks/demo.md", "--set", "n=4", "--quiet")
        XCTAssertEqual(set.status, 0)
        XCTAssertTrue(String(decoding: read("Output/demo/outputs.txt")!, as: UTF8.self).contains("# n = 4\n"))
    }

    func testUnreadableMissingAndReservedNotebooksSayWhy() throws {
        let missing = try runbook("Notebooks/none.md")
        XCTAssertEqual(missing.status, 64)
        XCTAssertTrue(missing.stderr.contains("no notebook at 'Notebooks/none.md'"), missing.stderr)
        try Data("```swift runbook\nprint(1)\n```\n\u{FF}\n".utf8 + [0xFF, 0xFE]).write(
            to: folder.appendingPathComponent("Notebooks/latin.md"))
        let latin = try runbook("Notebooks/latin.md")
        XCTAssertEqual(latin.status, 2)
        XCTAssertTrue(latin.stderr.contains("is not UTF-8 text (the first invalid byte is on line 5)"), latin.stderr)
        try write("Notebooks/index.html.md", "# Index\n")
        XCTAssertEqual(try runbook("Notebooks/index.html.md").status, 64)
        try write("Notebooks/x.failed.md", "# X\n")
        XCTAssertEqual(try runbook("Notebooks/x.failed.md").status, 64)
        try write("afile", "not a folder")
        let output = try runbook("Notebooks/demo.md", "--output", "afile")
        XCTAssertEqual(output.status, 64)
        XCTAssertTrue(output.stderr.contains("--output 'afile' is a file, not a folder"), output.stderr)
    }

    /// A run killed between the report swap's two renames leaves the last good report as
    /// `.demo.old`; the next run puts it back before anything else.
    func testAReportLeftAsideByAKilledRunIsRestored() throws {
        XCTAssertEqual(try runbook("Notebooks/demo.md", "--quiet").status, 0)
        let good = read("Output/demo/index.html")
        let fm = FileManager.default
        try fm.moveItem(
            at: folder.appendingPathComponent("Output/demo"), to: folder.appendingPathComponent("Output/.demo.old"))
        try write("Notebooks/demo.md", "```swift runbook\nlet x = undefinedThing\n```\n")
        XCTAssertEqual(try runbook("Notebooks/demo.md", "--quiet").status, 2)
        XCTAssertEqual(read("Output/demo/index.html"), good)
        XCTAssertFalse(fm.fileExists(atPath: folder.appendingPathComponent("Output/.demo.old").path))
    }

    /// Two runs into one output folder at once, with different parameters: after each round the
    /// report is one run's whole (its text and its figure agree), never a mix.
    func testTwoRunsAtOnceLeaveOneRunsWholeReport() throws {
        try write(
            "Notebooks/pair.md",
            "---\nparams:\n  n: 1\n---\n```swift runbook\n//| label: p\nprint(n)\nplot([1, 2], [n, n * n])\n```\n")
        var figures: [String: Data] = [:]
        for n in ["2", "3"] {
            XCTAssertEqual(try runbook("Notebooks/pair.md", "--set", "n=\(n)", "--quiet").status, 0)
            figures[n] = read("Output/pair/p.png")
        }
        XCTAssertNotEqual(figures["2"], figures["3"])
        for _ in 0..<8 {
            let runs = ["2", "3"].map { n -> Process in
                let p = Process()
                p.executableURL = Self.binary
                p.arguments = ["Notebooks/pair.md", "--set", "n=\(n)", "--quiet"]
                p.currentDirectoryURL = folder
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                return p
            }
            for p in runs { try p.run() }
            for p in runs { p.waitUntilExit() }
            let text = String(decoding: read("Output/pair/outputs.txt") ?? Data(), as: UTF8.self)
            let n = text.contains("\n2\n") ? "2" : "3"
            XCTAssertEqual(read("Output/pair/p.png"), figures[n], "the figure is not from the run whose text is there")
        }
    }

    /// Printed lines reach the terminal while the cell runs, under the cell's line, as the report
    /// shows them; without a terminal there is no bar and no escape code; --quiet silences them.
    func testCellOutputStreamsUnderItsCell() throws {
        try write(
            "Notebooks/s.md",
            "```swift runbook\n//| label: train\nfor epoch in 0..<2 { print(\"epoch \\(epoch)\") }\n"
                + "for i in 0..<5000 { }\nprint(\"tail\", terminator: \"\")\n```\n")
        let run = try runbook("Notebooks/s.md")
        XCTAssertEqual(run.status, 0)
        XCTAssertTrue(
            run.stderr.contains("  cell  1 train\n      epoch 0\n      epoch 1\n      tail\n  cell  1 train  ok  "),
            run.stderr)
        XCTAssertFalse(run.stderr.contains("\u{1B}"), "escape codes without a terminal")
        XCTAssertFalse(try runbook("Notebooks/s.md", "--quiet").stderr.contains("epoch"))
    }

    /// On a terminal (a pseudo-terminal made by script(1)), long loops get a bar with the cell,
    /// the enclosing loop's position, count, rate and times, erased before the next line.
    func testLongLoopsShowAProgressBarOnATerminal() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "no script(1)")
        try write(
            "Notebooks/bar.md",
            "```swift runbook\n//| label: fit\nvar s = 0.0\nfor epoch in 0..<2 {\n    for i in 0..<200000 { s += Double(i) }\n"
                + "    print(\"epoch \\(epoch)\")\n}\n```\n")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qec", "\(Self.binary.path) Notebooks/bar.md --color never", "/dev/null"]
        p.currentDirectoryURL = folder
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("\r  cell  1 fit  epoch 2/2  [####################]  200000/200000  "), text)
        XCTAssertTrue(text.contains(" it/s  00:0"), text)
        XCTAssertTrue(text.contains("\u{1B}[K\r\u{1B}[K      epoch 1"), "the bar is erased before a line:\n\(text)")
    }

    /// Ctrl-C (and SIGTERM) stop the running cell at its next step: the error names the cell and
    /// the line, the failed report is written, the last good report stays, the exit status is 130.
    func testAnInterruptedRunStopsCleanly() throws {
        XCTAssertEqual(try runbook("Notebooks/demo.md", "--quiet").status, 0)
        let good = read("Output/demo/index.html")
        try write("Notebooks/demo.md", "```swift runbook\nprint(\"started\")\nvar n = 0\nwhile true { n += 1 }\n```\n")
        for signal in [SIGINT, SIGTERM] {
            let p = Process()
            p.executableURL = Self.binary
            p.arguments = ["Notebooks/demo.md"]
            p.currentDirectoryURL = folder
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            usleep(700_000)
            kill(p.processIdentifier, signal)
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationReason, .exit)
            XCTAssertEqual(p.terminationStatus, 130, text)
            XCTAssertTrue(text.contains("Notebooks/demo.md:4:1: error: cell interrupted ("), text)
            XCTAssertEqual(read("Output/demo/index.html"), good)
            XCTAssertNotNil(read("Output/demo.failed/index.html"))
        }
    }

    /// `--memory` bounds what a notebook's tensors hold together: an op that would pass it is an
    /// error in its cell, before anything is allocated.
    func testTheMemoryBudgetStopsAnOpBeforeItAllocates() throws {
        try write(
            "Notebooks/big.md",
            "```swift runbook\nlet a = ones(1000, 1000)\nlet b = zeros(10000, 1) + zeros(1, 10000)\n```\n")
        let tight = try runbook("Notebooks/big.md", "--memory", "64M", "--quiet")
        XCTAssertEqual(tight.status, 2)
        XCTAssertTrue(
            tight.stderr.contains(
                "big.md:3:9: error: add: out of the memory budget: it needs 381.5 MiB and the notebook already holds"
            ),
            tight.stderr)
        XCTAssertEqual(try runbook("Notebooks/big.md", "--memory", "1G", "--quiet").status, 0)
        XCTAssertEqual(try runbook("Notebooks/big.md", "--memory", "lots").status, 64)
    }

    func testHelpDescribesEveryCommand() throws {
        let help = try runbook("--help")
        XCTAssertEqual(help.status, 0)
        for word in ["run", "check", "bench", "Exit status"] { XCTAssertTrue(help.stdout.contains(word), word) }
        let api = try runbook("help", "api")
        XCTAssertEqual(api.status, 0)
        for line in [
            "Tensor.sum(_ dim: Int? = nil, keepDim: Bool = false)",
            "Conv2d(_ inChannels: Int, _ outChannels: Int, _ kernelSize: Int",
            "np.random.uniform(_ low: Double = 0.0, _ high: Double = 1.0, _ size: [Int]? = nil)",
        ] {
            XCTAssertTrue(api.stdout.contains(line), line)
        }
        XCTAssertTrue(try runbook("help", "run").stdout.contains("--set <name=value>"))
        XCTAssertEqual(try runbook("help", "nope").status, 64)
        let runHelp = try runbook("run", "--help").stdout
        for option in ["--all", "--set <name=value>", "--output <dir>", "--threads <n>", "--memory <size>", "--quiet"] {
            XCTAssertTrue(runHelp.contains(option), option)
        }
    }
}
