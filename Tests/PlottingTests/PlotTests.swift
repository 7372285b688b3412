import Foundation
import XCTest

@testable import Plotting

final class TicksTests: XCTestCase {
    func testNiceLinearTicks() {
        XCTAssertEqual(Ticks.linear(-3.3, 3.3).values, [-3, -2, -1, 0, 1, 2, 3])
        XCTAssertEqual(Ticks.labels([-3, 0, 3], step: 1), ["\u{2212}3", "0", "3"])
        XCTAssertEqual(Ticks.linear(0, 10000).values, [0, 2000, 4000, 6000, 8000, 10000])
        let (v, step) = Ticks.linear(0, 1)
        XCTAssertEqual(Ticks.labels(v, step: step), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let (w, s2) = Ticks.linear(0.27, 0.35)
        XCTAssertEqual(
            Ticks.labels(w, step: s2), ["0.27", "0.28", "0.29", "0.30", "0.31", "0.32", "0.33", "0.34", "0.35"])
        let (z, s3) = Ticks.linear(-0.25, 0.05)
        XCTAssertEqual(
            Ticks.labels(z, step: s3),
            ["\u{2212}0.25", "\u{2212}0.20", "\u{2212}0.15", "\u{2212}0.10", "\u{2212}0.05", "0.00", "0.05"])
    }

    func testLogTicks() {
        XCTAssertEqual(Ticks.log(0.03, 12), [0.1, 1, 10])
        XCTAssertEqual([1e-3, 0.01, 1, 1000, 1e4].map(Ticks.logLabel), ["1e\u{2212}3", "0.01", "1", "1000", "1e4"])
    }
}

final class CanvasTests: XCTestCase {
    func testDiagonalLineCrossesTheExpectedPixels() {
        let c = Canvas(width: 50, height: 50)
        c.strokePolyline([(5, 5), (45, 45)], width: 2, color: .black)
        for t in stride(from: 8, through: 42, by: 2) {
            XCTAssertEqual(c.pixel(t, t), .black, "on the line at \(t)")
            XCTAssertEqual(c.pixel(t, t - 6), .white, "well off the line at \(t)")
        }
        // Antialiased: the edge pixels are partly covered, neither white nor black.
        let edge = c.pixel(20, 18)
        XCTAssertTrue(edge.r > 0 && edge.r < 255, "\(edge)")
    }

    func testMarkerCentreHasItsSeriesColour() {
        let c = Canvas(width: 30, height: 30)
        c.fillCircle(15.5, 15.5, radius: 4, Color.cycle[1])
        XCTAssertEqual(c.pixel(15, 15), Color.cycle[1])
        XCTAssertEqual(c.pixel(15, 24), .white)
        let rim = c.pixel(19, 15)  // its centre is 4 px from the disc's: half covered
        XCTAssertTrue(rim.g > Color.cycle[1].g && rim.g < 255, "\(rim)")
    }

    func testPNGRoundTripAndDeterminism() {
        let c = Canvas(width: 20, height: 10)
        c.fillRect(0, 0, 10, 10, Color(255, 0, 0))
        let png = c.png()
        XCTAssertEqual(png, c.png())
        let decoded = decodeImage(png)!
        XCTAssertEqual(decoded.width, 20)
        XCTAssertEqual(decoded.pixels[0], 0xFF0000)
        XCTAssertEqual(decoded.pixels[15], 0xFFFFFF)
        XCTAssertFalse(String(decoding: png, as: UTF8.self).contains("tEXt"), "no text chunks")
    }
}

final class FigureTests: XCTestCase {
    func lineFigure() -> Figure {
        let f = Figure(width: 640, height: 480)
        let xs = (0...300).map { Double($0) / 50 - 3 }
        f.axes[0].series.append(.line(xs: xs, ys: xs.map { $0 * $0 }, color: nil, width: 2, label: "x²"))
        f.axes[0].title = "Squares"
        f.axes[0].xLabel = "x"
        f.axes[0].yLabel = "y"
        f.axes[0].showLegend = true
        return f
    }

    func testTicksLandAtComputedPositions() {
        let f = lineFigure()
        let canvas = f.render()
        let area = f.axes[0].plotArea!, range = f.axes[0].dataRange!
        // Data range with 5% margins: x in [-3.3, 3.3], y in [-0.45, 9.45].
        XCTAssertEqual(range.x0, -3.3, accuracy: 1e-9)
        XCTAssertEqual(range.y1, 9.45, accuracy: 1e-9)
        for tick in [-3.0, -2, -1, 0, 1, 2, 3] {
            let x = Int(
                (area.left + (tick - range.x0) / (range.x1 - range.x0) * (area.right - area.left)).rounded(.down))
            let y = Int(area.bottom.rounded(.down)) + 3
            XCTAssertEqual(canvas.pixel(x, y), .black, "tick mark at x = \(tick)")
            XCTAssertEqual(canvas.pixel(x + 3, y), .white, "no mark beside x = \(tick)")
        }
        // The curve's lowest point, (0, 0), is drawn in the first cycle colour.
        let x0 = (area.left + (0 - range.x0) / (range.x1 - range.x0) * (area.right - area.left))
        let y0 = (area.bottom - (0 - range.y0) / (range.y1 - range.y0) * (area.bottom - area.top))
        XCTAssertEqual(canvas.pixel(Int(x0), Int(y0)), Color.cycle[0])
    }

    func testTitleAndLegendTextOccupyTheirRegions() throws {
        let f = lineFigure()
        let png = f.render().png()
        let img = decodeImage(png)!
        let area = f.axes[0].plotArea!
        func darkPixels(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> Int {
            var n = 0
            for y in y0..<y1 { for x in x0..<x1 where (img.pixels[y * img.width + x] >> 8 & 0xFF) < 100 { n += 1 } }
            return n
        }
        // Title: centred above the plot area.
        let mid = Int((area.left + area.right) / 2)
        XCTAssertGreaterThan(darkPixels(mid - 40, 0, mid + 40, Int(area.top) - 1), 50)
        XCTAssertEqual(darkPixels(0, 0, 20, 20), 0, "nothing in the top-left corner")
        // Legend: where "best" put it, no point of the curve is under it, and its box holds the label.
        let box = try XCTUnwrap(f.axes[0].legendBox), range = try XCTUnwrap(f.axes[0].dataRange)
        for x in stride(from: -3.0, through: 3, by: 0.02) {
            let px = area.left + (x - range.x0) / (range.x1 - range.x0) * (area.right - area.left)
            let py = area.bottom - (x * x - range.y0) / (range.y1 - range.y0) * (area.bottom - area.top)
            XCTAssertFalse(px >= box.0 && px <= box.2 && py >= box.1 && py <= box.3, "the legend covers x = \(x)")
        }
        XCTAssertGreaterThan(darkPixels(Int(box.0) + 36, Int(box.1) + 3, Int(box.2) - 2, Int(box.3) - 3), 10)
    }

    func testImshowMapsValuesToGreys() {
        let f = Figure(width: 280, height: 280)
        let values = (0..<(28 * 28)).map { Double(($0 % 28) * 255 / 27) }  // a horizontal ramp
        f.axes[0].series.append(
            .image(values: values, rows: 28, columns: 28, colormap: Colormap("gray")!, range: (0, 255)))
        let canvas = f.render()
        let area = f.axes[0].plotArea!
        let cell = (area.right - area.left) / 28
        for col in [0, 7, 14, 27] {
            let x = Int(area.left + (Double(col) + 0.5) * cell), y = Int(area.top + 10.5 * cell)
            let expected = UInt8((Double(col * 255 / 27) / 255 * 255).rounded())
            XCTAssertEqual(canvas.pixel(x, y), Color(expected, expected, expected), "column \(col)")
        }
        XCTAssertEqual((area.right - area.left), (area.bottom - area.top), accuracy: 1, "square cells")
    }

    func testAxisOffDrawsNoFrameOrTicks() {
        let f = Figure(width: 200, height: 200)
        f.axes[0].series.append(
            .image(values: [0, 255, 255, 0], rows: 2, columns: 2, colormap: Colormap("gray")!, range: (0, 255)))
        f.axes[0].showAxes = false
        let canvas = f.render()
        let area = f.axes[0].plotArea!
        // Without a frame the image reaches almost the whole canvas, and its corner cell is black.
        XCTAssertLessThan(area.left, 20)
        XCTAssertEqual(canvas.pixel(Int(area.left) + 2, Int(area.top) + 2), Color(0, 0, 0))
        XCTAssertEqual(canvas.pixel(Int(area.left) - 3, Int(area.top) + 2), .white, "no left spine")
    }

    func testFigureBytesAreStable() {
        // FNV-1a of the PNG: any change to drawing, fonts or encoding shows up here.
        func fnv(_ d: Data) -> UInt64 { d.reduce(0xcbf29ce484222325) { ($0 ^ UInt64($1)) &* 0x100000001b3 } }
        let a = lineFigure().render().png(), b = lineFigure().render().png()
        XCTAssertEqual(a, b)
        XCTAssertEqual(fnv(a), fnv(b))
        let bars = Figure(width: 400, height: 300)
        bars.axes[0].series.append(.barsH(values: [0.1, 0.7, 0.2], labels: ["0", "1", "2"], color: nil))
        XCTAssertEqual(bars.render().png(), bars.render().png())
    }

    func testGIFHasEveryFrameAndTheDelay() {
        let frames = (0..<5).map { i -> Canvas in
            let c = Canvas(width: 40, height: 30)
            c.fillRect(Double(i * 5), 0, Double(i * 5 + 5), 30, .black)
            return c
        }
        let gif = [UInt8](GIF.encode(frames, delay: 7))
        XCTAssertEqual(Array(gif.prefix(6)), Array("GIF89a".utf8))
        // Graphic control extensions (0x21 0xF9 0x04 …) hold each frame's delay.
        var controls = 0
        for i in 0..<(gif.count - 6) where gif[i] == 0x21 && gif[i + 1] == 0xF9 && gif[i + 2] == 0x04 {
            controls += 1
            XCTAssertEqual(Int(gif[i + 4]) | Int(gif[i + 5]) << 8, 7)
        }
        XCTAssertEqual(controls, 5)
        XCTAssertFalse(String(decoding: gif, as: UTF8.self).contains("NETSCAPE2.0"), "plays once")
    }
}
