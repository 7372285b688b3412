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
    /// The colour scale of the last image, contour or coloured scatter (for `colorbar`).
    var mappable: (Colormap, Double, Double)?
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
            let kinds = ax.series.compactMap { s -> String? in
                func named(_ kind: String, _ label: String?) -> String { kind + (label.map { " \($0)" } ?? "") }
                switch s {
                case .line(_, _, _, let w, let l, _, _, let yerr):
                    return named(yerr != nil ? "error bars" : w > 0 ? "line" : "points", l)
                case .scatter(_, _, _, _, let l, _, _): return named("points", l)
                case .image(_, let r, let c, let map, _, _): return "\(r)×\(c) image (\(map.name))"
                case .barsH(let v, _, _): return "\(v.count) bars"
                case .bars(let x, _, _, _, _, let l, _): return named("\(x.count) bars", l)
                case .band(_, _, _, _, _, let l): return named("band", l)
                case .reference(_, let vertical, _, _, _, let l):
                    return named(vertical ? "vertical line" : "horizontal line", l)
                case .text(_, _, let t, _, _, _): return "text \"\(t)\""
                case .contours(_, _, _, _, _, let levels, _, let filled, _):
                    return "\(filled ? "filled contours" : "contour lines") at \(levels.count) levels"
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

    /// Declares a plotting call in the "Plots" table and defines it in `i`.
    func register<each T>(
        _ i: Interpreter, _ name: String, _ doc: String, _ params: repeat Param<each T>,
        body: @escaping (repeat each T) throws -> Value
    ) {
        let bind = bindings.library.declare("Plots", name, doc, repeat each params)
        i.define(
            name,
            .function(
                Function(name) { args in
                    let values = try bind(args)
                    return try body(repeat each values)
                }))
    }

    func define(in i: Interpreter) {
        func define<each T>(
            _ name: String, _ doc: String, _ params: repeat Param<each T>,
            body: @escaping (repeat each T) throws -> Void
        ) {
            register(i, name, doc, repeat each params) { (values: repeat each T) in
                try body(repeat each values)
                return .nil
            }
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
            "plot",
            "a line through y (against x when given); format as matplotlib's: colour, marker (o . s) and line style (- -- : -.), e.g. \"o-\", \"r--\"",
            Param<Value>.any("x", type: "Tensor or [Double]"), Param<Value?>.any("y", optional: ()),
            Param<String?>.string("format", optional: ()),
            label, color, Param<Double?>.double("linewidth", optional: ()).labeled,
            Param<String?>.string("linestyle", optional: ()).labeled
        ) { a, bValue, fmt, label, color, lw, linestyle in
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
            if let lw, !(lw > 0 && lw <= 100) {
                throw TensorError("plot: linewidth must be a number of points from 0 to 100, got \(lw)")
            }
            let style = try Plots.format(format ?? "", linestyle: linestyle)
            let width = style.line ? lw.map { $0 * 96 / 72 } ?? 2.0 : 0
            self.current().series.append(
                .line(
                    xs: xs, ys: ys, color: color ?? style.color, width: width, label: label, dash: style.dash,
                    marker: style.marker))
        }
        define(
            "scatter",
            "points at (x, y); c: a value per point coloured through cmap, s: marker areas in points² (matplotlib's)",
            numbers("x"), numbers("y"), label, color,
            Param<Double?>.double("size", optional: ()).labeled,
            Param<Value?>.any("c", optional: (), type: "Tensor or [Double]?").labeled,
            Param<Value?>.any("s", optional: (), type: "Double, Tensor or [Double]?").labeled,
            Param<String>.string("cmap", default: "viridis").labeled
        ) { xs, ys, label, color, size, c, sizes, cmap in
            guard xs.count == ys.count else {
                throw TensorError("scatter: x has \(xs.count) values but y has \(ys.count)")
            }
            var colors: [Color]?
            if let c {
                let values = try Plots.numbers(c, "c")
                guard values.count == xs.count else {
                    throw TensorError("scatter: c has \(values.count) values for \(xs.count) points")
                }
                let map = try Plots.colormap(cmap, "scatter")
                let finite = values.filter(\.isFinite)
                let lo = finite.min() ?? 0, hi = finite.max() ?? 1
                colors = values.map { map.color($0, lo: lo, hi: hi) }
                self.mappable = (map, lo, hi)
            }
            // matplotlib's s is the marker's area in points²: radius √s / 2 points.
            func radius(_ area: Double) -> Double { area.squareRoot() / 2 * 96 / 72 }
            var radii: [Double]?
            var r = size.map { $0 / 2 } ?? 4
            switch sizes {
            case let v? where v.asNumber != nil: r = radius(v.asNumber!)
            case let v?:
                let areas = try Plots.numbers(v, "s")
                guard areas.count == xs.count, areas.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                    throw TensorError("scatter: s must be \(xs.count) areas of 0 or more")
                }
                radii = areas.map(radius)
            case nil: break
            }
            self.current().series.append(
                .scatter(xs: xs, ys: ys, color: color, radius: r, label: label, colors: colors, radii: radii))
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
        define(
            "legend",
            "shows the labels of the series; loc: \"best\" (where it hides the least data), \"upper right\", …",
            Param<String>.string("loc", default: "best").labeled
        ) { loc in
            guard loc == "best" || AxesLocations.names.contains(loc) else {
                throw TensorError(
                    "legend: loc must be \"best\" or one of \(AxesLocations.names.map { "\"\($0)\"" }.joined(separator: ", "))"
                )
            }
            let ax = self.current()
            ax.showLegend = true
            ax.legendLocation = loc
        }
        define("grid", "shows or hides the grid", Param<Bool>.bool("visible", default: true)) {
            self.current().grid = $0
        }
        define(
            "imshow",
            "a 2-D tensor as an image through a colormap (row 0 at the top unless origin: \"lower\"); extent: [left, right, bottom, top]",
            Param<Tensor>.tensor("image", bindings),
            Param<String>.string("cmap", default: "viridis").labeled,
            Param<Double?>.double("vmin", optional: ()).labeled,
            Param<Double?>.double("vmax", optional: ()).labeled,
            Param<Value?>.any("extent", optional: (), type: "[Double]?").labeled,
            Param<String>.string("origin", default: "upper").labeled
        ) { image, cmap, vmin, vmax, extentValue, origin in
            var t = image
            if t.rank > 2 { t = try t.squeeze() }
            guard t.rank == 2 else {
                throw TensorError(
                    "imshow: the image must be 2-D (after dropping size-1 dimensions), got shape \(image.shape)")
            }
            let map = try Plots.colormap(cmap, "imshow")
            var extent: (Double, Double, Double, Double)?
            if let extentValue {
                let e = try Plots.numbers(extentValue, "extent")
                guard e.count == 4, e.allSatisfy(\.isFinite), e[0] != e[1], e[2] != e[3] else {
                    throw TensorError("imshow: extent is [left, right, bottom, top], four finite numbers")
                }
                extent = (e[0], e[1], e[2], e[3])
            }
            guard origin == "upper" || origin == "lower" else {
                throw TensorError("imshow: origin is \"upper\" (row 0 at the top) or \"lower\"")
            }
            var values = t.scalars
            if origin == "lower" {
                let columns = t.shape[1]
                values = (0..<t.shape[0]).reversed().flatMap { values[($0 * columns)..<(($0 + 1) * columns)] }
            }
            let finite = values.filter(\.isFinite)
            let range = (vmin ?? finite.min() ?? 0, vmax ?? finite.max() ?? 1)
            let ax = self.current()
            ax.series.append(
                .image(
                    values: values, rows: t.shape[0], columns: t.shape[1], colormap: map,
                    range: vmin != nil || vmax != nil ? range : nil, extent: extent))
            ax.grid = false
            self.mappable = (map, range.0, range.1)
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
        defineCharts(in: i)
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
