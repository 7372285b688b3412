import Foundation
import XCTest
@testable import Plotting

final class TicksTests: XCTestCase {
    func testNiceLinearTicks() {
        XCTAssertEqual(Ticks.linear(0, 1).values, [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        XCTAssertEqual(Ticks.labels(Ticks.linear(0, 1).values, step: 0.2), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        XCTAssertEqual(Ticks.linear(-3.3, 3.3).values, [-3, -2, -1, 0, 1, 2, 3])
        XCTAssertEqual(Ticks.labels([-3, 0, 3], step: 1), ["\u{2212}3", "0", "3"])
        XCTAssertEqual(Ticks.linear(0, 10000).values, [0, 2000, 4000, 6000, 8000, 10000])
        XCTAssertEqual(Ticks.labels(Ticks.linear(0.27, 0.35).values, step: Ticks.linear(0.27, 0.35).step),
                       ["0.27", "0.28", "0.29", "0.30", "0.31", "0.32", "0.33", "0.34", "0.35"])
    }

    func testLogTicks() {
        XCTAssertEqual(Ticks.log(0.03, 12), [0.1, 1, 10])
        XCTAssertEqual([1e-3, 0.01, 1, 1000, 1e4].map(Ticks.logLabel), ["1e\u{2212}3", "0.01", "1", "1000", "1e4"])
    }
}

final class RenderTests: XCTestCase {
    func testLineRenders() {
        let f = Figure()
        let xs = (0..<301).map { Double($0) / 50 - 3 }
        f.axes[0].series.append(.line(xs: xs, ys: xs.map { $0 * $0 }, color: nil, width: 2, label: nil))
        let start = Date()
        let c = f.render()
        print("render", Date().timeIntervalSince(start))
        let png = c.png()
        print("png", png.count, Date().timeIntervalSince(start))
    }
}
