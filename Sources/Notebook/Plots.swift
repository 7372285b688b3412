import CellLanguage
import Foundation
import Plotting
import TensorEngine

/// matplotlib-like plotting for cells: calls draw on the cell's current figure, which becomes a
/// PNG beside the report when the cell ends (`show()` ends one early); `frame()` inside a loop
/// records an animation frame, and the frames become a looping GIF.
final class Plots {
    unowned let bindings: EngineBindings
    let collector: FigureCollector
    var figure: Figure?
    var axes: Axes?
    var frames: [Canvas] = []
    var frameDelay = 10

    init(bindings: EngineBindings, collector: FigureCollector) {
        self.bindings = bindings
        self.collector = collector
    }

    static func install(in interpreter: Interpreter, bindings: EngineBindings, collector: FigureCollector) {
        let plots = Plots(bindings: bindings, collector: collector)
        collector.flush = { [unowned plots] in try plots.finish() }
        plots.define(in: interpreter)
        collector.reset = { [unowned plots] in plots.figure = nil; plots.axes = nil; plots.frames = [] }
    }

    /// The figure the next call draws on (created at the cell's size on first use).
    func current() -> Axes {
        if let axes { return axes }
        let c = collector.cell?.options
        let f = Figure(width: c?.width ?? 640, height: c?.height ?? 480)
        figure = f
        axes = f.axes[0]
        return f.axes[0]
    }

    /// Writes what the cell drew: the GIF and its last frame, or the figure as PNG.
    func finish() throws {
        defer { figure = nil; axes = nil; frames = [] }
        let caption = collector.cell?.options.caption
        if !frames.isEmpty {
            let alt = describe(figure) + " — animation of \(frames.count) frames"
            collector.files.append(FigureFile(fileName: collector.nextName("gif"), data: GIF.encode(frames, delay: frameDelay), alt: alt, caption: caption))
            collector.files.append(FigureFile(fileName: collector.nextName("png"), data: frames.last!.png(), alt: alt + " (last frame)", caption: nil))
        } else if let figure, figure.axes.contains(where: { !$0.isEmpty }) {
            collector.files.append(FigureFile(fileName: collector.nextName("png"), data: figure.render().png(), alt: describe(figure), caption: caption))
        }
    }

    /// Alt text from the figure's titles and labels.
    func describe(_ figure: Figure?) -> String {
        guard let figure else { return "Figure" }
        let parts = figure.axes.filter { !$0.isEmpty }.map { ax -> String in
            var p: [String] = []
            if let t = ax.title { p.append(t) }
            let kinds = ax.series.map { s -> String in
                switch s {
                case .line(_, _, _, _, let l): return "line" + (l.map { " \($0)" } ?? "")
                case .scatter(_, _, _, _, let l): return "points" + (l.map { " \($0)" } ?? "")
                case .image(_, let r, let c, _, _): return "\(r)×\(c) image"
                case .barsH(let v, _, _): return "\(v.count) bars"
                }
            }
            if !kinds.isEmpty { p.append(kinds.joined(separator: ", ")) }
            if let x = ax.xLabel { p.append("x: \(x)") }
            if let y = ax.yLabel { p.append("y: \(y)") }
            return p.joined(separator: "; ")
        }
        return parts.isEmpty ? "Figure" : "Figure: " + parts.joined(separator: " | ")
    }

    // MARK: - Values

    func numbers(_ v: Value, _ args: Arguments, _ what: String) throws -> [Double] {
        switch v {
        case .object(let o as TensorObject):
            guard o.tensor.rank <= 1 || o.tensor.shape.filter({ $0 != 1 }).count <= 1 else {
                throw args.error("\(args.callee): '\(what)' must be one-dimensional (or N×1), got a tensor of shape \(o.tensor.shape)")
            }
            return o.tensor.scalars
        case .array(let items):
            return try items.map { x in
                guard let d = x.asNumber else { throw args.error("\(args.callee): '\(what)' must hold numbers, found \(x.typeName)") }
                return d
            }
        case .range(let lo?, let hi?, let closed):
            return (lo..<(closed ? hi + 1 : hi)).map(Double.init)
        default:
            throw args.error("\(args.callee): '\(what)' must be a Tensor or an array of numbers, not \(v.typeName)")
        }
    }

    func string(_ v: Value?, _ args: Arguments, _ what: String) throws -> String? {
        guard let v else { return nil }
        guard case .string(let s) = v else { throw args.error("\(args.callee): '\(what)' must be a String") }
        return s
    }

    func color(_ v: Value?, _ args: Arguments) throws -> Color? {
        guard let s = try string(v, args, "color") else { return nil }
        guard let c = Color(s) else { throw args.error("\(args.callee): unknown colour '\(s)' (use #rrggbb, C0…C9 or a name like red)") }
        return c
    }

    // MARK: - Cell functions

    func define(in i: Interpreter) {
        let b = bindings
        i.define("figure") { args in
            let p = try args.bind(["width=", "height="])
            try self.finish()
            let c = self.collector.cell?.options
            let w = try p["width"].map { try b.int($0, args, "width") } ?? c?.width ?? 640
            let h = try p["height"].map { try b.int($0, args, "height") } ?? c?.height ?? 480
            guard (50...4000).contains(w), (50...4000).contains(h) else { throw args.error("figure: width and height must be 50…4000 pixels") }
            let f = Figure(width: w, height: h)
            self.figure = f
            self.axes = f.axes[0]
            return .nil
        }
        i.define("subplot") { args in
            let p = try args.bind(["_ rows", "_ columns", "_ index"])
            let r = try b.int(p["rows"], args, "rows"), c = try b.int(p["columns"], args, "columns"), n = try b.int(p["index"], args, "index")
            guard (1...10).contains(r), (1...10).contains(c), (1...(r * c)).contains(n) else {
                throw args.error("subplot: expected rows and columns in 1…10 and an index in 1…rows×columns")
            }
            _ = self.current()
            self.axes = self.figure!.subplot(r, c, n)
            return .nil
        }
        i.define("plot") { args in
            let p = try args.bind(["_ a", "_ b=", "_ format=", "label=", "color=", "linewidth="])
            var ys = try self.numbers(p["a"]!, args, "y")
            var xs = Array(0..<ys.count).map(Double.init)
            var format: String?
            switch p["b"] {
            case .string(let f)?: format = f
            case let other?:
                xs = ys
                ys = try self.numbers(other, args, "y")
                format = try self.string(p["format"], args, "format")
            case nil: break
            }
            guard xs.count == ys.count else { throw args.error("plot: x has \(xs.count) values but y has \(ys.count)") }
            let f = format ?? "-"
            let fmtColor = f.first { "bgrcmykw".contains($0) }.flatMap { Color(String($0)) }
            let color = try self.color(p["color"], args) ?? fmtColor
            let label = try self.string(p["label"], args, "label")
            let width = try p["linewidth"].map { try b.double($0, args, "linewidth") * 96 / 72 } ?? 2.0
            if f.contains("o") || f.contains(".") {
                self.current().series.append(.scatter(xs: xs, ys: ys, color: color, radius: f.contains("o") ? 4 : 2.5, label: label))
            }
            if f.contains("-") || !(f.contains("o") || f.contains(".")) {
                self.current().series.append(.line(xs: xs, ys: ys, color: color, width: width, label: label))
            }
            return .nil
        }
        i.define("scatter") { args in
            let p = try args.bind(["_ x", "_ y", "label=", "color=", "size="])
            let xs = try self.numbers(p["x"]!, args, "x"), ys = try self.numbers(p["y"]!, args, "y")
            guard xs.count == ys.count else { throw args.error("scatter: x has \(xs.count) values but y has \(ys.count)") }
            let radius = try p["size"].map { try b.double($0, args, "size") / 2 } ?? 4
            self.current().series.append(.scatter(xs: xs, ys: ys, color: try self.color(p["color"], args), radius: radius,
                                                  label: try self.string(p["label"], args, "label")))
            return .nil
        }
        for (name, set) in [("title", { (a: Axes, s: String) in a.title = s }), ("xlabel", { $0.xLabel = $1 }), ("ylabel", { $0.yLabel = $1 })] {
            i.define(name) { args in
                let s = try self.string(try args.bind(["_ text"])["text"], args, "text")!
                set(self.current(), s)
                return .nil
            }
        }
        for (name, isX) in [("xscale", true), ("yscale", false)] {
            i.define(name) { args in
                let s = try self.string(try args.bind(["_ scale"])["scale"], args, "scale")!
                guard let scale = Scale(rawValue: s) else { throw args.error("\(name): scale must be \"linear\" or \"log\"") }
                if isX { self.current().xScale = scale } else { self.current().yScale = scale }
                return .nil
            }
        }
        for (name, isX) in [("xlim", true), ("ylim", false)] {
            i.define(name) { args in
                let p = try args.bind(["_ low", "_ high"])
                let lim = (try b.double(p["low"], args, "low"), try b.double(p["high"], args, "high"))
                guard lim.1 > lim.0 else { throw args.error("\(name): low must be below high") }
                if isX { self.current().xLimits = lim } else { self.current().yLimits = lim }
                return .nil
            }
        }
        i.define("axis") { args in
            let s = try self.string(try args.bind(["_ mode"])["mode"], args, "mode")!
            guard s == "off" || s == "on" else { throw args.error("axis: expects \"off\" or \"on\"") }
            self.current().showAxes = s == "on"
            return .nil
        }
        i.define("legend") { args in _ = try args.bind([]); self.current().showLegend = true; return .nil }
        i.define("grid") { args in
            self.current().grid = try b.bool(try args.bind(["_ visible"])["visible"], args, "visible")
            return .nil
        }
        i.define("imshow") { args in
            let p = try args.bind(["_ image", "cmap=", "vmin=", "vmax="])
            guard case .object(let o as TensorObject) = p["image"]! else {
                throw args.error("imshow: the image must be a 2-D Tensor, not \(p["image"]!.typeName)")
            }
            var t = o.tensor
            if t.rank > 2 { t = try t.squeeze() }
            guard t.rank == 2 else { throw args.error("imshow: the image must be 2-D (after dropping size-1 dimensions), got shape \(o.tensor.shape)") }
            let cmap = try self.string(p["cmap"], args, "cmap") ?? "gray"
            guard cmap == "gray" || cmap == "gray_r" else { throw args.error("imshow: cmap must be \"gray\" or \"gray_r\"") }
            var range: (Double, Double)?
            if p["vmin"] != nil || p["vmax"] != nil {
                range = (try b.double(p["vmin"] ?? .double(t.scalars.min() ?? 0), args, "vmin"), try b.double(p["vmax"] ?? .double(t.scalars.max() ?? 1), args, "vmax"))
            }
            let ax = self.current()
            ax.series.append(.image(values: t.scalars, rows: t.shape[0], columns: t.shape[1], reversed: cmap == "gray_r", range: range))
            ax.grid = false
            return .nil
        }
        i.define("barh") { args in
            let p = try args.bind(["_ values", "labels=", "color="])
            let values = try self.numbers(p["values"]!, args, "values")
            var labels = values.indices.map(String.init)
            if let l = p["labels"] {
                guard case .array(let items) = l, items.count == values.count else {
                    throw args.error("barh: labels must be an array of \(values.count) values")
                }
                labels = items.map(\.printed)
            }
            self.current().series.append(.barsH(values: values, labels: labels, color: try self.color(p["color"], args)))
            return .nil
        }
        i.define("lossCurve") { args in
            let p = try args.bind(["_ losses", "log=", "label="])
            let ys = try self.numbers(p["losses"]!, args, "losses")
            let ax = self.current()
            ax.series.append(.line(xs: ys.indices.map(Double.init), ys: ys, color: nil, width: 2, label: try self.string(p["label"], args, "label")))
            if try p["log"].map({ try b.bool($0, args, "log") }) ?? true { ax.yScale = .log }
            ax.xLabel = ax.xLabel ?? "step"
            ax.yLabel = ax.yLabel ?? "loss"
            return .nil
        }
        i.define("clf") { args in
            _ = try args.bind([])
            let f = self.figure
            let fresh = Figure(width: f?.width ?? self.collector.cell?.options.width ?? 640, height: f?.height ?? self.collector.cell?.options.height ?? 480)
            self.figure = fresh
            self.axes = fresh.axes[0]
            return .nil
        }
        i.define("frame") { args in
            let p = try args.bind(["delay="])
            if let d = p["delay"] { self.frameDelay = max(2, try b.int(d, args, "delay")) }
            guard let f = self.figure else { throw args.error("frame: nothing is drawn yet") }
            guard self.frames.count < 1000 else { throw args.error("frame: an animation holds at most 1000 frames") }
            self.frames.append(f.render())
            return .nil
        }
        i.define("show") { args in _ = try args.bind([]); try self.finish(); return .nil }
    }
}
