import CellLanguage
import Foundation
import Plotting

/// The comparison of a sweep's points: `index.html` (a table of the varying parameters and each
/// point's final metrics, the best marked, curves overlaid), `summary.csv` and `summary.md`.
/// A pure function of the manifest and the points' results, so every backend gives the same bytes.
public enum SweepReport {
    /// One line of the comparison: a point, or every seed of one parameter setting.
    struct Row {
        var points: [SweepPoint]
        var results: [SweepPointResult?]
        /// The varying parameters' values, "hidden=5, lr=0.01".
        var label: String
        var ok: [SweepPointResult] { results.compactMap { $0 }.filter { $0.status == .ok } }
    }

    /// A metric's final values over a row's runs: their mean and (two runs or more) sample standard deviation.
    struct Summary {
        var mean: Double, std: Double?, count: Int

        init?(_ values: [Double]) {
            guard !values.isEmpty else { return nil }
            count = values.count
            mean = values.reduce(0, +) / Double(values.count)
            std =
                values.count > 1
                ? (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot() : nil
        }
    }

    public static func files(_ manifest: SweepManifest, results: [SweepPointResult?]) -> [String: Data] {
        let seeded = manifest.varying.contains("seed")
        let shown = manifest.varying.filter { $0 != "seed" }
        var rows: [Row] = []
        for (point, result) in zip(manifest.points, results) {
            let label = shown.map { "\($0)=\(point.value($0) ?? "")" }.joined(separator: ", ")
            if seeded, let last = rows.last, last.points[0].set == point.set {
                rows[rows.count - 1].points.append(point)
                rows[rows.count - 1].results.append(result)
            } else {
                rows.append(Row(points: [point], results: [result], label: label))
            }
        }
        // Metrics in the order the points first recorded them.
        var metrics: [Metric] = []
        for r in results.compactMap({ $0 }) where r.status == .ok {
            for m in r.metrics where !metrics.contains(where: { $0.name == m.name }) { metrics.append(m) }
        }
        let table = rows.map { row in
            metrics.map { m in Summary(row.ok.compactMap { r in r.metrics.first { $0.name == m.name }?.last }) }
        }
        // The best row of each metric, by its mean (ties all marked).
        let best: [Set<Int>] = metrics.indices.map { j in
            let means = table.map { $0[j]?.mean }
            guard let top = means.compactMap({ $0 }).filter(\.isFinite).max(by: { metrics[j].isBetter($1, than: $0) })
            else { return [] }
            return Set(means.indices.filter { means[$0] == top })
        }
        let series = metrics.filter { m in
            results.contains { $0?.status == .ok && $0?.metrics.first { $0.name == m.name }?.isSeries == true }
        }
        var files: [String: Data] = [:]
        var figures: [(file: String, alt: String)] = []
        for (k, m) in series.enumerated() {
            let file = "curve-\(k + 1).png"
            let (png, alt) = curves(m, rows: rows, seeded: seeded)
            files[file] = png
            figures.append((file, alt))
        }
        files["index.html"] = Data(
            html(manifest, rows: rows, metrics: metrics, table: table, best: best, seeded: seeded, figures: figures)
                .utf8)
        files["summary.md"] = Data(markdown(shown, rows: rows, metrics: metrics, table: table, best: best).utf8)
        files["summary.csv"] = Data(csv(shown, rows: rows, metrics: metrics, table: table, seeded: seeded).utf8)
        return files
    }

    static func status(_ row: Row) -> String {
        let done = row.results.compactMap { $0 }
        let ok = row.ok.count
        if row.points.count == 1 {
            guard let r = done.first else { return "not run" }
            return r.status == .ok ? "ok" : "failed"
        }
        if ok == row.points.count { return "ok" }
        if ok == 0 && done.count == row.points.count { return "failed" }
        return "\(ok) of \(row.points.count) ok"
    }

    static func cell(_ s: Summary?, seeded: Bool) -> String {
        guard let s else { return "–" }
        guard seeded, let std = s.std else { return Report.number(s.mean) }
        return "\(String(format: "%.4g", s.mean)) ± \(String(format: "%.2g", std))"
    }

    static func html(
        _ manifest: SweepManifest, rows: [Row], metrics: [Metric], table: [[Summary?]], best: [Set<Int>], seeded: Bool,
        figures: [(file: String, alt: String)]
    ) -> String {
        let shown = manifest.varying.filter { $0 != "seed" }
        let failed = rows.flatMap(\.results).filter { $0?.status == .failed }.count
        let missing = rows.flatMap(\.results).filter { $0 == nil }.count
        var main = "<h1>Sweep: \(escapeHTML(manifest.title))</h1>\n"
        if failed + missing > 0 {
            var parts: [String] = []
            if failed > 0 { parts.append("\(failed) point\(failed == 1 ? "" : "s") failed") }
            if missing > 0 { parts.append("\(missing) did not run") }
            main +=
                "<div class=\"banner\" role=\"alert\">\(parts.joined(separator: ", ")); see the points below.</div>\n"
        }
        main += "<table class=\"params\">"
        main += "<tr><th>notebook</th><td><code>\(escapeHTML(manifest.notebook))</code></td></tr>"
        main += "<tr><th>points</th><td>\(manifest.points.count)"
        if seeded { main += " (\(rows.count) settings × \(rows.first?.points.count ?? 0) seeds)" }
        main += "</td></tr>"
        main +=
            "<tr><th>swept</th><td>\(manifest.varying.isEmpty ? "nothing" : escapeHTML(manifest.varying.joined(separator: ", ")))</td></tr>"
        main += "<tr><th>notebook hash</th><td><code>\(manifest.notebookHash.prefix(16))</code></td></tr>"
        main += "</table>\n"

        main += "<h2 id=\"comparison\">Comparison</h2>\n"
        if seeded { main += "<p>Final values: mean ± sample standard deviation over the seeds that ran.</p>\n" }
        main += "<table class=\"sweep\">\n<tr>"
        for name in shown { main += "<th>\(escapeHTML(name))</th>" }
        for m in metrics {
            main +=
                "<th>\(escapeHTML(m.name)) <span class=\"goal\">(\(m.goal == .min ? "lower" : "higher") is better)</span></th>"
        }
        main += "<th>status</th><th>\(seeded ? "reports by seed" : "report")</th></tr>\n"
        for (i, row) in rows.enumerated() {
            main += "<tr>"
            for name in shown { main += "<td><code>\(escapeHTML(row.points[0].value(name) ?? ""))</code></td>" }
            for j in metrics.indices {
                let text = escapeHTML(cell(table[i][j], seeded: seeded))
                main += best[j].contains(i) ? "<td class=\"best\"><strong>\(text)</strong> ★</td>" : "<td>\(text)</td>"
            }
            let status = status(row)
            main += "<td class=\"\(status == "ok" ? "ok" : "failed")\">\(escapeHTML(status))</td><td>"
            main += zip(row.points, row.results).map { p, r in
                let text = seeded ? "\(p.seed ?? 0)" : "report"
                return r == nil
                    ? "<a href=\"logs/\(p.index).txt\">\(seeded ? text + " (log)" : "log")</a>"
                    : "<a href=\"points/\(p.index)/index.html\">\(text)</a>"
            }.joined(separator: " ")
            main += "</td></tr>\n"
        }
        main += "</table>\n"
        for f in figures {
            main +=
                "<figure><img src=\"\(f.file)\" alt=\"\(escapeHTML(f.alt))\" width=\"720\" height=\"400\"></figure>\n"
        }

        main += "<h2 id=\"points\">Points</h2>\n<table class=\"sweep points\">\n"
        main += "<tr><th>#</th><th>parameters</th><th>seed</th><th>status</th><th>run it alone</th></tr>\n"
        for row in rows {
            for (p, r) in zip(row.points, row.results) {
                let set = p.set.isEmpty ? "–" : p.set.joined(separator: ", ")
                let status: String
                switch r?.status {
                case .ok?: status = "<a href=\"points/\(p.index)/index.html\">ok</a>"
                case .failed?:
                    status =
                        "<a href=\"points/\(p.index)/index.html\">failed</a>"
                        + (r?.error.map { "<br><span class=\"why\">\(escapeHTML($0))</span>" } ?? "")
                case nil: status = "not run (<a href=\"logs/\(p.index).txt\">log</a>)"
                }
                main += "<tr><td>\(p.index)</td><td><code>\(escapeHTML(set))</code></td>"
                main += "<td>\(p.seed.map(String.init) ?? "notebook's")</td><td>\(status)</td>"
                main += "<td><code>\(escapeHTML(p.command(notebook: manifest.notebook)))</code></td></tr>\n"
            }
        }
        main += "</table>\n"
        main +=
            "<p class=\"files\">Also: <a href=\"summary.csv\">summary.csv</a>, <a href=\"summary.md\">summary.md</a>, "
        main += "<a href=\"manifest.json\">manifest.json</a> (hash <code>\(manifest.hash.prefix(16))</code>).</p>\n"
        return Report.page(
            title: "Sweep: \(manifest.title)", status: failed + missing == 0 ? "ok" : "failed", main: main)
    }

    static func markdown(
        _ shown: [String], rows: [Row], metrics: [Metric], table: [[Summary?]], best: [Set<Int>]
    ) -> String {
        func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        let seeded = rows.contains { $0.points.count > 1 }
        var lines = ["| " + (shown + metrics.map(\.name) + ["status"]).map(escape).joined(separator: " | ") + " |"]
        lines.append("|" + String(repeating: "---|", count: shown.count + metrics.count + 1))
        for (i, row) in rows.enumerated() {
            var cells = shown.map { escape(row.points[0].value($0) ?? "") }
            for j in metrics.indices {
                let text = escape(cell(table[i][j], seeded: seeded))
                cells.append(best[j].contains(i) ? "**\(text)**" : text)
            }
            cells.append(status(row))
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csv(_ shown: [String], rows: [Row], metrics: [Metric], table: [[Summary?]], seeded: Bool) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { ",\"\n\r".contains($0) })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var header = shown
        if seeded { header.append("runs") }
        for m in metrics { header += seeded ? [m.name + "_mean", m.name + "_std"] : [m.name] }
        header.append("status")
        var lines = [header.map(field).joined(separator: ",")]
        for (i, row) in rows.enumerated() {
            var cells = shown.map { row.points[0].value($0) ?? "" }
            if seeded { cells.append(String(row.ok.count)) }
            for j in metrics.indices {
                let s = table[i][j]
                cells.append(s.map { Value.format($0.mean) } ?? "")
                if seeded { cells.append(s?.std.map(Value.format) ?? "") }
            }
            cells.append(status(row))
            lines.append(cells.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One metric's series overlaid, a line per row (the mean over its seeds, with a ±1 standard
    /// deviation band, at the steps every seed recorded).
    static func curves(_ metric: Metric, rows: [Row], seeded: Bool) -> (Data, String) {
        let figure = Figure(width: 720, height: 400)
        let axes = figure.axes[0]
        axes.title = metric.name + (seeded ? " (mean ± std over seeds)" : "")
        axes.xLabel = "step"
        axes.yLabel = metric.name
        var drawn: [String] = []
        for (i, row) in rows.enumerated() {
            let runs = row.ok.compactMap { r in r.metrics.first { $0.name == metric.name } }
            guard let first = runs.first else { continue }
            let common = runs.dropFirst().reduce(Set(first.steps)) { $0.intersection($1.steps) }
            let steps = first.steps.filter(common.contains)
            let columns = runs.map { run in
                let at = Dictionary(zip(run.steps, run.values), uniquingKeysWith: { a, _ in a })
                return steps.map { at[$0]! }
            }
            let summaries = steps.indices.map { k in Summary(columns.map { $0[k] })! }
            let color = Color.cycle[i % Color.cycle.count]
            let xs = steps.map(Double.init)
            if runs.count > 1 {
                axes.series.append(
                    .band(
                        xs: xs, lower: summaries.map { $0.mean - ($0.std ?? 0) },
                        upper: summaries.map { $0.mean + ($0.std ?? 0) }, color: color, alpha: 0.2, label: nil))
            }
            let label = row.label.isEmpty ? (runs.count > 1 ? "mean of \(runs.count) seeds" : "run") : row.label
            axes.series.append(.line(xs: xs, ys: summaries.map(\.mean), color: color, width: 2, label: label))
            drawn.append(label)
        }
        axes.showLegend = drawn.count > 1 || rows.count > 1
        let alt = "\(metric.name) against step, one line per point: " + drawn.joined(separator: "; ")
        return (figure.render().png(), alt)
    }
}
