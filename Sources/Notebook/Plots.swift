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
    /// The figure of the last frame, for the animation's still image.
    var lastFrame: Figure?
    var frameDelay = 10

    init(bindings: EngineBindings, collector: FigureCollector) {
        self.bindings = bindings
        self.collector = collector
    }

    /// Defines the plotting calls in `interpreter`; the runner tells the returned plots when a
    /// cell begins, ends (`finish`) and fails (`discard`).
    @discardableResult
    static func install(in interpreter: Interpreter, bindings: EngineBindings, collector: FigureCollector) -> Plots {
        let plots = Plots(bindings: bindings, collector: collector)
        plots.define(in: interpreter)
        return plots
    }

    /// A cell begins: nothing drawn yet.
    func begin(cell: Cell) {
        collector.begin(cell: cell)
        discardDrawing()
    }

    /// A cell failed: what it drew and wrote is dropped.
    func discard() {
        collector.files = []
        discardDrawing()
    }

    private func discardDrawing() {
        figure = nil
        axes = nil
        frames = []
        lastFrame = nil
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

    /// Device pixels per CSS pixel of the PNG figures: sharp on high-density screens (as
    /// matplotlib's retina output). NOTE: animation frames stay at 1×: a GIF of a hundred 2×
    /// frames is four times the bytes; its still image (printing, reduced motion) is 2×.
    static let scale = 2

    /// Writes what the cell drew: the animation (a GIF played once, resting on its last frame,
    /// with that frame as a still image), or the figure as PNG.
    func finish() throws {
        defer { discardDrawing() }
        let caption = collector.cell?.options.caption
        if !frames.isEmpty, let last = lastFrame {
            let alt = describe(last) + " — animation of \(frames.count) frames"
            let gif = collector.nextName("gif")
            var stillFile = FigureFile(
                fileName: collector.nextName("png"), data: last.render(scale: Plots.scale).png(),
                alt: alt + " (last frame)", caption: nil)
            (stillFile.width, stillFile.height) = (last.width, last.height)
            var animation = FigureFile(
                fileName: gif, data: GIF.encode(frames, delay: frameDelay), alt: alt, caption: caption)
            (animation.width, animation.height, animation.still) = (last.width, last.height, stillFile.fileName)
            collector.files += [animation, stillFile]
        } else if let figure, figure.axes.contains(where: { !$0.isEmpty }) {
            var file = FigureFile(
                fileName: collector.nextName("png"), data: figure.render(scale: Plots.scale).png(),
                alt: describe(figure), caption: caption)
            (file.width, file.height) = (figure.width, figure.height)
            collector.files.append(file)
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
                case .band(_, _, _, _, _, let l): return "band" + (l.map { " \($0)" } ?? "")
                }
            }
            if !kinds.isEmpty { p.append(kinds.joined(separator: ", ")) }
            if let x = ax.xLabel { p.append("x: \(x)") }
            if let y = ax.yLabel { p.append("y: \(y)") }
            return p.joined(separator: "; ")
        }
        return parts.isEmpty ? "Figure" : "Figure: " + parts.joined(separator: " | ")
    }

    // MARK: - Cell functions

    func define(in i: Interpreter) {
        let library = bindings.library
        func define<each T>(
            _ name: String, _ doc: String, _ params: repeat Param<each T>,
            body: @escaping (repeat each T) throws -> Void
        ) {
            let bind = library.declare("Plots", name, doc, repeat each params)
            i.define(
                name,
                .function(
                    Function(name) { args in
                        let values = try bind(args)
                        try body(repeat each values)
                        return .nil
                    }))
        }
        let label = Param<String?>.string("label", optional: ()).labeled, color = Param<Color?>.color
        let numbers = { (name: String) in Param<[Double]>.numbers(name) }

        define(
            "figure", "starts a new figure (in pixels; the cell's width/height options by default)",
            Param<Int?>.int("width", optional: ()).labeled, Param<Int?>.int("height", optional: ()).labeled
        ) { w, h in
            try self.finish()
            let c = self.collector.cell?.options
            let width = w ?? c?.width ?? 640, height = h ?? c?.height ?? 480
            guard (50...4000).contains(width), (50...4000).contains(height) else {
                throw TensorError("figure: width and height must be 50…4000 pixels")
            }
            let f = Figure(width: width, height: height)
            self.figure = f
            self.axes = f.axes[0]
        }
        define(
            "subplot", "draws next on panel index (from 1) of a rows × columns grid", Param<Int>.int("rows"),
            Param<Int>.int("columns"),
            Param<Int>.int("index")
        ) { r, c, n in
            guard (1...10).contains(r), (1...10).contains(c), (1...(r * c)).contains(n) else {
                throw TensorError("subplot: expected rows and columns in 1…10 and an index in 1…rows×columns")
            }
            _ = self.current()
            self.axes = self.figure!.subplot(r, c, n)
        }
        define(
            "plot", "a line through y (against x when given); format as matplotlib's (\"o-\", \"r--\", …)",
            Param<Value>.any("x", type: "Tensor or [Double]"), Param<Value?>.any("y", optional: ()),
            Param<String?>.string("format", optional: ()),
            label, color, Param<Double?>.double("linewidth", optional: ()).labeled
        ) { a, bValue, fmt, label, color, lw in
            var ys = try Plots.numbers(a, "y")
            var xs = Array(0..<ys.count).map(Double.init)
            var format = fmt
            switch bValue {
            case .string(let f)?: format = f
            case let other?:
                xs = ys
                ys = try Plots.numbers(other, "y")
            case nil: break
            }
            guard xs.count == ys.count else {
                throw TensorError("plot: x has \(xs.count) values but y has \(ys.count)")
            }
            let f = format ?? "-"
            let fmtColor = f.first { "bgrcmykw".contains($0) }.flatMap { Color(String($0)) }
            if let lw, !(lw > 0 && lw <= 100) {
                throw TensorError("plot: linewidth must be a number of points from 0 to 100, got \(lw)")
            }
            let width = lw.map { $0 * 96 / 72 } ?? 2.0
            if f.contains("o") || f.contains(".") {
                self.current().series.append(
                    .scatter(xs: xs, ys: ys, color: color ?? fmtColor, radius: f.contains("o") ? 4 : 2.5, label: label))
            }
            if f.contains("-") || !(f.contains("o") || f.contains(".")) {
                self.current().series.append(
                    .line(xs: xs, ys: ys, color: color ?? fmtColor, width: width, label: label))
            }
        }
        define(
            "scatter", "points at (x, y)", numbers("x"), numbers("y"), label, color,
            Param<Double?>.double("size", optional: ()).labeled
        ) {
            xs, ys, label, color, size in
            guard xs.count == ys.count else {
                throw TensorError("scatter: x has \(xs.count) values but y has \(ys.count)")
            }
            self.current().series.append(
                .scatter(xs: xs, ys: ys, color: color, radius: size.map { $0 / 2 } ?? 4, label: label))
        }
        define(
            "fill_between", "fills the area between y1 and y2 (a number or values) over increasing x, as matplotlib",
            numbers("x"), Param<Value>.any("y1", type: "Tensor, [Double] or Double"),
            Param<Value>("y2", type: "Tensor, [Double] or Double", default: .int(0), defaultText: "0") { $0 }, label,
            color,
            Param<Double>.double("alpha", default: 0.25).labeled
        ) { xs, y1, y2, label, color, alpha in
            func values(_ v: Value, _ name: String) throws -> [Double] {
                if let d = v.asNumber { return Array(repeating: d, count: xs.count) }
                let ys = try Plots.numbers(v, name)
                guard ys.count == xs.count else {
                    throw TensorError("fill_between: x has \(xs.count) values but \(name) has \(ys.count)")
                }
                return ys
            }
            guard (0...1).contains(alpha) else { throw TensorError("fill_between: alpha must be from 0 to 1") }
            self.current().series.append(
                .band(
                    xs: xs, lower: try values(y1, "y1"), upper: try values(y2, "y2"), color: color, alpha: alpha,
                    label: label))
        }
        for (name, doc, set) in [
            ("title", "the panel's title", { (a: Axes, s: String) in a.title = s }),
            ("xlabel", "the x axis label", { $0.xLabel = $1 }), ("ylabel", "the y axis label", { $0.yLabel = $1 }),
        ] {
            define(name, doc, Param<String>.string("text")) { set(self.current(), $0) }
        }
        for (name, isX) in [("xscale", true), ("yscale", false)] {
            define(name, "\"linear\" or \"log\" scale on the \(isX ? "x" : "y") axis", Param<String>.string("scale")) {
                s in
                guard let scale = Scale(rawValue: s) else {
                    throw TensorError("\(name): scale must be \"linear\" or \"log\"")
                }
                let ax = self.current()
                if scale == .log, let limits = isX ? ax.xLimits : ax.yLimits, limits.0 <= 0 {
                    throw TensorError(
                        "\(name): a log scale needs positive limits, and they are \(limits.0)…\(limits.1)")
                }
                if isX { ax.xScale = scale } else { ax.yScale = scale }
            }
        }
        for (name, isX) in [("xlim", true), ("ylim", false)] {
            define(name, "the \(isX ? "x" : "y") axis range", Param<Double>.double("low"), Param<Double>.double("high"))
            { lo, hi in
                // Finite, with a finite span: the ticks and pixel positions are computed from it.
                guard lo.isFinite, hi.isFinite, (hi - lo).isFinite, hi > lo else {
                    throw TensorError("\(name): expects finite limits with low below high, got \(lo) and \(hi)")
                }
                let ax = self.current()
                if (isX ? ax.xScale : ax.yScale) == .log && lo <= 0 {
                    throw TensorError("\(name): the axis has a log scale, so the limits must be positive, got \(lo)")
                }
                if isX { ax.xLimits = (lo, hi) } else { ax.yLimits = (lo, hi) }
            }
        }
        define("axis", "\"off\" hides the axes, \"on\" shows them", Param<String>.string("mode")) { s in
            guard s == "off" || s == "on" else { throw TensorError("axis: expects \"off\" or \"on\"") }
            self.current().showAxes = s == "on"
        }
        define("legend", "shows the labels of the series") { self.current().showLegend = true }
        define("grid", "shows or hides the grid", Param<Bool>.bool("visible", default: true)) {
            self.current().grid = $0
        }
        define(
            "imshow", "a 2-D tensor as an image (grey levels)", Param<Tensor>.tensor("image", bindings),
            Param<String>.string("cmap", default: "gray").labeled, Param<Double?>.double("vmin", optional: ()).labeled,
            Param<Double?>.double("vmax", optional: ()).labeled
        ) { image, cmap, vmin, vmax in
            var t = image
            if t.rank > 2 { t = try t.squeeze() }
            guard t.rank == 2 else {
                throw TensorError(
                    "imshow: the image must be 2-D (after dropping size-1 dimensions), got shape \(image.shape)")
            }
            guard cmap == "gray" || cmap == "gray_r" else {
                throw TensorError("imshow: cmap must be \"gray\" or \"gray_r\"")
            }
            var range: (Double, Double)?
            if vmin != nil || vmax != nil { range = (vmin ?? t.scalars.min() ?? 0, vmax ?? t.scalars.max() ?? 1) }
            let ax = self.current()
            ax.series.append(
                .image(
                    values: t.scalars, rows: t.shape[0], columns: t.shape[1], reversed: cmap == "gray_r", range: range))
            ax.grid = false
        }
        define("barh", "horizontal bars", numbers("values"), Param<[Value]?>.array("labels"), color) {
            values, labels, color in
            if let labels, labels.count != values.count {
                throw TensorError("barh: labels must be an array of \(values.count) values")
            }
            self.current().series.append(
                .barsH(values: values, labels: labels?.map(\.printed) ?? values.indices.map(String.init), color: color))
        }
        define(
            "lossCurve", "losses against the step, on a log scale unless log: false", numbers("losses"),
            Param<Bool>.bool("log", default: true).labeled, label
        ) { ys, log, label in
            let ax = self.current()
            ax.series.append(.line(xs: ys.indices.map(Double.init), ys: ys, color: nil, width: 2, label: label))
            if log { ax.yScale = .log }
            ax.xLabel = ax.xLabel ?? "step"
            ax.yLabel = ax.yLabel ?? "loss"
        }
        define("clf", "clears the figure") {
            let f = self.figure, options = self.collector.cell?.options
            let fresh = Figure(width: f?.width ?? options?.width ?? 640, height: f?.height ?? options?.height ?? 480)
            self.figure = fresh
            self.axes = fresh.axes[0]
        }
        define(
            "frame", "adds the figure as a frame of the cell's animated GIF (delay in 1/100 s)",
            Param<Int?>.int("delay", optional: ()).labeled
        ) { delay in
            if let delay {
                // A GIF stores the delay in 16 bits of hundredths of a second.
                guard delay >= 0 && delay <= 65535 else {
                    throw TensorError("frame: delay must be 0…65535 hundredths of a second, got \(delay)")
                }
                self.frameDelay = max(2, delay)
            }
            guard let f = self.figure else { throw TensorError("frame: nothing is drawn yet") }
            guard self.frames.count < 1000 else { throw TensorError("frame: an animation holds at most 1000 frames") }
            // Each frame is kept as a bitmap until the GIF is written: a gigabyte at the most.
            let frameBytes = f.width * f.height * 4
            guard (self.frames.count + 1) * frameBytes <= 1 << 30 else {
                throw TensorError(
                    "frame: \(self.frames.count + 1) frames of \(f.width)×\(f.height) would hold more than 1 GiB; draw a smaller figure or fewer frames"
                )
            }
            self.frames.append(f.render())
            self.lastFrame = f
        }
        define("show", "ends the figure now (the next call starts a new one)") { try self.finish() }
    }

    /// Values to plot: a tensor with one non-trivial dimension, an array of numbers or a range.
    static func numbers(_ v: Value, _ what: String) throws -> [Double] {
        switch v {
        case .object(let o as TensorObject):
            guard o.tensor.rank <= 1 || o.tensor.shape.filter({ $0 != 1 }).count <= 1 else {
                throw ConversionError("must be one-dimensional (or N×1), got a tensor of shape \(o.tensor.shape)")
            }
            return o.tensor.scalars
        case .array(let items):
            return try items.map { x in
                guard let d = x.asNumber else { throw ConversionError("must hold numbers, found \(x.typeName)") }
                return d
            }
        case .range(let lo?, let hi?, let closed):
            return (lo..<(closed ? hi + 1 : hi)).map(Double.init)
        default:
            throw ConversionError.expected("a Tensor or an array of numbers", v)
        }
    }
}

extension Param where T == [Double] {
    static func numbers(_ name: String) -> Param {
        Param(name, type: "Tensor or [Double]") { try Plots.numbers($0, name) }
    }
}

extension Param where T == Color? {
    static var color: Param {
        Param("color", positional: false, type: "String?", default: .some(nil), defaultText: "nil") { v in
            guard case .string(let s) = v, let c = Color(s) else {
                throw ConversionError("must be #rrggbb, C0…C9 or a name like red, not \(v.displayed)")
            }
            return c
        }
    }
}
