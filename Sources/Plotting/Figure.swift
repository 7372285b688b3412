import CGD
import Foundation

/// What an axes can draw.
public enum Series {
    /// A line through the points; `dash` lengths (on, off, …) in pixels, empty for solid;
    /// `marker` > 0 draws a disc of that radius at each point (`"o-"`), `width` 0 no line
    /// (`"o"`); `yerr` draws error bars (matplotlib's `errorbar`).
    case line(
        xs: [Double], ys: [Double], color: Color?, width: Double, label: String?, dash: [Double] = [],
        marker: Double = 0, yerr: [Double]? = nil)
    /// Discs at (x, y): one colour, or `colors` per point; one radius, or `radii` per point.
    case scatter(
        xs: [Double], ys: [Double], color: Color?, radius: Double, label: String?, colors: [Color]? = nil,
        radii: [Double]? = nil)
    /// Rows of values, drawn cell by cell through a colormap (no smoothing): on integer axes with
    /// row 0 at the top, or over `extent` (left, right, bottom, top) in data coordinates.
    case image(
        values: [Double], rows: Int, columns: Int, colormap: Colormap, range: (Double, Double)?,
        extent: (Double, Double, Double, Double)? = nil)
    /// Horizontal bars, bottom to top in the order given, labelled on the y axis.
    case barsH(values: [Double], labels: [String], color: Color?)
    /// Vertical bars centred at `xs` (`bar`, `hist`), from `bottoms` to `bottoms + heights`.
    case bars(
        xs: [Double], heights: [Double], bottoms: [Double], width: Double, color: Color?, label: String?,
        alpha: Double = 1)
    /// The area between `lower` and `upper` over increasing `xs` (matplotlib's `fill_between`),
    /// in `color` at `alpha`; a gap where a value is not finite.
    case band(xs: [Double], lower: [Double], upper: [Double], color: Color?, alpha: Double, label: String?)
    /// A line across the whole axes at y = `value` (or x = `value` when `vertical`).
    case reference(value: Double, vertical: Bool, color: Color?, width: Double, dash: [Double], label: String?)
    /// Text at a data position; with `arrowFrom`, the text sits there and an arrow points at (x, y).
    case text(x: Double, y: Double, text: String, color: Color?, size: Double, arrowFrom: (Double, Double)?)
    /// Contours of a grid of values (`rows` × `columns`, row r at `ys[r]`, column c at `xs[c]`):
    /// filled bands between `levels`, or lines at them, coloured through `colormap`.
    case contours(
        values: [Double], rows: Int, columns: Int, xs: [Double], ys: [Double], levels: [Double], colormap: Colormap,
        filled: Bool, width: Double)
}

/// Dash patterns of matplotlib's line styles, in multiples of the line width.
public enum LineStyle {
    public static func dash(_ style: String) -> [Double]? {
        switch style {
        case "-", "solid", "": return []
        case "--", "dashed": return [3.7, 1.6]
        case ":", "dotted": return [1, 1.65]
        case "-.", "dashdot": return [6.4, 1.6, 1, 1.6]
        default: return nil
        }
    }
}

/// The places a legend can be asked for by name (matplotlib's `loc`).
public enum AxesLocations {
    public static var names: [String] { AxesRenderer.legendLocations.map(\.0) }
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
    /// Where the legend goes: "best" (where it covers the fewest data points, as matplotlib),
    /// or "upper right", "upper left", "lower left", "lower right", "center right", ….
    public var legendLocation = "best"
    public var grid = true
    /// False draws the data alone: no frame, ticks or tick labels (matplotlib's `axis("off")`).
    public var showAxes = true
    public var xLimits: (Double, Double)?
    public var yLimits: (Double, Double)?
    /// Tick labels given by name (categorical bars) at these x positions.
    public var xTickLabels: [(Double, String)]?
    /// A second y axis on the right sharing this one's x axis (matplotlib's `twinx()`): its own
    /// series, y scale, limits and label; its legend entries join this axes' legend.
    public var twin: Axes?
    /// A colour scale beside the plot: the colormap over lo…hi, with a label.
    public var colorbar: (colormap: Colormap, lo: Double, hi: Double, label: String?)?
    /// Where the last render put the plot area (left, top, right, bottom, in pixels) and the data
    /// range it shows (x0, x1, y0, y1): for tests and for placing annotations.
    public internal(set) var plotArea: (left: Double, top: Double, right: Double, bottom: Double)?
    public internal(set) var dataRange: (x0: Double, x1: Double, y0: Double, y1: Double)?
    /// Where the last render put the legend box (left, top, right, bottom), when it drew one.
    public internal(set) var legendBox: (Double, Double, Double, Double)?

    public init() {}

    public var isEmpty: Bool { series.isEmpty && title == nil && twin?.isEmpty != false }
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

    /// An image on integer axes (no extent): square cells, row 0 at the top.
    var isImage: Bool {
        axes.series.contains { if case .image(_, _, _, _, _, nil) = $0 { return true } else { return false } }
    }
    var barLabels: [String]? {
        for s in axes.series { if case .barsH(_, let labels, _) = s { return labels } }
        return nil
    }

    /// Data limits with matplotlib's 5% margins (none for images and contours; bars start at 0).
    func limits() -> (Double, Double, Double, Double) {
        var xs: [Double] = [], ys: [Double] = []
        var tightX = false, tightY = false, zeroX = false, zeroY = false
        func keep(_ v: [Double], _ scale: Scale) -> [Double] {
            v.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        }
        for s in axes.series {
            switch s {
            case .line(let x, let y, _, _, _, _, _, let yerr):
                xs += keep(x, axes.xScale)
                ys += keep(y, axes.yScale)
                if let yerr { ys += keep(zip(y, yerr).flatMap { [$0 - $1, $0 + $1] }, axes.yScale) }
            case .scatter(let x, let y, _, _, _, _, _):
                xs += keep(x, axes.xScale)
                ys += keep(y, axes.yScale)
            case .image(_, let rows, let columns, _, _, let extent):
                guard let (l, r, b, t) = extent else {
                    return (-0.5, Double(columns) - 0.5, Double(rows) - 0.5, -0.5)
                }
                xs += [l, r]
                ys += [b, t]
                (tightX, tightY) = (true, true)
            case .barsH(let values, _, _):
                xs += values + [0]
                ys += [-0.6, Double(values.count) - 0.4]
            case .bars(let x, let heights, let bottoms, let width, _, _, _):
                xs += keep(x.flatMap { [$0 - width / 2, $0 + width / 2] }, axes.xScale)
                ys += keep(zip(heights, bottoms).flatMap { [$1, $0 + $1] }, axes.yScale)
                zeroY = true
            case .band(let x, let lower, let upper, _, _, _):
                xs += keep(x, axes.xScale)
                ys += keep(lower + upper, axes.yScale)
            case .reference: break
            case .text(let x, let y, _, _, _, let from):
                xs += keep([x] + (from.map { [$0.0] } ?? []), axes.xScale)
                ys += keep([y] + (from.map { [$0.1] } ?? []), axes.yScale)
            case .contours(_, _, _, let x, let y, _, _, _, _):
                xs += keep(x, axes.xScale)
                ys += keep(y, axes.yScale)
                (tightX, tightY) = (true, true)
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
                let m = pad ? (b - a) * 0.05 : 0
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
        var (x0, x1) = span(xs, axes.xScale, pad: !tightX)
        var (y0, y1) = span(ys, axes.yScale, pad: !isBars && !tightY)
        if isBars || zeroX { x0 = min(x0, 0) }
        // Vertical bars stand on the axis (matplotlib's sticky edge at 0).
        if zeroY, let lo = ys.min(), lo >= 0 { y0 = 0 }
        if let l = axes.xLimits { (x0, x1) = l }
        if let l = axes.yLimits { (y0, y1) = l }
        return (x0, x1, y0, y1)
    }

    func draw() {
        let (fl, ft, fr, fb) = frame
        var (x0, x1, y0, y1) = limits()
        let tick = Figure.tickSize, pad = axes.showAxes ? 4.0 : 0, tickLength = axes.showAxes ? 5.0 : 0
        let lineH = axes.showAxes ? Canvas.measure("0", size: tick).1 : 0
        // Ticks and their labels; large or tiny numbers get a shared multiplier (×1e6).
        var xTicks: [Double], xLabels: [String], yTicks: [Double], yLabels: [String]
        var xOffset: String?, yOffset: String?
        // About one tick per 70 pixels across and 45 down (8 at most, as matplotlib's locator).
        let xTarget = min(8, max(3, Int((fr - fl - 90) / 70))), yTarget = min(8, max(3, Int((fb - ft - 70) / 45)))
        let twin = axes.twin
        var twinRange: (Double, Double)?, twinTicks: [Double] = [], twinLabels: [String] = [], twinOffset: String?
        if let twin {
            let (tx0, tx1, ty0, ty1) = AxesRenderer(axes: twin, canvas: canvas, frame: frame).limits()
            if axes.xLimits == nil && !twin.series.isEmpty {
                if axes.series.isEmpty { (x0, x1) = (tx0, tx1) } else { (x0, x1) = (min(x0, tx0), max(x1, tx1)) }
            }
            twinRange = (ty0, ty1)
            (twinTicks, twinLabels, twinOffset) = ticks(ty0, ty1, twin.yScale, target: yTarget)
        }
        if isImage {
            (xTicks, xLabels) = imageTicks(x0, x1)
            (yTicks, yLabels) = imageTicks(y1, y0)
        } else {
            (xTicks, xLabels, xOffset) = ticks(x0, x1, axes.xScale, target: xTarget)
            if let labels = barLabels {
                yTicks = labels.indices.map(Double.init)
                yLabels = labels
            } else {
                (yTicks, yLabels, yOffset) = ticks(y0, y1, axes.yScale, target: yTarget)
            }
        }
        if let named = axes.xTickLabels {
            (xTicks, xLabels, xOffset) = (named.map(\.0), named.map(\.1), nil)
        }
        let yLabelWidth = axes.showAxes ? yLabels.map { Canvas.measure($0, size: tick).0 }.max() ?? 0 : 0
        // A title or x label set after twinx() belongs to the pair.
        let title = axes.title ?? axes.twin?.title, xLabel = axes.xLabel ?? axes.twin?.xLabel
        let xLabelH = xLabel == nil ? 0 : Canvas.measure("Ag", size: Figure.labelSize).1 + 4
        let yLabelW = axes.yLabel == nil ? 0 : Canvas.measure("Ag", size: Figure.labelSize).1 + 6
        // A colour bar: 18 gap, 14 bar, tick labels, and its label when it has one.
        let colorbarW =
            axes.colorbar.map { bar in
                let (v, step) = Ticks.linear(bar.lo, bar.hi, target: 6)
                let widest =
                    Ticks.labelsWithMultiplier(v, step: step).0.map { Canvas.measure($0, size: Figure.tickSize).0 }
                    .max() ?? 0
                return 18 + 14 + 7 + widest
                    + (bar.label == nil ? 0 : 6 + Canvas.measure("Ag", size: Figure.labelSize).1)
            } ?? 0
        var left = fl + 10 + yLabelW + yLabelWidth + pad + tickLength
        let twinW =
            twin == nil
            ? 0
            : pad + tickLength + (twinLabels.map { Canvas.measure($0, size: tick).0 }.max() ?? 0)
                + (twin?.yLabel == nil ? 0 : Canvas.measure("Ag", size: Figure.labelSize).1 + 6)
        var right =
            fr - colorbarW - twinW
            - (axes.showAxes ? max(14, (xLabels.last.map { Canvas.measure($0, size: tick).0 / 2 } ?? 0) + 4) : 10)
        // A title wider than the axes wraps onto more lines (at most three; the last is cut with …).
        let titleLines = title.map { wrap($0, width: right - left, size: Figure.titleSize) } ?? []
        let titleLineH = Canvas.measure("Ag", size: Figure.titleSize).1
        let offsetH = yOffset == nil && twinOffset == nil ? 0 : lineH + 2
        let titleH = titleLines.isEmpty ? 0 : Double(titleLines.count) * titleLineH + 8
        var top = ft + 10 + titleH + offsetH
        var bottom = fb - 8 - xLabelH - lineH - pad - tickLength - (xOffset == nil ? 0 : lineH + 2)
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
        if axes.grid && !isImage && !hasFilledArea {
            for t in xTicks { canvas.fillRect(px(t).rounded(.down), top, px(t).rounded(.down) + 1, bottom, gridColor) }
            if barLabels == nil {
                for t in yTicks {
                    canvas.fillRect(left, py(t).rounded(.down), right, py(t).rounded(.down) + 1, gridColor)
                }
            }
        }
        // Data, in the order drawn; each series without a colour takes the next of the cycle
        // (a twin axes has its own cycle and y scale, as in matplotlib).
        var legend: [LegendEntry] = []
        var points: [(Double, Double)] = []  // every data point drawn, for the legend's placement
        let clip = (left, top, right, bottom)
        func drawSeries(_ list: [Series], py: (Double) -> Double, logY: Bool, y0: Double, y1: Double) {
            var cycle = 0
            func nextColor(_ c: Color?) -> Color {
                if let c { return c }
                defer { cycle += 1 }
                return Color.cycle[cycle % Color.cycle.count]
            }
            func visible(_ x: Double, _ y: Double) -> Bool {
                x.isFinite && y.isFinite && (!logX || x > 0) && (!logY || y > 0)
            }
            for s in list {
                switch s {
                case .line(let xs, let ys, let color, let width, let label, let dash, let marker, let yerr):
                    let c = nextColor(color)
                    if width > 0 {
                        var run: [(Double, Double)] = []
                        for (x, y) in zip(xs, ys) {
                            if visible(x, y) {
                                run.append((px(x), py(y)))
                            } else {
                                stroke(run, width: width, dash: dash, color: c, clip: clip)
                                run = []
                            }
                        }
                        stroke(run, width: width, dash: dash, color: c, clip: clip)
                    }
                    if let yerr {
                        // Error bars: a vertical line and caps at each point (matplotlib's errorbar).
                        for (i, (x, y)) in zip(xs, ys).enumerated() where i < yerr.count && visible(x, y) {
                            let e = yerr[i], lo = py(y - e), hi = py(y + e), cx = px(x)
                            guard lo.isFinite, hi.isFinite else { continue }
                            canvas.strokePolyline([(cx, lo), (cx, hi)], width: 1.5, color: c, clip: clip)
                            canvas.strokePolyline([(cx - 3, lo), (cx + 3, lo)], width: 1.5, color: c, clip: clip)
                            canvas.strokePolyline([(cx - 3, hi), (cx + 3, hi)], width: 1.5, color: c, clip: clip)
                        }
                    }
                    for (x, y) in zip(xs, ys) where visible(x, y) {
                        let (cx, cy) = (px(x), py(y))
                        points.append((cx, cy))
                        if marker > 0 && cx >= left - marker && cx <= right + marker && cy >= top - marker
                            && cy <= bottom + marker
                        {
                            canvas.fillCircle(cx, cy, radius: marker, c)
                        }
                    }
                    if let label {
                        legend.append(LegendEntry(label: label, color: c, line: width, dash: dash, marker: marker))
                    }
                case .scatter(let xs, let ys, let color, let radius, let label, let colors, let radii):
                    let c = colors == nil ? nextColor(color) : (color ?? Color.cycle[0])
                    for (i, (x, y)) in zip(xs, ys).enumerated() where visible(x, y) {
                        let (cx, cy) = (px(x), py(y))
                        let r = radii.map { i < $0.count ? $0[i] : radius } ?? radius
                        points.append((cx, cy))
                        if cx >= left - r && cx <= right + r && cy >= top - r && cy <= bottom + r {
                            canvas.fillCircle(cx, cy, radius: r, colors.map { i < $0.count ? $0[i] : c } ?? c)
                        }
                    }
                    if let label { legend.append(LegendEntry(label: label, color: c, marker: 3.5)) }
                case .image(let values, let rows, let columns, let colormap, let range, let extent):
                    let finite = values.filter(\.isFinite)
                    let lo = range?.0 ?? finite.min() ?? 0, hi = range?.1 ?? finite.max() ?? 1
                    // Cell edges on device-pixel boundaries: neighbours meet without a seam.
                    let (l, r, b, t) = extent ?? (-0.5, Double(columns) - 0.5, Double(rows) - 0.5, -0.5)
                    let dx = (r - l) / Double(columns), dy = (t - b) / Double(rows)
                    for row in 0..<rows {
                        let ya = canvas.snap(py(t - Double(row) * dy)), yb = canvas.snap(py(t - Double(row + 1) * dy))
                        for col in 0..<columns {
                            let xa = canvas.snap(px(l + Double(col) * dx)),
                                xb = canvas.snap(px(l + Double(col + 1) * dx))
                            let v = values[row * columns + col]
                            canvas.fillRect(xa, ya, xb, yb, colormap.color(v, lo: lo, hi: hi))
                        }
                    }
                case .barsH(let values, _, let color):
                    let c = nextColor(color)
                    for (i, v) in values.enumerated() where v.isFinite {
                        canvas.fillRect(px(0), py(Double(i) + 0.4), px(v), py(Double(i) - 0.4), c)
                    }
                case .bars(let xs, let heights, let bottoms, let width, let color, let label, let alpha):
                    let c = nextColor(color).withAlpha(alpha)
                    for (i, x) in xs.enumerated() where i < heights.count && heights[i].isFinite && x.isFinite {
                        let b = i < bottoms.count ? bottoms[i] : 0
                        let (xa, xb) = (canvas.snap(px(x - width / 2)), canvas.snap(px(x + width / 2)))
                        let (ya, yb) = (py(b + heights[i]), py(b))
                        guard ya.isFinite, yb.isFinite else { continue }
                        canvas.fillRect(
                            max(xa, left), max(min(ya, yb), top), min(xb, right), min(max(ya, yb), bottom), c)
                        points += [((xa + xb) / 2, ya), (xa, ya), (xb, ya)]
                    }
                    if let label { legend.append(LegendEntry(label: label, color: c, patch: true)) }
                case .band(let xs, let lower, let upper, let color, let alpha, let label):
                    let c = nextColor(color).withAlpha(alpha)
                    fillBand(xs, lower, upper, color: c, px: px, py: py, clip: clip)
                    for (x, y) in zip(xs, upper) where visible(x, y) { points.append((px(x), py(y))) }
                    if let label { legend.append(LegendEntry(label: label, color: c, patch: true)) }
                case .reference(let value, let vertical, let color, let width, let dash, let label):
                    let c = nextColor(color)
                    let line =
                        vertical ? [(px(value), top), (px(value), bottom)] : [(left, py(value)), (right, py(value))]
                    if line.allSatisfy({ $0.0.isFinite && $0.1.isFinite }) {
                        stroke(line, width: width, dash: dash, color: c, clip: clip)
                    }
                    if let label { legend.append(LegendEntry(label: label, color: c, line: width, dash: dash)) }
                case .text(let x, let y, let text, let color, let size, let from):
                    let c = color ?? Color(0, 0, 0)
                    if let (fx, fy) = from {
                        let (tx, ty, ax, ay) = (px(fx), py(fy), px(x), py(y))
                        canvas.text(text, x: tx, y: ty, size: size, color: c, alignX: 0.5, alignY: 0.5)
                        let (w, h) = Canvas.measure(text, size: size)
                        arrow(from: edgePoint(tx, ty, w: w + 6, h: h + 4, toward: (ax, ay)), to: (ax, ay), color: c)
                        points.append((tx, ty))
                    } else {
                        canvas.text(text, x: px(x), y: py(y), size: size, color: c, alignX: 0, alignY: 0.5)
                        points.append((px(x), py(y)))
                    }
                case .contours(
                    let values, let rows, let columns, let xs, let ys, let levels, let colormap, let filled, let w):
                    let grid = Grid(values: values, rows: rows, columns: columns, xs: xs, ys: ys)
                    if filled {
                        // Each device pixel takes the band of the value interpolated at its centre.
                        canvas.fillPixels(left: left, top: top, right: right, bottom: bottom) { cx, cy in
                            let x = x0 + (cx - left) / (right - left) * (x1 - x0)
                            let y = y0 + (bottom - cy) / (bottom - top) * (y1 - y0)
                            guard let v = grid.value(x, y), let band = Contour.band(v, levels) else { return nil }
                            return colormap.color((Double(band) + 0.5) / Double(levels.count - 1))
                        }
                    } else {
                        for (k, level) in levels.enumerated() {
                            let segments = Contour.segments(grid, level: level).map {
                                ((px($0.0.0), py($0.0.1)), (px($0.1.0), py($0.1.1)))
                            }
                            let t = levels.count > 1 ? Double(k) / Double(levels.count - 1) : 0.5
                            canvas.strokeSegments(segments, width: w, color: colormap.color(t), clip: clip)
                        }
                    }
                }
            }
        }
        drawSeries(axes.series, py: py, logY: logY, y0: y0, y1: y1)
        if let twin, let (ty0, ty1) = twinRange {
            let twinLog = twin.yScale == .log
            let (u0, u1) = twinLog ? (log10(ty0), log10(ty1)) : (ty0, ty1)
            drawSeries(
                twin.series,
                py: { bottom - ((twinLog ? log10($0) : $0) - u0) / (u1 - u0) * (bottom - top) }, logY: twinLog,
                y0: u0, y1: u1)
        }
        // Spines, ticks and labels.
        let ink = Color(0, 0, 0)
        let (l, t, r, b) = (left.rounded(.down), top.rounded(.down), right.rounded(.down), bottom.rounded(.down))
        for (i, line) in titleLines.enumerated() {
            canvas.text(
                line, x: (left + right) / 2, y: top - 6 - offsetH - Double(titleLines.count - 1 - i) * titleLineH,
                size: Figure.titleSize, alignX: 0.5, alignY: 1)
        }
        if (axes.showLegend || twin?.showLegend == true) && !legend.isEmpty {
            drawLegend(legend, area: (left, top, right, bottom), points: points)
        }
        if let bar = axes.colorbar {
            drawColorbar(bar, left: right + 18, top: top, bottom: bottom, right: right + colorbarW)
        }
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
        // The multiplier of the tick labels, where matplotlib writes it.
        if let yOffset { canvas.text(yOffset, x: l, y: t - 4, size: tick, alignX: 0, alignY: 1) }
        if let xOffset {
            canvas.text(xOffset, x: r, y: b + 1 + tickLength + pad + lineH + 2, size: tick, alignX: 1, alignY: 0)
        }
        if let xl = xLabel {
            canvas.text(
                xl, x: (left + right) / 2, y: b + 1 + tickLength + pad + lineH + 2 + (xOffset == nil ? 0 : lineH + 2),
                size: Figure.labelSize, alignX: 0.5, alignY: 0)
        }
        if let yl = axes.yLabel {
            canvas.text(
                yl, x: fl + 8 + yLabelW / 2, y: (top + bottom) / 2, size: Figure.labelSize, alignX: 0.5, alignY: 0.5,
                angle: 90)
        }
        // The twin's y axis on the right spine.
        if let twin, let (ty0, ty1) = twinRange {
            let twinLog = twin.yScale == .log
            let (u0, u1) = twinLog ? (log10(ty0), log10(ty1)) : (ty0, ty1)
            for (v, label) in zip(twinTicks, twinLabels) {
                let y = (bottom - ((twinLog ? log10(v) : v) - u0) / (u1 - u0) * (bottom - top)).rounded(.down)
                guard y >= t - 0.5 && y <= b + 0.5 else { continue }
                canvas.fillRect(r + 1, y, r + 1 + tickLength, y + 1, ink)
                canvas.text(label, x: r + 1 + tickLength + pad, y: y + 0.5, size: tick, alignX: 0, alignY: 0.5)
            }
            if let twinOffset { canvas.text(twinOffset, x: r, y: t - 4, size: tick, alignX: 1, alignY: 1) }
            if let yl = twin.yLabel {
                canvas.text(
                    yl, x: r + twinW - Canvas.measure("Ag", size: Figure.labelSize).1 / 2 - 2, y: (top + bottom) / 2,
                    size: Figure.labelSize, alignX: 0.5, alignY: 0.5, angle: 90)
            }
        }
    }

    /// Whether a series covers the plot area (filled contours): no grid under it.
    var hasFilledArea: Bool {
        axes.series.contains {
            if case .contours(_, _, _, _, _, _, _, true, _) = $0 { return true } else { return false }
        }
    }

    /// A polyline, solid or dashed: `dash` (on, off, …) in multiples of the line width.
    func stroke(
        _ points: [(Double, Double)], width: Double, dash: [Double], color: Color,
        clip: (Double, Double, Double, Double)
    ) {
        guard !dash.isEmpty else { return canvas.strokePolyline(points, width: width, color: color, clip: clip) }
        let pattern = dash.map { max(0.1, $0 * width) }
        var pieces: [[(Double, Double)]] = []
        var current: [(Double, Double)] = []
        var k = 0, left = pattern[0]
        var on = true
        for i in 0..<max(0, points.count - 1) {
            var (ax, ay) = points[i]
            let (bx, by) = points[i + 1]
            var length = ((bx - ax) * (bx - ax) + (by - ay) * (by - ay)).squareRoot()
            if on && current.isEmpty { current = [(ax, ay)] }
            while length > left {
                let t = left / length
                let (mx, my) = (ax + (bx - ax) * t, ay + (by - ay) * t)
                if on {
                    current.append((mx, my))
                    pieces.append(current)
                    current = []
                } else {
                    current = [(mx, my)]
                }
                on.toggle()
                length -= left
                (ax, ay) = (mx, my)
                k = (k + 1) % pattern.count
                left = pattern[k]
            }
            left -= length
            if on { current.append((bx, by)) }
        }
        if on && current.count > 1 { pieces.append(current) }
        for piece in pieces { canvas.strokePolyline(piece, width: width, color: color, clip: clip) }
    }

    /// The area between two curves, pixel column by column (each column at its centre), so no
    /// column is blended twice.
    func fillBand(
        _ xs: [Double], _ lower: [Double], _ upper: [Double], color: Color, px: (Double) -> Double,
        py: (Double) -> Double, clip: (Double, Double, Double, Double)
    ) {
        let (left, top, right, bottom) = clip
        let n = min(xs.count, lower.count, upper.count)
        guard n >= 2 else { return }
        var i = 0
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
                if y1 > y0 { canvas.fillRect(from, y0, to, y1, color) }
            }
            column += 1
        }
    }

    /// A line with a filled arrowhead at `to`.
    func arrow(from: (Double, Double), to: (Double, Double), color: Color) {
        let (dx, dy) = (to.0 - from.0, to.1 - from.1)
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 1 else { return }
        let (ux, uy) = (dx / length, dy / length)
        canvas.strokePolyline([from, to], width: 1.2, color: color)
        canvas.strokePolyline(
            [(to.0 - 8 * ux + 4 * uy, to.1 - 8 * uy - 4 * ux), to, (to.0 - 8 * ux - 4 * uy, to.1 - 8 * uy + 4 * ux)],
            width: 1.2, color: color)
    }

    /// Where a line from the centre of a w × h box towards `point` leaves the box.
    func edgePoint(_ cx: Double, _ cy: Double, w: Double, h: Double, toward point: (Double, Double)) -> (Double, Double)
    {
        let (dx, dy) = (point.0 - cx, point.1 - cy)
        guard dx != 0 || dy != 0 else { return (cx, cy) }
        let t = min(dx == 0 ? .infinity : w / 2 / abs(dx), dy == 0 ? .infinity : h / 2 / abs(dy))
        return t >= 1 ? (cx, cy) : (cx + dx * t, cy + dy * t)
    }

    /// Words of `text` on lines no wider than `width` (at most three; an overlong last line is
    /// cut with an ellipsis).
    func wrap(_ text: String, width: Double, size: Double) -> [String] {
        // Most titles fit: one measurement (each costs a FreeType layout).
        if Canvas.measure(text, size: size).0 <= width { return [text] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if Canvas.measure(candidate, size: size).0 <= width || line.isEmpty {
                line = candidate
            } else {
                lines.append(line)
                line = word
            }
        }
        lines.append(line)
        if lines.count > 3 { lines = Array(lines[..<2]) + [lines[2...].joined(separator: " ")] }
        return lines.map { l in
            var l = l
            while Canvas.measure(l, size: size).0 > width && l.count > 1 {
                l = String(l.dropLast(l.hasSuffix("…") ? 2 : 1)) + "…"
            }
            return l
        }
    }

    func ticks(_ lo: Double, _ hi: Double, _ scale: Scale, target: Int) -> ([Double], [String], String?) {
        if scale == .log {
            let v = Ticks.log(lo, hi)
            return (v, v.map(Ticks.logLabel), nil)
        }
        let (v, step) = Ticks.linear(lo, hi, target: target)
        let (labels, offset) = Ticks.labelsWithMultiplier(v, step: step)
        return (v, labels, offset)
    }

    /// Integer pixel positions for image axes, every 5 (or more) cells.
    func imageTicks(_ lo: Double, _ hi: Double) -> ([Double], [String]) {
        let n = Int((hi - lo).rounded())
        let step = max(1, Int(Ticks.linear(0, Double(n), target: 5).step))
        let values = stride(from: 0, to: n, by: step).map(Double.init)
        return (values, values.map { String(Int($0)) })
    }

    /// A legend line: a line (of `line` width, 0 for none, dashed by `dash`), a marker of that
    /// radius, or a filled patch.
    struct LegendEntry {
        var label: String, color: Color, line = 0.0, dash: [Double] = [], marker = 0.0, patch = false
    }

    /// matplotlib's legend locations, in the order "best" tries them.
    static let legendLocations: [(String, Double, Double)] = [
        ("upper right", 1, 0), ("upper left", 0, 0), ("lower left", 0, 1), ("lower right", 1, 1),
        ("right", 1, 0.5), ("center left", 0, 0.5), ("center right", 1, 0.5), ("lower center", 0.5, 1),
        ("upper center", 0.5, 0), ("center", 0.5, 0.5),
    ]

    func drawLegend(
        _ entries: [LegendEntry], area: (Double, Double, Double, Double), points: [(Double, Double)]
    ) {
        let (left, top, right, bottom) = area
        let size = Figure.tickSize
        let lineH = Canvas.measure("Ag", size: size).1 + 2
        let textW = entries.map { Canvas.measure($0.label, size: size).0 }.max() ?? 0
        let w = textW + 44, h = Double(entries.count) * lineH + 10
        func box(_ fx: Double, _ fy: Double) -> (Double, Double) {
            (left + 8 + (right - left - 16 - w) * fx, top + 8 + (bottom - top - 16 - h) * fy)
        }
        // "best": the place covering the fewest data points (the first such, as matplotlib).
        var (x0, y0) = box(1, 0)
        if let fixed = Self.legendLocations.first(where: { $0.0 == axes.legendLocation }) {
            (x0, y0) = box(fixed.1, fixed.2)
        } else {
            var fewest = Int.max
            for (_, fx, fy) in Self.legendLocations {
                let (bx, by) = box(fx, fy)
                let covered = points.filter { $0.0 >= bx && $0.0 <= bx + w && $0.1 >= by && $0.1 <= by + h }.count
                if covered < fewest {
                    fewest = covered
                    (x0, y0) = (bx, by)
                }
            }
        }
        axes.legendBox = (x0, y0, x0 + w, y0 + h)
        canvas.fillRect(x0, y0, x0 + w, y0 + h, Color(255, 255, 255, alpha: 0.85))
        let edge = Color(204, 204, 204)
        canvas.fillRect(x0, y0, x0 + w, y0 + 1, edge)
        canvas.fillRect(x0, y0 + h - 1, x0 + w, y0 + h, edge)
        canvas.fillRect(x0, y0, x0 + 1, y0 + h, edge)
        canvas.fillRect(x0 + w - 1, y0, x0 + w, y0 + h, edge)
        for (i, e) in entries.enumerated() {
            let cy = y0 + 5 + (Double(i) + 0.5) * lineH
            if e.patch {
                canvas.fillRect(x0 + 8, cy - lineH * 0.3, x0 + 32, cy + lineH * 0.3, e.color)
            }
            if e.line > 0 {
                stroke(
                    [(x0 + 8, cy), (x0 + 32, cy)], width: min(e.line, 4), dash: e.dash, color: e.color,
                    clip: (x0, y0, x0 + w, y0 + h))
            }
            if e.marker > 0 { canvas.fillCircle(x0 + 20, cy, radius: min(e.marker, 5), e.color) }
            canvas.text(e.label, x: x0 + 38, y: cy, size: size, alignX: 0, alignY: 0.5)
        }
    }

    /// A vertical colour scale with its ticks and label, right of the plot.
    func drawColorbar(
        _ bar: (colormap: Colormap, lo: Double, hi: Double, label: String?), left: Double, top: Double, bottom: Double,
        right: Double
    ) {
        let width = 14.0
        canvas.fillPixels(left: left, top: top, right: left + width, bottom: bottom) { _, y in
            bar.colormap.color(bar.hi > bar.lo ? (bottom - y) / (bottom - top) : 0.5)
        }
        let ink = Color(0, 0, 0)
        let (l, t, r, b) = (
            left.rounded(.down), top.rounded(.down), (left + width).rounded(.down), bottom.rounded(.down)
        )
        canvas.fillRect(l, t, r + 1, t + 1, ink)
        canvas.fillRect(l, b, r + 1, b + 1, ink)
        canvas.fillRect(l, t, l + 1, b + 1, ink)
        canvas.fillRect(r, t, r + 1, b + 1, ink)
        let (values, step) = Ticks.linear(bar.lo, bar.hi, target: 6)
        let (labels, offset) = Ticks.labelsWithMultiplier(values, step: step)
        for (v, label) in zip(values, labels) {
            let y = (bottom - (v - bar.lo) / (bar.hi - bar.lo) * (bottom - top)).rounded(.down)
            guard y >= t - 0.5 && y <= b + 0.5 else { continue }
            canvas.fillRect(r + 1, y, r + 5, y + 1, ink)
            canvas.text(label, x: r + 7, y: y + 0.5, size: Figure.tickSize, alignX: 0, alignY: 0.5)
        }
        if let offset { canvas.text(offset, x: l, y: t - 4, size: Figure.tickSize, alignX: 0, alignY: 1) }
        if let label = bar.label {
            canvas.text(
                label, x: right - Canvas.measure("Ag", size: Figure.labelSize).1 / 2, y: (top + bottom) / 2,
                size: Figure.labelSize, alignX: 0.5, alignY: 0.5, angle: 90)
        }
    }
}

/// An animated GIF from figures, `delay` in hundredths of a second per frame. It plays once and
/// rests on its last frame (no looping extension: WCAG 2.2.2 asks that motion stop).
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
            exactExtremes(palette)
            if i == 0 {
                // Loops −1: no NETSCAPE2.0 block, so the animation plays once.
                let begin = gdImageGifAnimBeginPtr(palette, &size, 1, -1)!
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

    /// libgd's quantiser moves pure white and black by a few levels ((252, 254, 252): a grey box
    /// around every frame); the palette entries nearest to them are put back exactly.
    static func exactExtremes(_ im: gdImagePtr) {
        let n = Int(im.pointee.colorsTotal)
        withUnsafeMutableBytes(of: &im.pointee.red) { red in
            withUnsafeMutableBytes(of: &im.pointee.green) { green in
                withUnsafeMutableBytes(of: &im.pointee.blue) { blue in
                    let r = red.bindMemory(to: Int32.self), g = green.bindMemory(to: Int32.self),
                        b = blue.bindMemory(to: Int32.self)
                    for target: Int32 in [255, 0] {
                        var best = -1, bestDistance = Int32.max
                        for k in 0..<n {
                            let d = abs(r[k] - target) + abs(g[k] - target) + abs(b[k] - target)
                            if d < bestDistance { (best, bestDistance) = (k, d) }
                        }
                        if best >= 0 && bestDistance <= 24 { (r[best], g[best], b[best]) = (target, target, target) }
                    }
                }
            }
        }
    }
}
