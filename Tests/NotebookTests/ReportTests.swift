import CellLanguage
import Foundation
import XCTest

@testable import Notebook

/// The report's HTML: each defect found by reading the pages in a browser, pinned here.
/// (Tests/Browser/test_reports.py measures the same pages in headless Chromium.)
final class ReportTests: XCTestCase {
    func page(_ source: String) throws -> (NotebookResult, String) {
        let doc = try Reader.read(path: "Notebooks/t.md", source: source)
        let result = Runner().run(doc, parameters: try Runner.parameters(doc, overrides: []))
        return (result, Report.html(result))
    }

    func count(_ needle: String, in s: String) -> Int { s.components(separatedBy: needle).count - 1 }

    /// A heading and a cell label with the same name: ids stay unique; headings get anchor links.
    func testHeadingIdsAreUniqueAndLinked() throws {
        let (_, html) = try page(
            """
            ---
            title: T
            ---
            ## Results

            ```swift runbook
            //| label: results
            print(1)
            ```

            ## Results
            """)
        XCTAssertEqual(count("id=\"results\"", in: html), 1, "the cell keeps its id")
        XCTAssertTrue(html.contains("<h2 id=\"results-2\">"), html)
        XCTAssertTrue(html.contains("<h2 id=\"results-3\">"))
        XCTAssertTrue(html.contains("<a class=\"anchor\" href=\"#results-2\""))
        XCTAssertTrue(html.contains("<li class=\"l2\"><a href=\"#results-2\">Results</a></li>"))
    }

    /// A heading with `&lt;` shows the same text in the page and in the contents.
    func testHeadingTextIsTheSameInPageAndContents() throws {
        let (_, html) = try page("---\ntitle: T\n---\n## a &lt; b `x<y`\n\n## two\n")
        XCTAssertTrue(html.contains("<h2 id=\"a-b-x-y\">\na &lt; b <code>x&lt;y</code>"), html)
        XCTAssertTrue(html.contains("<a href=\"#a-b-x-y\">a &lt; b x&lt;y</a>"), html)
    }

    /// An untitled notebook takes its first heading as the title and shows it once.
    func testAnUntitledNotebookHasOneH1() throws {
        let (result, html) = try page("# Demo *notebook*\n\nText.\n\n```swift runbook\nprint(1)\n```\n")
        XCTAssertEqual(result.document.title, "Demo notebook")
        XCTAssertEqual(count("<h1", in: html), 1)
        XCTAssertTrue(html.contains("<title>Demo notebook</title>"))
    }

    /// No request the page does not need: the favicon is inline.
    func testNoFaviconRequest() throws {
        let (_, html) = try page("```swift runbook\nprint(1)\n```\n")
        XCTAssertTrue(html.contains("<link rel=\"icon\" href=\"data:,\">"))
    }

    /// Figures: numbered, sized for the page (their files have twice the pixels), an animation
    /// one figure whose still image is there for print and reduced motion.
    func testFiguresAreNumberedSizedAndAnimationsAreOneFigure() throws {
        let (result, html) = try page(
            """
            ```swift runbook
            //| width: 300
            //| height: 200
            plot([1.0, 2.0], [3.0, 4.0])
            ```

            ```swift runbook
            //| label: anim
            //| caption: Moving.
            for i in 0..<3 {
                clf()
                plot([0.0, 1.0], [0.0, Double(i)])
                frame()
            }
            ```
            """)
        XCTAssertTrue(html.contains("<img src=\"cell-1.png\" alt=\"Figure: line\" width=\"300\" height=\"200\">"), html)
        XCTAssertTrue(html.contains("<span class=\"figure-no\">Figure 1</span>"))
        XCTAssertTrue(html.contains("<span class=\"figure-no\">Figure 2</span> Moving."))
        XCTAssertEqual(count("<figure", in: html), 2, "the animation's still is not a figure of its own")
        XCTAssertTrue(html.contains("<img class=\"animation\" src=\"anim.gif\""))
        XCTAssertTrue(html.contains("<img class=\"still\" src=\"anim.png\""))
        let png = try XCTUnwrap(result.cells[0].figures.first)
        XCTAssertEqual(png.width, 300)
        let size = try XCTUnwrap(pngSize(png.data))
        XCTAssertEqual(size.0, 600, "2x pixels")
        XCTAssertEqual(size.1, 400)
    }

    /// Width and height from a PNG's header.
    func pngSize(_ d: Data) -> (Int, Int)? {
        guard d.count > 24 else { return nil }
        let b = [UInt8](d)
        func be(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        return (be(16), be(20))
    }

    /// The cell number is not inside the code (it shifted the first line); each cell has a copy button.
    func testCellNumberAndCopyButtonSitOutsideTheCode() throws {
        let (_, html) = try page("```swift runbook\nlet a = 1\nprint(a)\n```\n")
        XCTAssertTrue(
            html.contains(
                "<span class=\"cell-no\" aria-hidden=\"true\">[1]</span><button class=\"copy\" type=\"button\" aria-label=\"Copy the code of cell 1\">Copy</button><pre><code><span class=\"k\">let</span> a"
            ), html)
    }

    /// The highlighter reads the language's tokens: an interpolation holding a string, and a range.
    func testHighlighterFollowsTheLexer() {
        XCTAssertEqual(
            Highlighter.html(#"print("\(String(format: "%.4f", x)) ok")"#),
            #"print(<span class="s">&quot;\(</span><span class="t">String</span>(format: <span class="s">&quot;%.4f&quot;</span>, x)<span class="s">) ok&quot;</span>)"#
        )
        XCTAssertEqual(
            Highlighter.html("for e in 1...epochs {}"),
            #"<span class="k">for</span> e <span class="k">in</span> <span class="n">1</span>...epochs {}"#)
        XCTAssertEqual(
            Highlighter.html("x /* a /* b */ c */ // d"),
            #"x <span class="c">/* a /* b */ c */</span> <span class="c">// d</span>"#)
    }

    /// An error's message is text that wraps; its source line and caret stay aligned in a <pre>.
    func testErrorsWrapTheirMessageAndKeepTheCaret() throws {
        let (_, html) = try page("```swift runbook\nlet x = undefinedName + 1\n```\n")
        XCTAssertTrue(
            html.contains(
                "<div class=\"error\"><p class=\"message\">Notebooks/t.md:2:9: error: cannot find &#39;undefinedName&#39; in scope</p><pre>"
            ) || html.contains("<div class=\"error\"><p class=\"message\">Notebooks/t.md:2:9: error: "), html)
        XCTAssertTrue(html.contains("<pre>let x = undefinedName + 1\n        ^~~~~~~~~~~~~</pre></div>"), html)
    }

    /// The index lists every report with its status, failed runs first with a link to their report.
    func testIndexShowsStatusAndFailedRuns() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("index-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for (name, source) in [
            ("good", "---\ntitle: Good\n---\n```swift runbook\nprint(1)\n```\n"),
            ("bad", "---\ntitle: Bad\n---\n```swift runbook\nlet x = nope\n```\n"),
        ] {
            let doc = try Reader.read(path: "Notebooks/\(name).md", source: source)
            let result = Runner().run(doc, parameters: [])
            try OutputFolder.write(
                Report.files(result), name: result.failedCell == nil ? name : name + ".failed", root: root)
        }
        let html = OutputFolder.indexHTML(root: root)
        let bad = try XCTUnwrap(html.range(of: "<tr><td>Bad</td>")), good = try XCTUnwrap(html.range(of: "Good</a>"))
        XCTAssertLessThan(bad.lowerBound, good.lowerBound, "failed first")
        XCTAssertTrue(
            html.contains("<a href=\"bad.failed/index.html\">last run failed</a> in cell 1; no good report yet"))
        XCTAssertTrue(html.contains("<td class=\"ok\">ok</td>"))
    }
}
