import CellLanguage
import Foundation

/// Renders a notebook run as `index.html` + `outputs.txt` + figure files, and the `index.html`
/// that lists every report. Everything is a pure function of the run: no dates, timings,
/// absolute paths or random ids.
public enum Report {
    /// The files of one report, by name.
    public static func files(_ result: NotebookResult) -> [String: Data] {
        var files: [String: Data] = [:]
        files["index.html"] = Data(html(result).utf8)
        files["outputs.txt"] = Data(outputs(result).utf8)
        files["report.json"] = Summary(result).data
        for cell in result.cells { for f in cell.figures { files[f.fileName] = f.data } }
        return files
    }

    /// `report.json`: what the output folder's index (and a script) needs to know of a report,
    /// written from the run — never read back from the HTML.
    public struct Summary: Codable, Equatable {
        public var title: String
        public var notebook: String
        /// "ok" or "failed".
        public var status: String
        /// The cell that failed (from 1).
        public var failedCell: Int?
        public var seed: Int?
        public var parameters: [String: String]
        public var metrics: [Metric]

        init(_ result: NotebookResult) {
            title = result.document.title
            notebook = result.document.path
            failedCell = result.failedCell.map { $0.cell.index + 1 }
            status = failedCell == nil ? "ok" : "failed"
            seed = result.document.seed.map { Int($0) }
            parameters = Dictionary(result.parameters.map { ($0.name, $0.value.description) }, uniquingKeysWith: { $1 })
            metrics = result.metrics
        }

        var data: Data { SweepManifest.encode(self) }

        static func read(_ folder: URL) -> Summary? {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("report.json").path)
            else { return nil }
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return try? decoder.decode(Summary.self, from: data)
        }
    }

    /// Every text output in order, for plain diffs in review.
    public static func outputs(_ result: NotebookResult) -> String {
        var out = "# \(result.document.title) (\(result.document.path))\n"
        if let seed = result.document.seed { out += "# seed: \(seed)\n" }
        for (name, value) in result.parameters { out += "# \(name) = \(value)\n" }
        for r in result.cells {
            out += "\n## cell \(r.cell.index + 1)" + (r.cell.options.label.map { " (\($0))" } ?? "")
            switch r.status {
            case .ok: out += "\n"
            case .notRun:
                out += ": not run\n"
                continue
            case .failed: out += ": error\n"
            case .expectedError: out += ": expected error\n"
            }
            out += r.output
            let errors = r.renderedErrors(result.document)
            if !errors.isEmpty { out += errors + "\n" }
            for w in r.warnings { out += w.rendered(file: result.document.path, lines: result.document.lines) + "\n" }
            for f in r.figures { out += f.isImage ? "[figure \(f.fileName): \(f.alt)]\n" : "[file \(f.fileName)]\n" }
        }
        if !result.metrics.isEmpty { out += "\n## metrics\n" + result.metrics.map { $0.summaryLine + "\n" }.joined() }
        return out
    }

    /// What a live preview shows that a written report does not (`runbook preview`): the cell
    /// running and its output so far, cells waiting for the run to reach them, a status line and
    /// the page's few lines of script.
    public struct Live {
        public var running: Int?
        public var runningOutput = ""
        public var waiting: Set<Int> = []
        public var status: String
        public var script: String
        public init(running: Int?, waiting: Set<Int>, status: String, script: String) {
            (self.running, self.waiting, self.status, self.script) = (running, waiting, status, script)
        }
    }

    public static func html(_ result: NotebookResult, live: Live? = nil) -> String {
        let doc = result.document
        // Heading ids never take a cell's id (a heading "Results" beside a cell labelled results).
        var ids = Set(doc.cells.map(\.id) + ["live-status"])
        var toc: [Markdown.Heading] = []
        var body = ""
        var cellResults = result.cells.makeIterator()
        var figureNumber = 0
        for (i, block) in doc.blocks.enumerated() {
            switch block {
            case .prose(let markdown):
                let (html, headings) = Markdown.html(
                    markdown, allowHTML: doc.allowHTML, ids: &ids, dropLeadingH1: i == 0 && doc.titleFromHeading)
                body += html
                toc += headings
            case .cell:
                guard let r = cellResults.next() else { continue }
                body += cellHTML(r, document: doc, figureNumber: &figureNumber, live: live)
            }
        }
        var head =
            live.map { "<p class=\"live-status\" id=\"live-status\">\(escapeHTML($0.status))</p>\n" }
            ?? "<p class=\"nav\"><a href=\"../index.html\">All notebooks</a></p>\n"
        head += "<h1>\(escapeHTML(doc.title))</h1>\n"
        let failed = result.failedCell
        if let failed {
            head +=
                "<div class=\"banner\" role=\"alert\">This run stopped with an error in <a href=\"#\(failed.cell.id)\">cell \(failed.cell.index + 1)</a>; the cells after it did not run.</div>\n"
        }
        // The run at a glance: notebook, seed and parameters on a line or two.
        head += "<dl class=\"run\"><div><dt>notebook</dt><dd><code>\(escapeHTML(doc.path))</code></dd></div>"
        head += "<div><dt>seed</dt><dd>\(doc.seed.map(String.init) ?? "0 (none given)")</dd></div>"
        for (name, value) in result.parameters {
            head += "<div><dt>\(escapeHTML(name))</dt><dd><code>\(escapeHTML(value.description))</code></dd></div>"
        }
        head += "</dl>\n" + metricsHTML(result.metrics)
        if toc.count > 1 {
            head += "<nav class=\"toc\"><h2>Contents</h2><ul>"
            for entry in toc where entry.level <= 3 {
                head += "<li class=\"l\(entry.level)\"><a href=\"#\(entry.id)\">\(escapeHTML(entry.text))</a></li>"
            }
            head += "</ul></nav>\n"
        }
        return page(
            title: doc.title, status: failed == nil ? "ok" : "failed", main: head + body,
            script: live.map { "<style>\(liveCSS)</style>\n<script>\($0.script)</script>\n" } ?? "")
    }

    /// A page with a message instead of a report (a preview of a notebook that cannot be read).
    public static func messagePage(title: String, message: String, live: Live) -> String {
        page(
            title: title, status: nil,
            main:
                "<p class=\"live-status\" id=\"live-status\">\(escapeHTML(live.status))</p>\n<h1>\(escapeHTML(title))</h1>\n"
                + "<div class=\"error\"><pre>\(escapeHTML(message))</pre></div>\n",
            script: "<style>\(liveCSS)</style>\n<script>\(live.script)</script>\n")
    }

    /// A complete page: inline CSS, no external requests.
    static func page(title: String, status: String?, main: String, script: String = "") -> String {
        let meta = status.map { "<meta name=\"runbook-status\" content=\"\($0)\">\n" } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(meta)<title>\(escapeHTML(title))</title>
            <link rel="icon" href="data:,">
            <style>\(css)</style>
            </head>
            <body>
            <main>
            \(main)</main>
            <script>\(copyScript)</script>
            \(script)</body>
            </html>

            """
    }

    static func cellHTML(
        _ r: CellResult, document: NotebookDocument, figureNumber: inout Int, live: Live? = nil
    ) -> String {
        let c = r.cell
        var s = "<section class=\"cell\" id=\"\(c.id)\">\n"
        if c.options.echo {
            s += "<div class=\"source\"><span class=\"cell-no\" aria-hidden=\"true\">[\(c.index + 1)]</span>"
            s +=
                "<button class=\"copy\" type=\"button\" aria-label=\"Copy the code of cell \(c.index + 1)\">Copy</button>"
            s += "<pre><code>\(Highlighter.html(c.displaySource))</code></pre></div>\n"
        }
        if let live, live.running == c.index {
            return s
                + "<p class=\"running\"><span class=\"spinner\"></span>Running…</p>\n<pre class=\"output live-output\">\(escapeHTML(live.runningOutput))</pre>\n</section>\n"
        }
        if let live, live.waiting.contains(c.index) {
            return s + "<p class=\"notrun\">Waiting to run.</p>\n</section>\n"
        }
        switch r.status {
        case .notRun:
            s += "<p class=\"notrun\">Not run: an earlier cell failed.</p>\n"
        case .ok, .failed, .expectedError:
            if c.options.output {
                if !r.output.isEmpty { s += "<pre class=\"output\">\(escapeHTML(r.output))</pre>\n" }
                for f in r.figures where !f.isImage {
                    s +=
                        "<p class=\"file\">Saved <a href=\"\(f.fileName)\" download>\(f.fileName)</a> (\(f.data.count) bytes, safetensors).</p>\n"
                }
                let stills = Set(r.figures.compactMap(\.still))
                for f in r.figures where f.isImage && !stills.contains(f.fileName) {
                    figureNumber += 1
                    s += "<figure id=\"figure-\(figureNumber)\">" + image(f, stillOf: nil)
                    if let still = f.still { s += image(f, stillOf: still) }
                    s += "<figcaption><span class=\"figure-no\">Figure \(figureNumber)</span>"
                    if let caption = f.caption { s += " \(escapeHTML(caption))" }
                    s += "</figcaption></figure>\n"
                }
            }
            // Warnings look like expected errors: the run went on past them.
            for w in r.warnings { s += diagnosticHTML(w, document: document, cls: "error expected warning") }
            let cls = { if case .expectedError = r.status { return "error expected" } else { return "error" } }()
            for e in r.errors { s += diagnosticHTML(e, document: document, cls: cls) }
        }
        return s + "</section>\n"
    }

    /// An `<img>` of a figure at its size on the page; for an animation, `stillOf` names its still
    /// image, shown instead when printing or when the reader asks for reduced motion.
    static func image(_ f: FigureFile, stillOf still: String?) -> String {
        let size = f.width > 0 ? " width=\"\(f.width)\" height=\"\(f.height)\"" : ""
        if let still {
            return
                "<img class=\"still\" src=\"\(still)\" alt=\"\(escapeHTML(f.alt)) (last frame)\"\(size) loading=\"lazy\">"
        }
        return
            "<img\(f.still == nil ? "" : " class=\"animation\"") src=\"\(f.fileName)\" alt=\"\(escapeHTML(f.alt))\"\(size)>"
    }

    /// A diagnostic: its message as wrapping text, its source line and caret unwrapped below.
    static func diagnosticHTML(_ d: Diagnostic, document: NotebookDocument, cls: String) -> String {
        let lines = d.rendered(file: document.path, lines: document.lines).split(
            separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        var s = "<div class=\"\(cls)\"><p class=\"message\">\(escapeHTML(String(lines[0])))</p>"
        if lines.count > 1 { s += "<pre>\(escapeHTML(String(lines[1])))</pre>" }
        return s + "</div>\n"
    }

    /// One line of `Output/index.html`: a notebook's last good report and its last failed run.
    public struct IndexEntry: Equatable {
        public var name: String
        public var good: Summary?
        public var failed: Summary?
    }

    /// `Output/index.html`: every report in the folder with its status; notebooks whose last run
    /// failed first (with a link to that run's report), then the others by title.
    public static func indexHTML(_ entries: [IndexEntry]) -> String {
        let ordered = entries.sorted {
            ($0.failed == nil ? 1 : 0, ($0.good ?? $0.failed)!.title, $0.name)
                < ($1.failed == nil ? 1 : 0, ($1.good ?? $1.failed)!.title, $1.name)
        }
        var rows = ""
        for e in ordered {
            let summary = (e.good ?? e.failed)!
            let name = escapeHTML(e.name)
            let title =
                e.good == nil
                ? escapeHTML(summary.title) : "<a href=\"\(name)/index.html\">\(escapeHTML(summary.title))</a>"
            var status = "<td class=\"ok\">ok</td>"
            if let failed = e.failed {
                status =
                    "<td class=\"failed\"><a href=\"\(name).failed/index.html\">last run failed</a> in cell \(failed.failedCell ?? 0)"
                    + (e.good == nil ? "; no good report yet" : "; the report shown is the last good one") + "</td>"
            }
            rows += "<tr><td>\(title)</td><td><code>\(escapeHTML(summary.notebook))</code></td>\(status)</tr>\n"
        }
        return page(
            title: "Runbook reports", status: nil,
            main:
                "<h1>Runbook reports</h1>\n<table class=\"reports\">\n<tr><th>report</th><th>notebook</th><th>status</th></tr>\n\(rows)</table>\n"
                + "<p class=\"files\"><a href=\"api.html\">Cell language reference</a></p>\n")
    }

    /// Styles of what only a live preview shows.
    static let liveCSS = """
        .live-status{font-size:.9rem;color:#555;margin:0;position:sticky;top:0;background:#fff;padding:.3rem 0;border-bottom:1px solid #e1e4e8}
        .live-status button{margin-left:.6rem}
        .running{color:#555;margin:.2rem 0}.spinner{display:inline-block;width:.8em;height:.8em;margin-right:.5em;border:2px solid #8c959f;border-top-color:transparent;border-radius:50%;animation:spin 1s linear infinite}
        @keyframes spin{to{transform:rotate(360deg)}}@media (prefers-reduced-motion:reduce){.spinner{animation:none}}
        """

    /// The copy buttons on code (a few lines, no framework).
    static let copyScript = """
        document.addEventListener("click", e => {
          const b = e.target.closest(".copy"); if (!b) return;
          const text = b.parentElement.querySelector("code").innerText;
          const done = () => { b.textContent = "Copied"; setTimeout(() => b.textContent = "Copy", 1500); };
          if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, () => {});
        });
        """

    static let css = """
        body{margin:0;background:#fff;color:#1d1d1f;font:16px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
        main{max-width:52rem;margin:0 auto;padding:1rem 1.25rem 4rem}
        h1{font-size:1.9rem;line-height:1.2;margin:.5rem 0 1rem;overflow-wrap:anywhere}h2{margin-top:2rem}h1,h2,h3,h4{overflow-wrap:anywhere}
        .anchor{margin-left:.4rem;color:#8c959f;text-decoration:none;opacity:0;font-weight:400}h1:hover .anchor,h2:hover .anchor,h3:hover .anchor,h4:hover .anchor,.anchor:focus{opacity:1}
        a{color:#0b5cad}code{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.88em}
        pre{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.84rem;line-height:1.45;overflow-x:auto;padding:.6rem .8rem;border-radius:6px;margin:.4rem 0}pre code{font-size:1em}
        .nav{font-size:.9rem;margin:0}
        .run{display:flex;flex-wrap:wrap;gap:.15rem 1.1rem;font-size:.9rem;margin:.5rem 0 1rem}.run div{display:flex;gap:.35rem}.run dt{color:#555;font-weight:600}.run dd{margin:0}
        .params{border-collapse:collapse;font-size:.9rem;margin:.5rem 0 1rem}.params th{text-align:left;padding:.1rem 1rem .1rem 0;color:#555;font-weight:600}
        .toc{background:#f6f8fa;border-radius:6px;padding:.2rem 1rem;margin:1rem 0}.toc h2{font-size:1rem;margin:.6rem 0 .2rem}.toc ul{margin:.2rem 0 .6rem;padding-left:1.2rem}.toc .l3{margin-left:1rem}
        @media (min-width:1320px){.toc{position:fixed;top:1rem;left:calc(50% + 27rem);width:15rem;max-height:calc(100vh - 2rem);overflow-y:auto;background:none;font-size:.9rem}}
        table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto}td,th{border:1px solid #d0d7de;padding:.25rem .6rem}.params td,.params th{border:0}
        .metrics{font-size:.9rem;margin:.5rem 0 1rem}.metrics caption{text-align:left;font-weight:600;padding-bottom:.2rem}.metrics td{font-variant-numeric:tabular-nums}.metrics .step{color:#8c959f;font-size:.8rem}.spark{display:block}
        .sweep{font-size:.9rem;margin:.5rem 0 1rem;font-variant-numeric:tabular-nums}.sweep .best{background:#e6f4ea}.sweep .goal{font-weight:400;color:#8c959f;font-size:.8rem}.sweep .why{color:#82071e;font-size:.8rem}.sweep td.ok{color:#1a7f37}.sweep td.failed{color:#d1242f}
        .cell{margin:1rem 0}
        .source{position:relative}.source pre{background:#f6f8fa;border:1px solid #e1e4e8}
        .cell-no{position:absolute;right:100%;top:.6rem;margin-right:.5rem;color:#8c959f;font:.8rem "DejaVu Sans Mono",Menlo,monospace;user-select:none}
        @media (max-width:60rem){.cell-no{position:static;display:block;margin:0 0 -.2rem}}
        .copy{position:absolute;top:.35rem;right:.35rem;font-size:.75rem;padding:.1rem .5rem;border:1px solid #d0d7de;border-radius:4px;background:#fff;color:#555;cursor:pointer;opacity:0}.source:hover .copy,.copy:focus{opacity:1}
        .source .k{color:#9b2393;font-weight:600}.source .s{color:#c41a16}.source .n{color:#1c00cf}.source .c{color:#6a737d;font-style:italic}.source .t{color:#0b4f79}
        .output{background:#fff;border:1px solid #e1e4e8;border-left:3px solid #8c959f}
        figure{margin:.6rem 0}figure img{max-width:100%;height:auto;display:block}figcaption{font-size:.9rem;color:#555}.figure-no{font-weight:600}
        figure .still{display:none}@media (prefers-reduced-motion:reduce){figure .animation{display:none}figure .still{display:block}}
        .error{margin:.4rem 0}.error .message{margin:0;padding:.4rem .8rem;background:#fff5f5;border:1px solid #f1aeb5;border-left:3px solid #d1242f;border-bottom:0;border-radius:6px 6px 0 0;color:#82071e;font:.84rem/1.45 "DejaVu Sans Mono",Menlo,monospace;overflow-wrap:anywhere;white-space:pre-wrap}
        .error pre{margin-top:0;border-radius:0 0 6px 6px;background:#fff5f5;border:1px solid #f1aeb5;border-left:3px solid #d1242f;color:#82071e}
        .error.expected .message,.error.expected pre{background:#fffbea;border-color:#e9c46a;border-left-color:#bf8700;color:#6b4f00}
        .banner{background:#fff5f5;border:1px solid #d1242f;border-radius:6px;padding:.6rem .9rem;margin:1rem 0}
        .notrun{color:#8c959f;font-style:italic;margin:.2rem 0}
        .failed{color:#d1242f;font-size:.9rem}.reports td.ok{color:#1a7f37}.reports{font-size:.95rem}
        @media print{body{font-size:10.5pt}main{max-width:none;padding:0}.nav,.toc,.copy,.anchor,.cell-no{display:none}
        pre{white-space:pre-wrap;font-size:8pt;padding:.3rem .5rem}.cell{break-inside:avoid}figure{break-inside:avoid}h2,h3{break-after:avoid}
        figure img{max-height:9cm;width:auto}figure .animation{display:none}figure .still{display:block}@page{margin:1.5cm}}
        """
}
