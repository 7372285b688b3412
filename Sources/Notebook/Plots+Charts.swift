import CellLanguage
import Foundation
import Plotting
import TensorEngine

/// The plotting calls beyond lines and points, with matplotlib's names and defaults: contours,
/// histograms, bars, error bars, reference lines, text and arrows, colour bars.
extension Plots {
    func defineCharts(in i: Interpreter) {
        let label = Param<String?>.string("label", optional: ()).labeled, color = Param<Color?>.color
        let cmap = Param<String>.string("cmap", default: "viridis").labeled
        let linestyle = Param<String>.string("linestyle", default: "-").labeled
        let linewidth = Param<Double>.double("linewidth", default: 1.5).labeled
        let values = { (name: String) in Param<Value>.any(name, type: "Tensor or [Double]") }

        for filled in [true, false] {
            let name = filled ? "contourf" : "contour"
            register(
                i, name,
                filled
                    ? "filled contours of z (rows × columns) over x (columns) and y (rows), 1-D or meshgrid; levels: a count or the boundaries"
                    : "contour lines of z over x and y, coloured through cmap; levels: a count or the values",
                values("x"), values("y"), Param<Tensor>.tensor("z", bindings),
                Param<Value?>.any("levels", optional: (), type: "Int or [Double]?").labeled, cmap, linewidth
            ) { xValue, yValue, z, levelsValue, cmap, width in
                guard z.rank == 2 else { throw TensorError("\(name): z must be 2-D, got shape \(z.shape)") }
                let (rows, columns) = (z.shape[0], z.shape[1])
                let xs = try Plots.gridAxis(xValue, "x", count: columns, along: 1, name: name)
                let ys = try Plots.gridAxis(yValue, "y", count: rows, along: 0, name: name)
                let zs = z.scalars
                let finite = zs.filter(\.isFinite)
                guard let lo = finite.min(), let hi = finite.max() else {
                    throw TensorError("\(name): z has no finite value")
                }
                var levels: [Double]
                switch levelsValue {
                case .int(let n)?:
                    guard (1...100).contains(n) else { throw TensorError("\(name): levels must be 1…100") }
                    levels = Contour.levels(lo, hi, count: n)
                case let v?:
                    levels = try Plots.numbers(v, "levels")
                    guard levels.count >= (filled ? 2 : 1), zip(levels, levels.dropFirst()).allSatisfy({ $0 < $1 })
                    else { throw TensorError("\(name): levels must increase (at least \(filled ? 2 : 1))") }
                case nil:
                    levels = Contour.levels(lo, hi, count: 7)  // matplotlib's MaxNLocator(7 + 1)
                }
                if !filled { levels = levels.filter { $0 >= lo && $0 <= hi } }
                let map = try Plots.colormap(cmap, name)
                self.current().series.append(
                    .contours(
                        values: zs, rows: rows, columns: columns, xs: xs, ys: ys, levels: levels, colormap: map,
                        filled: filled, width: width * 96 / 72))
                self.mappable = (map, levels.first ?? lo, levels.last ?? hi)
                return .nil
            }
        }
        register(
            i, "hist",
            "a histogram of x in equal bins (numpy's edges; the last bin holds its right edge); returns (counts, edges)",
            values("x"), Param<Int>.int("bins", default: 10).labeled,
            Param<Value?>.any("range", optional: (), type: "[Double]?").labeled,
            Param<Bool>.bool("density", default: false).labeled, color, label,
            Param<Double>.double("alpha", default: 1).labeled
        ) { xValue, bins, rangeValue, density, color, label, alpha in
            let xs = try Plots.numbers(xValue, "x").filter(\.isFinite)
            guard (1...10_000).contains(bins) else { throw TensorError("hist: bins must be 1…10000") }
            var (lo, hi) = (xs.min() ?? 0, xs.max() ?? 1)
            if let rangeValue {
                let r = try Plots.numbers(rangeValue, "range")
                guard r.count == 2, r[0] < r[1], r.allSatisfy(\.isFinite) else {
                    throw TensorError("hist: range is [low, high] with low below high")
                }
                (lo, hi) = (r[0], r[1])
            }
            if lo == hi { (lo, hi) = (lo - 0.5, hi + 0.5) }
            // NOTE: numpy's histogram: edges lo + i·(hi − lo)/bins; a value's bin is found by
            // its position, and the last bin is closed on the right.
            let edges = (0...bins).map { lo + Double($0) * (hi - lo) / Double(bins) }
            var counts = [Double](repeating: 0, count: bins)
            for x in xs where x >= lo && x <= hi {
                var k = min(bins - 1, Int(((x - lo) / (hi - lo) * Double(bins)).rounded(.down)))
                if k + 1 < edges.count && x >= edges[k + 1] && k + 1 < bins { k += 1 }
                if x < edges[k] && k > 0 { k -= 1 }
                counts[k] += 1
            }
            let width = (hi - lo) / Double(bins)
            let heights = density ? counts.map { $0 / (Double(xs.count) * width) } : counts
            guard (0...1).contains(alpha) else { throw TensorError("hist: alpha must be from 0 to 1") }
            self.current().series.append(
                .bars(
                    xs: edges.dropLast().map { $0 + width / 2 }, heights: heights,
                    bottoms: [Double](repeating: 0, count: bins), width: width, color: color, label: label, alpha: alpha
                ))
            return .tuple([.array(heights.map { .double($0) }), .array(edges.map { .double($0) })])
        }
        register(
            i, "bar", "vertical bars at x (numbers, or names shown as tick labels) of the given heights",
            Param<Value>.any("x", type: "[Double] or [String]"), values("height"),
            Param<Double>.double("width", default: 0.8).labeled,
            Param<Value?>.any("bottom", optional: (), type: "Double or [Double]?").labeled, color, label
        ) { xValue, heightValue, width, bottomValue, color, label in
            let heights = try Plots.numbers(heightValue, "height")
            var xs: [Double]
            let ax = self.current()
            if case .array(let items) = xValue, items.contains(where: { if case .string = $0 { true } else { false } })
            {
                xs = items.indices.map(Double.init)
                ax.xTickLabels = zip(xs, items.map(\.printed)).map { ($0, $1) }
            } else {
                xs = try Plots.numbers(xValue, "x")
            }
            guard xs.count == heights.count else {
                throw TensorError("bar: x has \(xs.count) values but height has \(heights.count)")
            }
            var bottoms = [Double](repeating: 0, count: xs.count)
            if let bottomValue {
                if let b = bottomValue.asNumber {
                    bottoms = [Double](repeating: b, count: xs.count)
                } else {
                    bottoms = try Plots.numbers(bottomValue, "bottom")
                    guard bottoms.count == xs.count else { throw TensorError("bar: bottom needs \(xs.count) values") }
                }
            }
            guard width > 0, width.isFinite else { throw TensorError("bar: width must be positive") }
            ax.series.append(
                .bars(xs: xs, heights: heights, bottoms: bottoms, width: width, color: color, label: label))
            return .nil
        }
        register(
            i, "errorbar", "points with ± yerr bars (format as plot's, a line by default)", values("x"), values("y"),
            values("yerr"), Param<String>.string("fmt", default: "-").labeled, color, label
        ) { xValue, yValue, errValue, fmt, color, label in
            let xs = try Plots.numbers(xValue, "x"), ys = try Plots.numbers(yValue, "y")
            var errors = try Plots.numbers(errValue, "yerr")
            if errors.count == 1 { errors = [Double](repeating: errors[0], count: ys.count) }
            guard xs.count == ys.count, errors.count == ys.count else {
                throw TensorError(
                    "errorbar: x, y and yerr need the same number of values (\(xs.count), \(ys.count), \(errors.count))"
                )
            }
            let style = try Plots.format(fmt, linestyle: nil)
            self.current().series.append(
                .line(
                    xs: xs, ys: ys, color: color ?? style.color, width: style.line ? 2 : 0, label: label,
                    dash: style.dash, marker: style.marker, yerr: errors))
            return .nil
        }
        for (name, vertical) in [("axhline", false), ("axvline", true)] {
            register(
                i, name, "a \(vertical ? "vertical" : "horizontal") line across the axes at \(vertical ? "x" : "y")",
                Param<Double>.double(vertical ? "x" : "y", default: 0), color, linestyle, linewidth, label
            ) { value, color, style, width, label in
                guard let dash = LineStyle.dash(style) else {
                    throw TensorError("\(name): linestyle must be \"-\", \"--\", \":\" or \"-.\"")
                }
                self.current().series.append(
                    .reference(
                        value: value, vertical: vertical, color: color ?? Color(0, 0, 0), width: width * 96 / 72,
                        dash: dash, label: label))
                return .nil
            }
        }
        register(
            i, "text", "text at (x, y) in data coordinates, starting there", Param<Double>.double("x"),
            Param<Double>.double("y"), Param<String>.string("s"), color,
            Param<Double>.double("fontsize", default: 10).labeled
        ) { x, y, text, color, size in
            guard (4...72).contains(size) else { throw TensorError("text: fontsize must be 4…72 points") }
            self.current().series.append(.text(x: x, y: y, text: text, color: color, size: size, arrowFrom: nil))
            return .nil
        }
        register(
            i, "annotate", "text at xytext with an arrow to the point xy (data coordinates)",
            Param<String>.string("text"),
            values("xy").labeled, values("xytext").labeled, color, Param<Double>.double("fontsize", default: 10).labeled
        ) { text, xyValue, fromValue, color, size in
            let xy = try Plots.numbers(xyValue, "xy"), from = try Plots.numbers(fromValue, "xytext")
            guard xy.count == 2, from.count == 2 else { throw TensorError("annotate: xy and xytext are [x, y]") }
            self.current().series.append(
                .text(x: xy[0], y: xy[1], text: text, color: color, size: size, arrowFrom: (from[0], from[1])))
            return .nil
        }
        register(
            i, "twinx",
            "a second y axis on the right sharing the x axis: the calls after it draw on it (its own colours)"
        ) {
            let ax = self.current()
            guard ax.twin == nil else { throw TensorError("twinx: this axes has a twin already") }
            let twin = Axes()
            ax.twin = twin
            self.axes = twin
            return .nil
        }
        register(
            i, "colorbar", "the colour scale of the last image, contour or coloured scatter, beside the axes",
            Param<String?>.string("label", optional: ()).labeled
        ) { label in
            guard let (map, lo, hi) = self.mappable else {
                throw TensorError("colorbar: draw an image, contours or a scatter with c: first")
            }
            self.current().colorbar = (map, lo, hi, label)
            return .nil
        }
    }

    /// A colormap by matplotlib's name, or an error listing them.
    static func colormap(_ name: String, _ call: String) throws -> Colormap {
        guard let map = Colormap(name) else {
            throw TensorError(
                "\(call): unknown cmap \"\(name)\"; known: \(Colormap.names.joined(separator: ", ")) (and each with _r)"
            )
        }
        return map
    }

    /// A grid's coordinates along one axis: 1-D values, or a meshgrid (2-D) read along `along`.
    static func gridAxis(_ v: Value, _ what: String, count: Int, along: Int, name: String) throws -> [Double] {
        if case .object(let o as TensorObject) = v, o.tensor.rank == 2 {
            let t = o.tensor
            let values = t.scalars
            let line = along == 1 ? Array(values[0..<t.shape[1]]) : (0..<t.shape[0]).map { values[$0 * t.shape[1]] }
            guard line.count == count else {
                throw TensorError(
                    "\(name): \(what) has \(line.count) values along z's \(along == 1 ? "columns" : "rows") (\(count))")
            }
            return line
        }
        let line = try numbers(v, what)
        guard line.count == count else {
            throw TensorError(
                "\(name): \(what) has \(line.count) values but z has \(count) \(along == 1 ? "columns" : "rows")")
        }
        return line
    }

    /// A matplotlib format string ("o-", "r--", "k.") or line style: colour, marker radius, dash.
    static func format(
        _ f: String, linestyle: String?
    ) throws -> (color: Color?, marker: Double, line: Bool, dash: [Double]) {
        var rest = f
        var color: Color?
        if let c = rest.first(where: { "bgrcmykw".contains($0) }) {
            color = Color(String(c))
            rest.removeAll { $0 == c }
        }
        var marker = 0.0
        if rest.contains("o") { marker = 4 } else if rest.contains(".") && !rest.contains("-.") { marker = 2.5 }
        rest.removeAll { $0 == "o" }
        if marker == 2.5 { rest.removeAll { $0 == "." } }
        let style = linestyle ?? (rest.isEmpty ? (marker > 0 ? "none" : "-") : rest)
        if style == "none" || style == "None" || style == " " { return (color, marker, false, []) }
        guard let dash = LineStyle.dash(style) else {
            throw TensorError(
                "plot: format \"\(f)\" is not matplotlib's: a colour (b g r c m y k w), a marker (o .), a line style (- -- : -.)"
            )
        }
        return (color, marker, true, dash)
    }
}
