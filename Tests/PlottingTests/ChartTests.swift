import Foundation
import XCTest

@testable import Plotting

/// The figures' defects found by looking at them beside matplotlib, each pinned by pixels or by
/// values worked out by hand: seams, 2× output, dashes, legend placement, multipliers, wrapped
/// titles, colormaps, GIF playback and palette, contours, bars.
final class ChartTests: XCTestCase {
    /// Every pixel of a constant image is the same colour: no lighter seams where cells meet
    /// (cells 9.6 device pixels wide, each edge shared by two cells).
    func testImageCellsMeetWithoutSeams() {
        for scale in [1, 2] {
            let f = Figure(width: 303, height: 291)
            f.axes[0].series.append(
                .image(
                    values: [Double](repeating: 0.5, count: 28 * 28), rows: 28, columns: 28,
                    colormap: Colormap("viridis")!, range: (0, 1)))
            f.axes[0].showAxes = false
            let canvas = f.render(scale: scale)
            let area = f.axes[0].plotArea!
            var colours = Set<UInt32>()
            let s = Double(scale)
            for y in Int((area.top + 1) * s)..<Int((area.bottom - 1) * s) {
                for x in Int((area.left + 1) * s)..<Int((area.right - 1) * s) {
                    let c = canvas.pixel(x, y)
                    colours.insert(UInt32(c.r) << 16 | UInt32(c.g) << 8 | UInt32(c.b))
                }
            }
            XCTAssertEqual(colours.count, 1, "scale \(scale): \(colours.count) colours inside a constant image")
        }
    }

    /// At scale 2 the image has four times the pixels and the same drawing: a line crosses the
    /// same logical positions.
    func testScaleTwoDrawsTheSameFigureSharper() {
        let one = Canvas(width: 50, height: 40), two = Canvas(width: 50, height: 40, scale: 2)
        for c in [one, two] { c.fillRect(10, 10, 30, 20, .black) }
        XCTAssertEqual(two.width, 100)
        XCTAssertEqual(two.height, 80)
        XCTAssertEqual(one.pixel(10, 10), Color(0, 0, 0))
        XCTAssertEqual(two.pixel(20, 20), Color(0, 0, 0))
        XCTAssertEqual(two.pixel(59, 39), Color(0, 0, 0))
        XCTAssertEqual(two.pixel(60, 40), .white)
    }

    /// A dashed line ("--", 3.7 on and 1.6 off times the width) breaks into dashes along its row.
    func testDashedLinesHaveGaps() {
        let f = Figure(width: 400, height: 200)
        f.axes[0].series.append(
            .line(xs: [0, 1], ys: [0.5, 0.5], color: .black, width: 2, label: nil, dash: LineStyle.dash("--")!))
        f.axes[0].grid = false
        let canvas = f.render()
        let area = f.axes[0].plotArea!
        let y = Int((area.top + area.bottom) / 2)
        var runs = 0, inside = false
        for x in Int(area.left) + 3..<Int(area.right) - 3 {
            let dark = canvas.pixel(x, y).r < 128 || canvas.pixel(x, y - 1).r < 128
            if dark && !inside { runs += 1 }
            inside = dark
        }
        // The line spans about 324 px; a period is (3.7 + 1.6) × 2 = 10.6 px: about 30 dashes.
        let expected = (area.right - area.left) * 0.9 / 10.6
        XCTAssertEqual(Double(runs), expected, accuracy: 4, "\(runs) dashes")
        XCTAssertEqual(LineStyle.dash(":"), [1, 1.65])
        XCTAssertEqual(LineStyle.dash("-."), [6.4, 1.6, 1, 1.6])
        XCTAssertNil(LineStyle.dash("~"))
    }

    /// "best" puts the legend where it covers no data: points fill the upper right, so it goes
    /// elsewhere; an explicit location is obeyed.
    func testLegendAvoidsTheData() {
        let f = Figure(width: 400, height: 300)
        let ax = f.axes[0]
        let xs = (0..<40).map { 0.6 + Double($0 % 8) * 0.05 }, ys = (0..<40).map { 0.6 + Double($0 / 8) * 0.08 }
        ax.series.append(.scatter(xs: xs + [0, 1], ys: ys + [0, 1], color: nil, radius: 3, label: "data"))
        ax.showLegend = true
        _ = f.render()
        let area = ax.plotArea!, box = ax.legendBox!
        XCTAssertLessThan(box.0, (area.left + area.right) / 2, "not on the right: \(box)")
        ax.legendLocation = "upper right"
        _ = f.render()
        XCTAssertGreaterThan(ax.legendBox!.0, (area.left + area.right) / 2)
    }

    /// Large numbers: ticks in units of 10⁶ and "1e6" once, as matplotlib's ScalarFormatter.
    func testLargeTicksShareAMultiplier() {
        let (labels, offset) = Ticks.labelsWithMultiplier([0, 1e6, 2e6, 3e6], step: 1e6)
        XCTAssertEqual(labels, ["0", "1", "2", "3"])
        XCTAssertEqual(offset, "1e6")
        let small = Ticks.labelsWithMultiplier([0, 2e-5, 4e-5], step: 2e-5)
        XCTAssertEqual(small.0, ["0", "2", "4"])
        XCTAssertEqual(small.1, "1e\u{2212}5")
        XCTAssertNil(Ticks.labelsWithMultiplier([0, 0.5, 1], step: 0.5).1)
    }

    /// A title wider than its axes wraps: its ink reaches two lines, none past the figure.
    func testLongTitlesWrap() throws {
        let f = Figure(width: 300, height: 220)
        f.axes[0].title = "A title long enough that it cannot possibly fit on one line above this plot"
        f.axes[0].series.append(.line(xs: [0, 1], ys: [0, 1], color: nil, width: 2, label: nil))
        // Text is drawn by libgd when the PNG is made: read the encoded image.
        let image = try XCTUnwrap(decodeImage(f.render().png()))
        let top = f.axes[0].plotArea!.top
        func dark(_ x: Int, _ y: Int) -> Bool { image.pixels[y * image.width + x] >> 8 & 0xFF < 100 }
        let rows = (0..<Int(top) - 2).filter { y in (0..<image.width).contains { dark($0, y) } }
        let first = try XCTUnwrap(rows.first), last = try XCTUnwrap(rows.last)
        let lineHeight = Canvas.measure("Ag", size: Figure.titleSize).1
        XCTAssertGreaterThan(Double(last - first), lineHeight, "two lines of title")
        for y in rows { XCTAssertFalse(dark(0, y) || dark(image.width - 1, y), "title cut at the edge, row \(y)") }
    }

    /// matplotlib's published endpoints of viridis (#440154, #fde725) and greys; `_r` reverses.
    func testColormapsMatchMatplotlib() {
        let viridis = Colormap("viridis")!
        XCTAssertEqual(viridis.color(0), Color(0x44, 0x01, 0x54))
        XCTAssertEqual(viridis.color(1), Color(0xfd, 0xe7, 0x25))
        XCTAssertEqual(Colormap("viridis_r")!.color(0), Color(0xfd, 0xe7, 0x25))
        XCTAssertEqual(Colormap("gray")!.color(0), Color(0, 0, 0))
        XCTAssertEqual(Colormap("Greys")!.color(0), Color(255, 255, 255))
        XCTAssertNil(Colormap("nope"))
        XCTAssertTrue(["viridis", "Spectral", "RdBu", "coolwarm", "plasma"].allSatisfy(Colormap.names.contains))
    }

    /// The animation plays once (no looping block) and its white is white.
    func testGIFPlaysOnceWithAnExactPalette() throws {
        let frames = (0..<3).map { i -> Canvas in
            let f = Figure(width: 120, height: 90)
            f.axes[0].series.append(.line(xs: [0, 1], ys: [0, Double(i)], color: nil, width: 2, label: nil))
            return f.render()
        }
        let gif = GIF.encode(frames)
        XCTAssertNil(gif.range(of: Data("NETSCAPE2.0".utf8)), "no looping extension")
        let image = try XCTUnwrap(decodeImage(gif))
        XCTAssertEqual(image.pixels[0], 0xFFFFFF, "the corner is pure white")
    }

    /// Marching squares on z = x² + y² at level 1 finds points on the unit circle.
    func testContourLinesFollowTheLevel() {
        let axis = stride(from: -2.0, through: 2.0, by: 0.1).map { $0 }
        let values = axis.flatMap { y in axis.map { x in x * x + y * y } }
        let grid = Grid(values: values, rows: axis.count, columns: axis.count, xs: axis, ys: axis)
        let segments = Contour.segments(grid, level: 1)
        XCTAssertGreaterThan(segments.count, 40)
        for (a, _) in segments { XCTAssertEqual((a.0 * a.0 + a.1 * a.1).squareRoot(), 1, accuracy: 0.01) }
        XCTAssertEqual(Contour.band(0.5, [0, 1, 2]), 0)
        XCTAssertEqual(Contour.band(2, [0, 1, 2]), 1, "the top level belongs to the last band")
        XCTAssertNil(Contour.band(2.5, [0, 1, 2]))
        // matplotlib 3.11: MaxNLocator(8).tick_values(0.13, 0.92) and MaxNLocator(11).tick_values(0, 1).
        XCTAssertEqual(Contour.levels(0.13, 0.92, count: 7), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
        XCTAssertEqual(Contour.levels(0, 1, count: 10), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    }

    /// Vertical bars stand on y = 0 and fill their width.
    func testBarsStandOnTheAxis() {
        let f = Figure(width: 300, height: 200)
        f.axes[0].series.append(
            .bars(xs: [0, 1, 2], heights: [1, 2, 3], bottoms: [0, 0, 0], width: 0.8, color: .black, label: nil))
        let canvas = f.render()
        XCTAssertEqual(f.axes[0].dataRange!.y0, 0, "no margin below the bars")
        let area = f.axes[0].plotArea!
        let middle = (area.left + area.right) / 2
        XCTAssertEqual(canvas.pixel(Int(middle), Int(area.bottom) - 3), Color(0, 0, 0))
    }

    /// twinx: the twin's line spans the full height on its own scale (0…1000 against 0…1), its
    /// tick labels sit right of the plot area, and the plot area leaves room for them.
    func testTwinAxesHaveTheirOwnScaleOnTheRight() throws {
        let f = Figure(width: 400, height: 300)
        let ax = f.axes[0], twin = Axes()
        ax.series.append(.line(xs: [0, 1], ys: [0, 1], color: .black, width: 2, label: nil))
        twin.series.append(.line(xs: [0, 1], ys: [1000, 0], color: Color(255, 0, 0), width: 2, label: nil))
        ax.twin = twin
        let image = try XCTUnwrap(decodeImage(f.render().png()))
        let area = try XCTUnwrap(ax.plotArea)
        XCTAssertLessThan(area.right, 400 - 30, "room for the twin's labels")
        // Near the left edge the red line is near the top (1000 on its own axis), the black near the bottom.
        let x = Int(area.left + 0.06 * (area.right - area.left))
        let column = (Int(area.top)..<Int(area.bottom)).map { image.pixels[$0 * image.width + x] }
        let red = try XCTUnwrap(column.firstIndex { $0 >> 16 & 0xFF > 200 && $0 >> 8 & 0xFF < 80 })
        XCTAssertLessThan(Double(red), (area.bottom - area.top) * 0.2)
        // Tick labels (dark text) to the right of the right spine.
        var ink = 0
        for y in Int(area.top)..<Int(area.bottom) {
            for x in Int(area.right) + 8..<image.width where image.pixels[y * image.width + x] >> 8 & 0xFF < 100 {
                ink += 1
            }
        }
        XCTAssertGreaterThan(ink, 30)
    }
}
