import CGD
import Foundation

/// What an axes can draw.
public enum Series {
    case line(xs: [Double], ys: [Double], color: Color?, width: Double, label: String?)
    case scatter(xs: [Double], ys: [Double], color: Color?, radius: Double, label: String?)
    /// Rows of values, drawn cell by cell (no smoothing); `reversed` maps high values to black.
    case image(values: [Double], rows: Int, columns: Int, reversed: Bool, range: (Double, Double)?)
    /// Horizontal bars, bottom to top in the order given, labelled on the y axis.
    case barsH(values: [Double], labels: [String], color: Color?)
    /// The area between `lower` and `upper` over increasing `xs` (matplotlib's `fill_between`),
    /// in `color` at `alpha`; a gap where a value is not finite.
    case band(xs: [Double], lower: [Double], upper: [Double], color: Color?, alpha: Double, label: String?)
}

/// One plot area with its series, labels and scales.
public final class Axes {
    public var series: [Series] = []
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var xScale = Scale.linear
    public var yScale = Scale.linear
    public var showLegend = false
    public var grid = true
    /// False draws the data alone: no frame, ticks or tick labels (matplotlib's `axis("off")`).
    public var showAxes = true
    public var xLimits: (Double, Double)?
    public var yLimits: (Double, Double)?
    /// Where the last render put the plot area (left, top, right, bottom, in pixels) and the data
    /// range it shows (x0, x1, y0, y1): for tests and for placing annotations.
    public internal(set) var plotArea: (left: Double, top: Double, right: Double, bottom: Double)?
    public internal(set) var dataRange: (x0: Double, x1: Double, y0: Double, y1: Double)?

    public init() {}

    public var isEmpty: Bool { series.isEmpty && title == nil }
}

/// A figure: a grid of axes drawn into one image, like a matplotlib figure.
///
///     let fig = Figure(width: 640, height: 480)
///     fig.axes[0].series.append(.line(xs: xs, ys: ys, color: nil, width: 2, label: "fit"))
///     let png = fig.render().png()
public final class Figure {
    public let width: Int, height: Int
    public private(set) var rows = 1, columns = 1
    public private(set) var axes: [Axes] = [Axes()]

    public static let tickSize = 10.0, labelSize = 10.0, titleSize = 12.0

    public init(width: Int = 640, height: Int = 480) {
        self.width = width
        self.height = height
    }

    /// Switches to a grid of rows × columns axes (keeping what the first one holds when the
    /// grid does not change) and returns axes number `index` (1-based, row-major).
    public func subplot(_ rows: Int, _ columns: Int, _ index: Int) -> Axes {
        if rows != self.rows || columns != self.columns {
            self.rows = rows
            self.columns = columns
            let keep = axes.first.map { $0.isEmpty ? Axes() : $0 } ?? Axes()
            axes = [keep] + (1..<(rows * columns)).map { _ in Axes() }
        }
        return axes[index - 1]
    }

    /// The figure drawn at `scale` device pixels per logical pixel.
    public func render(scale: Int = 1) -> Canvas {
        let canvas = Canvas(width: width, height: height, scale: scale)
        let cellW = Double(width) / Double(columns), cellH = Double(height) / Double(rows)
        for (i, ax) in axes.enumerated() {
            let r = i / columns, c = i % columns
            AxesRenderer(
                axes: ax, canvas: canvas,
                frame: (Double(c) * cellW, Double(r) * cellH, Double(c + 1) * cellW, Double(r + 1) * cellH)
            ).draw()
        }
        return canvas
    }
}

/// Lays out and draws one axes into its part of the canvas.
struct AxesRenderer {
    let axes: Axes
    let canvas: Canvas
    let frame: (Double, Double, Double, Double)

    var isImage: Bool { axes.series.contains { if case .image = $0 { return true } else { return false } } }
    var barLabels: [String]? {
        for s in axes.series { if case .barsH(_, let labels, _) = s { return labels } }
        return nil
    }

    /// Data limits with matplotlib's 5% margins (none for images; bars start at 0).
    func limits() -> (Double, Double, Double, Double) {
        var xs: [Double] = [], ys: [Double] = []
        for s in axes.series {
            switch s {
            case .line(let x, let y, _, _, _), .scatter(let x, let y, _, _, _):
                xs += x.filter { $0.isFinite && (axes.xScale == .linear || $0 > 0) }
                ys += y.filter { $0.isFinite && (axes.yScale == .linear || $0 > 0) }
            case .image(_, let rows, let columns, _, _):
                return (-0.5, Double(columns) - 0.5, Double(rows) - 0.5, -0.5)
            case .barsH(let values, _, _):
                xs += values + [0]
                ys += [-0.6, Double(values.count) - 0.4]
            case .band(let x, let lower, let upper, _, _, _):
                xs += x.filter { $0.isFinite && (axes.xScale == .linear || $0 > 0) }
                ys += (lower + upper).filter { $0.isFinite && (axes.yScale == .linear || $0 > 0) }
            }
        }
        func span(_ v: [Double], _ scale: Scale, pad: Bool) -> (Double, Double) {
            guard var lo = v.min(), var hi = v.max() else { return scale == .log ? (1, 10) : (0, 1) }
            if scale == .log {
                var (a, b) = (log10(lo), log10(hi))
                if a == b {
                    a -= 0.5
                    b += 0.5
                }
                let m = (b - a) * 0.05
                return (pow(10, a - m), pow(10, b + m))
            }
            if lo == hi {
                lo -= abs(lo) > 0 ? abs(lo) * 0.05 : 0.05
                hi += abs(hi) > 0 ? abs(hi) * 0.05 : 0.05
            }
            guard pad else { return (lo, hi) }
            let m = (hi - lo) * 0.05
            return (lo - m, hi + m)
        }
        let isBars = barLabels != nil
        var (x0, x1) = span(xs, axes.xScale, pad: true)
        var (y0, y1) = span(ys, axes.yScale, pad: !isBars)
        if isBars { x0 = min(x0, 0) }
        if let l = axes.xLimits { (x0, x1) = l }
        if let l = axes.yLimits { (y0, y1) = l }
        return (x0, x1, y0, y1)
    }

    func draw() {
        let (fl, ft, fr, fb) = frame
        var (x0, x1, y0, y1) = limits()
        let tick = Figure.tickSize, pad = axes.showAxes ? 4.0 : 0, tickLength = axes.showAxes ? 5.0 : 0
        let lineH = axes.showAxes ? Canvas.measure("0", size: tick).1 : 0
        // Ticks and their labels.
        let xTicks: [Double], xLabels: [String], yTicks: [Double], yLabels: [String]
        if isImage {
            (xTicks, xLabels) = imageTicks(x0, x1)
            (yTicks, yLabels) = imageTicks(y1, y0)
        } else {
            (xTicks, xLabels) = ticks(x0, x1, axes.xScale)
            if let labels = barLabels {
                yTicks = labels.indices.map(Double.init)
                yLabels = labels
            } else {
                (yTicks, yLabels) = ticks(y0, y1, axes.yScale)
            }
        }
        let yLabelWidth = axes.showAxes ? yLabels.map { Canvas.measure($0, size: tick).0 }.max() ?? 0 : 0
        let titleH = axes.title == nil ? 0 : Canvas.measure("Ag", size: Figure.titleSize).1 + 8
        let xLabelH = axes.xLabel == nil ? 0 : Canvas.measure("Ag", size: Figure.labelSize).1 + 4
        let yLabelW = axes.yLabel == nil ? 0 : Canvas.measure("Ag", size: Figure.labelSize).1 + 6
        var left = fl + 10 + yLabelW + yLabelWidth + pad + tickLength
        var right =
            fr - (axes.showAxes ? max(14, (xLabels.last.map { Canvas.measure($0, size: tick).0 / 2 } ?? 0) + 4) : 10)
        var top = ft + 10 + titleH
        var bottom = fb - 8 - xLabelH - lineH - pad - tickLength
        if isImage {
            // Square cells: fit the image's aspect inside the area.
            let aspect = abs(y1 - y0) / abs(x1 - x0)
            let w = right - left, h = bottom - top
            if h / w > aspect {
                let nh = w * aspect
                top += (h - nh) / 2
                bottom = top + nh
            } else {
                let nw = h / aspect
                left += (w - nw) / 2
                right = left + nw
            }
        }
        guard right - left > 10, bottom - top > 10 else { return }
        axes.plotArea = (left, top, right, bottom)
        axes.dataRange = (x0, x1, y0, y1)
        if axes.yScale == .log { (y0, y1) = (log10(y0), log10(y1)) }
        if axes.xScale == .log { (x0, x1) = (log10(x0), log10(x1)) }
        let logX = axes.xScale == .log, logY = axes.yScale == .log
        func px(_ x: Double) -> Double { left + ((logX ? log10(x) : x) - x0) / (x1 - x0) * (right - left) }
        func py(_ y: Double) -> Double { bottom - ((logY ? log10(y) : y) - y0) / (y1 - y0) * (bottom - top) }

        // Grid under the data.
        let gridColor = Color(176, 176, 176, alpha: 0.35)
        if axes.grid && !isImage {
            for t in xTicks { canvas.fillRect(px(t).rounded(.down), top, px(t).rounded(.down) + 1, bottom, gridColor) }
            if barLabels == nil {
                for t in yTicks {
                    canvas.fillRect(left, py(t).rounded(.down), right, py(t).rounded(.down) + 1, gridColor)
                }
            }
        }
        // Data.
        var cycle = 0
        func nextColor(_ c: Color?) -> Color {
            if let c { return c }
            defer { cycle += 1 }
            return Color.cycle[cycle % Color.cycle.count]
        }
        var legend: [(String, Color, LegendMark)] = []
        let clip = (left, top, right, bottom)
        for s in axes.series {
            switch s {
            case .line(let xs, let ys, let color, let width, let label):
                let c = nextColor(color)
                var run: [(Double, Double)] = []
                for (x, y) in zip(xs, ys) {
                    if x.isFinite && y.isFinite && (!logX || x > 0) && (!logY || y > 0) {
                        run.append((px(x), py(y)))
                    } else {
                        canvas.strokePolyline(run, width: width, color: c, clip: clip)
                        run = []
                    }
                }
                canvas.strokePolyline(run, width: width, color: c, clip: clip)
                if let label { legend.append((label, c, .line)) }
            case .scatter(let xs, let ys, let color, let radius, let label):
                let c = nextColor(color)
                for (x, y) in zip(xs, ys) where x.isFinite && y.isFinite {
                    let (cx, cy) = (px(x), py(y))
                    if cx >= left - radius && cx <= right + radius && cy >= top - radius && cy <= bottom + radius {
                        canvas.fillCircle(cx, cy, radius: radius, c)
                    }
                }
                if let label { legend.append((label, c, .marker)) }
            case .image(let values, let rows, let columns, let reversed, let range):
                let finite = values.filter(\.isFinite)
                let lo = range?.0 ?? finite.min() ?? 0, hi = range?.1 ?? finite.max() ?? 1
                for r in 0..<rows {
                    for col in 0..<columns {
                        var v = hi > lo ? (values[r * columns + col] - lo) / (hi - lo) : 0
                        v = min(1, max(0, v.isFinite ? v : 0))
                        if reversed { v = 1 - v }
                        let g = UInt8((v * 255).rounded())
                        canvas.fillRect(
                            px(Double(col) - 0.5), py(Double(r) - 0.5), px(Double(col) + 0.5), py(Double(r) + 0.5),
                            Color(g, g, g))
                    }
                }
            case .barsH(let values, _, let color):
                let c = nextColor(color)
                for (i, v) in values.enumerated() where v.isFinite {
                    canvas.fillRect(px(0), py(Double(i) + 0.4), px(v), py(Double(i) - 0.4), c)
                }
            case .band(let xs, let lower, let upper, let color, let alpha, let label):
                // Pixel column by column, each at its centre, so no column is blended twice.
                let c = nextColor(color).withAlpha(alpha)
                let n = min(xs.count, lower.count, upper.count)
                var i = 0
                if n >= 2 {
                    var column = max(px(xs[0]).rounded(.down), left.rounded(.down))
                    let end = min(px(xs[n - 1]), right)
                    while column < end {
                        let from = max(column, px(xs[0])), to = min(column + 1, end)
                        let centre = (from + to) / 2
                        while i < n - 2 && px(xs[i + 1]) < centre { i += 1 }
                        let a = px(xs[i]), b = px(xs[i + 1])
                        let ends = [lower[i], lower[i + 1], upper[i], upper[i + 1]]
                        if b > a, ends.allSatisfy(\.isFinite) {
                            let t = (centre - a) / (b - a)
                            let lo = lower[i] + (lower[i + 1] - lower[i]) * t
                            let hi = upper[i] + (upper[i + 1] - upper[i]) * t
                            let y0 = max(top, min(py(hi), py(lo))), y1 = min(bottom, max(py(hi), py(lo)))
                            if y1 > y0 { canvas.fillRect(from, y0, to, y1, c) }
                        }
                        column += 1
                    }
                }
                if let label { legend.append((label, c, .patch)) }
            }
        }
        // Spines, ticks and labels.
        let ink = Color(0, 0, 0)
        let (l, t, r, b) = (left.rounded(.down), top.rounded(.down), right.rounded(.down), bottom.rounded(.down))
        if let title = axes.title {
            canvas.text(title, x: (left + right) / 2, y: top - 6, size: Figure.titleSize, alignX: 0.5, alignY: 1)
        }
        if axes.showLegend && !legend.isEmpty { drawLegend(legend, right: right, top: top) }
        guard axes.showAxes else { return }
        canvas.fillRect(l, t, r + 1, t + 1, ink)
        canvas.fillRect(l, b, r + 1, b + 1, ink)
        canvas.fillRect(l, t, l + 1, b + 1, ink)
        canvas.fillRect(r, t, r + 1, b + 1, ink)
        for (v, label) in zip(xTicks, xLabels) {
            let x = px(v).rounded(.down)
            guard x >= l - 0.5 && x <= r + 0.5 else { continue }
            canvas.fillRect(x, b + 1, x + 1, b + 1 + tickLength, ink)
            canvas.text(label, x: x + 0.5, y: b + 1 + tickLength + pad, size: tick, alignX: 0.5, alignY: 0)
        }
        // Minor ticks at 2…9 × each decade of a log axis, as matplotlib draws them.
        if logY {
            for e in Int(y0.rounded(.down))...Int(y1.rounded(.up)) {
                for m in 2...9 {
                    let v = Double(m) * pow(10, Double(e))
                    let y = py(v).rounded(.down)
                    if y >= t && y <= b { canvas.fillRect(l - tickLength / 2, y, l, y + 1, ink) }
                }
            }
        }
        for (v, label) in zip(yTicks, yLabels) {
            let y = py(v).rounded(.down)
            guard y >= t - 0.5 && y <= b + 0.5 else { continue }
            canvas.fillRect(l - tickLength, y, l, y + 1, ink)
            canvas.text(label, x: l - tickLength - pad, y: y + 0.5, size: tick, alignX: 1, alignY: 0.5)
        }
        if let xl = axes.xLabel {
            canvas.text(
                xl, x: (left + right) / 2, y: b + 1 + tickLength + pad + lineH + 2, size: Figure.labelSize, alignX: 0.5,
                alignY: 0)
        }
        if let yl = axes.yLabel {
            canvas.text(
                yl, x: fl + 8 + yLabelW / 2, y: (top + bottom) / 2, size: Figure.labelSize, alignX: 0.5, alignY: 0.5,
                angle: 90)
        }
    }

    func ticks(_ lo: Double, _ hi: Double, _ scale: Scale) -> ([Double], [String]) {
        if scale == .log {
            let v = Ticks.log(lo, hi)
            return (v, v.map(Ticks.logLabel))
        }
        let (v, step) = Ticks.linear(lo, hi)
        return (v, Ticks.labels(v, step: step))
    }

    /// Integer pixel positions for image axes, every 5 (or more) cells.
    func imageTicks(_ lo: Double, _ hi: Double) -> ([Double], [String]) {
        let n = Int((hi - lo).rounded())
        let step = max(1, Int(Ticks.linear(0, Double(n), target: 5).step))
        let values = stride(from: 0, to: n, by: step).map(Double.init)
        return (values, values.map { String(Int($0)) })
    }

    enum LegendMark { case line, marker, patch }

    func drawLegend(_ entries: [(String, Color, LegendMark)], right: Double, top: Double) {
        let size = Figure.tickSize
        let lineH = Canvas.measure("Ag", size: size).1 + 2
        let textW = entries.map { Canvas.measure($0.0, size: size).0 }.max() ?? 0
        let w = textW + 44, h = Double(entries.count) * lineH + 10
        let x0 = right - w - 8, y0 = top + 8
        canvas.fillRect(x0, y0, x0 + w, y0 + h, Color(255, 255, 255, alpha: 0.85))
        let edge = Color(204, 204, 204)
        canvas.fillRect(x0, y0, x0 + w, y0 + 1, edge)
        canvas.fillRect(x0, y0 + h - 1, x0 + w, y0 + h, edge)
        canvas.fillRect(x0, y0, x0 + 1, y0 + h, edge)
        canvas.fillRect(x0 + w - 1, y0, x0 + w, y0 + h, edge)
        for (i, (label, color, mark)) in entries.enumerated() {
            let cy = y0 + 5 + (Double(i) + 0.5) * lineH
            switch mark {
            case .line: canvas.strokePolyline([(x0 + 8, cy), (x0 + 32, cy)], width: 2, color: color)
            case .marker: canvas.fillCircle(x0 + 20, cy, radius: 3.5, color)
            case .patch: canvas.fillRect(x0 + 8, cy - lineH * 0.3, x0 + 32, cy + lineH * 0.3, color)
            }
            canvas.text(label, x: x0 + 38, y: cy, size: size, alignX: 0, alignY: 0.5)
        }
    }
}

/// An animated GIF from figures: looping, `delay` in hundredths of a second per frame.
public enum GIF {
    public static func encode(_ frames: [Canvas], delay: Int = 10) -> Data {
        guard !frames.isEmpty else { return Data() }
        var out = Data()
        var size: Int32 = 0
        var previous: gdImagePtr?
        defer { if let previous { gdImageDestroy(previous) } }
        for (i, canvas) in frames.enumerated() {
            let truecolor = canvas.makeImage()
            let palette = gdImageCreatePaletteFromTrueColor(truecolor, 0, 256)!
            gdImageDestroy(truecolor)
            if i == 0 {
                let begin = gdImageGifAnimBeginPtr(palette, &size, 1, 0)!
                out.append(Data(bytes: begin, count: Int(size)))
                gdFree(begin)
            }
            let add = gdImageGifAnimAddPtr(palette, &size, 1, 0, 0, Int32(delay), Int32(gdDisposalNone), previous)!
            out.append(Data(bytes: add, count: Int(size)))
            gdFree(add)
            if let previous { gdImageDestroy(previous) }
            previous = palette
        }
        let end = gdImageGifAnimEndPtr(&size)!
        out.append(Data(bytes: end, count: Int(size)))
        gdFree(end)
        return out
    }
}
