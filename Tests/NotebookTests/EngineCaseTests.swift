import CellLanguage
import Foundation
import XCTest

@testable import Notebook

/// Runs cell-language programs as one-cell notebooks against the engine: what each prints must
/// equal its `// expect: …` lines in order, and each `// expect error: …` line must be reported
/// on that line with that message.
/// - Cases/: the engine's surface. Where a case has a PyTorch twin (`NAME.py` beside it), the
///   expected lines are what PyTorch printed: `python3 Cases/compare_with_pytorch.py` reruns every
///   twin and compares (by hand, with `pip install torch numpy`; never in CI).
/// - Corpus/: public PyTorch and numpy programs people learn from, ported as a PyTorch user
///   writes them, each beside its original; `Corpus/record.py` runs the originals with real
///   PyTorch and writes what they printed as the expected lines.
final class EngineCaseTests: XCTestCase {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    func testCases() throws { try runEvery(in: "Cases", atLeast: 3) }

    func testCorpus() throws { try runEvery(in: "Corpus", atLeast: 15) }

    func runEvery(in folderName: String, atLeast minimum: Int) throws {
        let folder = Self.here.appendingPathComponent(folderName)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".swift")
        }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, minimum)
        for file in files {
            let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
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
            XCTAssertEqual(lines, expectedOutput, "\(folderName)/\(file): output")
            var errors: [String] = []
            if case .failed(let d) = cell.status { errors = ["\(d.range.start.line - 1): \(d.message)"] }
            XCTAssertEqual(errors, expectedErrors, "\(folderName)/\(file): errors")
        }
    }
}
