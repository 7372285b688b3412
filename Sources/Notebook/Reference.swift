import CellLanguage
import TensorEngine

/// The reference of everything a cell can call, generated from the declaration tables (the
/// same ones the binder uses): `runbook help api` prints it, `Output/api.html` shows it.
public enum APIReference {
    /// Every declaration, as a notebook's interpreter has them.
    public static func library() -> HostLibrary {
        let interpreter = Interpreter()
        let bindings = EngineBindings(
            interpreter: interpreter, torch: TorchGenerator(seed: 0), numpy: NumpyRandomState(seed: 0))
        bindings.install()
        let figures = FigureCollector()
        bindings.installData(collector: figures)
        Plots.install(in: interpreter, bindings: bindings, collector: figures)
        MetricLog().install(in: interpreter, bindings: bindings)
        return withExtendedLifetime((bindings, figures)) { interpreter.library }
    }

    /// Plain text, table by table: each signature and its line of documentation.
    public static var text: String { library().reference }

    /// `Output/api.html`: the same, as a page in the reports' style.
    public static var html: String {
        let library = library()
        var tables: [String] = []
        for e in library.entries where !tables.contains(e.table) { tables.append(e.table) }
        var main = "<h1>Cell language reference</h1>\n"
        main += "<p>Every function, method, layer, loss, optimizer and plot call a cell can use, with its signature: "
        main +=
            "arguments marked <code>_</code> may be passed by position (as in PyTorch) or by their label; the others only by "
        main +=
            "label. Generated from the tables the interpreter binds calls with (<code>runbook help api</code> prints it).</p>\n"
        main +=
            "<nav class=\"toc\"><ul>"
            + tables.map { "<li><a href=\"#\(anchor($0))\">\(escapeHTML($0))</a></li>" }.joined() + "</ul></nav>\n"
        for table in tables {
            main += "<h2 id=\"\(anchor(table))\">\(escapeHTML(table))</h2>\n<table class=\"api\">\n"
            for e in library.entries where e.table == table {
                main += "<tr><td><code>\(escapeHTML(e.title))</code></td><td>\(escapeHTML(e.doc))</td></tr>\n"
            }
            main += "</table>\n"
        }
        return Report.page(title: "Cell language reference", status: nil, main: main)
    }

    static func anchor(_ s: String) -> String {
        String(s.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}
