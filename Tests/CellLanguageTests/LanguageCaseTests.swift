import Foundation
import XCTest

@testable import CellLanguage

/// Runs every program in Cases/: the printed output (and the displayed last expression) must
/// equal the `// expect: …` lines in order, and each `// expect error: …` line must be reported
/// on that line with that message.
final class LanguageCaseTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Cases")

    func testCases() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter {
            $0.hasSuffix(".swift")
        }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 100)
        for file in files {
            let source = try String(contentsOf: Self.folder.appendingPathComponent(file), encoding: .utf8)
            var expectedOutput: [String] = []
            var expectedErrors: [(line: Int, message: String)] = []
            for (i, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if let r = line.range(of: "// expect: ") { expectedOutput.append(String(line[r.upperBound...])) }
                if let r = line.range(of: "// expect error: ") {
                    expectedErrors.append((i + 1, String(line[r.upperBound...])))
                }
            }
            let interpreter = Interpreter()
            var output = ""
            interpreter.output = { output += $0 }
            var errors: [Diagnostic] = []
            do {
                let program = try Parser.parse(source)
                if let shown = try interpreter.run(program) { output += shown.displayed + "\n" }
            } catch let d as Diagnostic {
                errors = [d]
            } catch let list as DiagnosticList {
                errors = list.diagnostics
            }
            var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            XCTAssertEqual(lines, expectedOutput, "\(file): output")
            XCTAssertEqual(
                errors.map { "\($0.range.start.line): \($0.message)" },
                expectedErrors.map { "\($0.line): \($0.message)" }, "\(file): errors")
        }
    }

    func testDiagnosticRendering() throws {
        let source = "let a = 1\nlet b = a + nope\n"
        XCTAssertThrowsError(try Interpreter().run(Parser.parse(source, firstLine: 41))) { error in
            let d = error as! Diagnostic
            let lines = ([Substring](repeating: "", count: 40)) + source.split(separator: "\n")
            XCTAssertEqual(
                d.rendered(file: "Notebooks/x2fit.md", lines: lines),
                """
                Notebooks/x2fit.md:42:13: error: cannot find 'nope' in scope
                let b = a + nope
                            ^~~~
                """)
        }
    }

    func testParserReportsSeveralErrors() {
        XCTAssertThrowsError(try Parser.parse("let = 3\nlet ok = 1\nlet y = ]\nprint(ok))\n")) { error in
            let list = error as! DiagnosticList
            XCTAssertEqual(list.diagnostics.map(\.range.start.line), [1, 3, 4])
        }
    }
}
