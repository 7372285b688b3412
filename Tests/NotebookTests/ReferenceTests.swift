import CellLanguage
import Foundation
import XCTest

@testable import Notebook

/// The reference is generated from the declaration tables; these tests keep the README and the
/// tables in step.
final class ReferenceTests: XCTestCase {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "../../README.md")

    func testEveryEntryHasADocLine() {
        let library = APIReference.library()
        XCTAssertGreaterThan(library.entries.count, 150)
        for e in library.entries {
            XCTAssertFalse(e.doc.trimmingCharacters(in: .whitespaces).isEmpty, "\(e.title) has no documentation")
        }
    }

    /// Every name the README's cell-language section shows in backticks (`zeros`, `net.parameters()`,
    /// `np.random.seed`, `.normalize(mean:std:)`) is a function, method or property in the tables.
    func testEveryNameInTheReadmeIsInTheTables() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        let start = try XCTUnwrap(text.range(of: "The engine, under the names"))
        let end = try XCTUnwrap(text.range(of: "### Ported programs"))
        let section = text[start.upperBound..<end.lowerBound]
        let library = APIReference.library()
        var known = Set<String>()
        for e in library.entries {
            known.insert(e.signature.name)
            if let r = e.receiver { known.insert(r + "." + e.signature.name) }
        }
        let spans = section.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter {
            $0.offset % 2 == 1
        }.map(\.element)
        var checked = 0
        for span in spans {
            // The leading name of the span: `net.parameters()` → parameters, `np.random.seed` stays whole.
            var name = String(span.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." })
            while name.hasPrefix(".") { name.removeFirst() }
            while name.hasSuffix(".") { name.removeLast() }
            // Commands, paths and the misspelt example are not names of the language.
            guard let first = name.first, first.isLetter, !span.contains("/"), !span.hasPrefix("runbook"),
                name != "requires_grad"
            else { continue }
            if name.hasPrefix("net.") || name.hasPrefix("x.") || name.hasPrefix("w.") {
                name = String(name.split(separator: ".").last!)
            }
            // Syntax shown in backticks: subscripts and operators on a tensor named x, w or logp.
            if ["x", "w", "logp"].contains(name) { continue }
            if name.hasPrefix("losses.") { name = String(name.dropFirst("losses.".count)) }
            if ["reduction", "for"].contains(name) { continue }  // an argument label and a keyword shown in backticks
            checked += 1
            XCTAssertTrue(
                known.contains(name) || known.contains("np." + name) || known.contains("np.random." + name),
                "README names `\(span)`, but '\(name)' is not in the tables (runbook help api)")
        }
        XCTAssertGreaterThan(checked, 40)
    }
}
