import CellLanguage
import Foundation
import XCTest

@testable import Notebook

/// Runs every program in Cases/ as a one-cell notebook against the engine: what it prints must
/// equal its `// expect: …` lines in order, and each `// expect error: …` line must be reported
/// on that line with that message. Where a case has a PyTorch twin (`NAME.py` beside it), the
/// expected lines are what PyTorch printed: `python3 Cases/compare_with_pytorch.py` reruns
/// every twin and compares (by hand, with `pip install torch numpy`; never in CI).
final class EngineCaseTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Cases")

    func testCases() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter {
            $0.hasSuffix(".swift")
        }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 3)
        for file in files {
            let source = try String(contentsOf: Self.folder.appendingPathComponent(file), encoding: .utf8)
            var expectedOutput: [String] = []
            var expectedErrors: [String] = []
            for (i, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if let r = line.range(of: "// expect: ") { expectedOutput.append(String(line[r.upperBound...])) }
                if let r = line.range(of: "// expect error: ") {
                    expectedErrors.append("\(i + 1): \(line[r.upperBound...])")
                }
            }
            // The cell's first line is line 2 of the notebook (after the fence): shift back.
            let doc = try Reader.read(path: file, source: "```swift runbook\n" + source + "\n```\n")
            let runner = Runner()
            let result = runner.run(doc, parameters: try Runner.parameters(doc, overrides: []))
            let cell = result.cells[0]
            var lines = cell.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            XCTAssertEqual(lines, expectedOutput, "\(file): output")
            var errors: [String] = []
            if case .failed(let d) = cell.status { errors = ["\(d.range.start.line - 1): \(d.message)"] }
            XCTAssertEqual(errors, expectedErrors, "\(file): errors")
        }
    }
}
