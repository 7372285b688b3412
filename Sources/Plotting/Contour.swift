import Foundation

/// Values on a rectangular grid: row r at `ys[r]`, column c at `xs[c]` (both increasing or both
/// given as matplotlib's meshgrid rows and columns), read between the nodes bilinearly.
struct Grid {
    let values: [Double], rows: Int, columns: Int, xs: [Double], ys: [Double]

    /// The bilinear interpolation at (x, y); nil outside the grid or next to a NaN.
    func value(_ x: Double, _ y: Double) -> Double? {
        guard let (c, u) = Grid.locate(x, xs), let (r, v) = Grid.locate(y, ys) else { return nil }
        let c1 = min(c + 1, columns - 1), r1 = min(r + 1, rows - 1)
        let a = values[r * columns + c], b = values[r * columns + c1]
        let d = values[r1 * columns + c], e = values[r1 * columns + c1]
        let z = (a * (1 - u) + b * u) * (1 - v) + (d * (1 - u) + e * u) * v
        return z.isFinite ? z : nil
    }

    /// The interval of `axis` holding `t` and the fraction along it.
    static func locate(_ t: Double, _ axis: [Double]) -> (Int, Double)? {
        guard axis.count >= 2 else { return axis.first == t ? (0, 0) : nil }
        let increasing = axis[axis.count - 1] >= axis[0]
        let lo = increasing ? axis[0] : axis[axis.count - 1], hi = increasing ? axis[axis.count - 1] : axis[0]
        guard t >= lo && t <= hi else { return nil }
        // Binary search for the interval (axes are sorted).
        var a = 0, b = axis.count - 1
        while b - a > 1 {
            let m = (a + b) / 2
            if (axis[m] <= t) == increasing { a = m } else { b = m }
        }
        let span = axis[b] - axis[a]
        return (a, span != 0 ? (t - axis[a]) / span : 0)
    }
}

/// Contour levels, filled bands and marching-squares lines (matplotlib's `contourf`/`contour`).
public enum Contour {
    /// The band of `v` between consecutive `levels` (nil outside them, as matplotlib leaves it
    /// blank; the top level belongs to the last band).
    static func band(_ v: Double, _ levels: [Double]) -> Int? {
        guard levels.count >= 2, v >= levels[0], v <= levels[levels.count - 1] else { return nil }
        var k = 0
        while k + 2 < levels.count && v >= levels[k + 1] { k += 1 }
        return k
    }

    /// The line segments where the grid crosses `level`, in data coordinates (marching squares;
    /// a saddle is split by the centre's value).
    static func segments(_ g: Grid, level: Double) -> [((Double, Double), (Double, Double))] {
        var out: [((Double, Double), (Double, Double))] = []
        guard g.rows >= 2, g.columns >= 2 else { return out }
        for r in 0..<(g.rows - 1) {
            for c in 0..<(g.columns - 1) {
                let corners = [(r, c), (r, c + 1), (r + 1, c + 1), (r + 1, c)]
                let z = corners.map { g.values[$0.0 * g.columns + $0.1] }
                guard z.allSatisfy(\.isFinite) else { continue }
                let point = corners.map { (g.xs[$0.1], g.ys[$0.0]) }
                // Where each edge (corner i to i+1) crosses the level.
                var crossings: [Int: (Double, Double)] = [:]
                for i in 0..<4 {
                    let j = (i + 1) % 4
                    if (z[i] < level) != (z[j] < level) {
                        let t = (level - z[i]) / (z[j] - z[i])
                        crossings[i] = (
                            point[i].0 + (point[j].0 - point[i].0) * t, point[i].1 + (point[j].1 - point[i].1) * t
                        )
                    }
                }
                let edges = crossings.keys.sorted()
                if edges.count == 2 {
                    out.append((crossings[edges[0]]!, crossings[edges[1]]!))
                } else if edges.count == 4 {
                    let centre = z.reduce(0, +) / 4
                    // Corner 0 joined to the centre's side decides the pairing.
                    if (centre < level) == (z[0] < level) {
                        out += [(crossings[0]!, crossings[1]!), (crossings[2]!, crossings[3]!)]
                    } else {
                        out += [(crossings[3]!, crossings[0]!), (crossings[1]!, crossings[2]!)]
                    }
                }
            }
        }
        return out
    }

    /// matplotlib's levels for `levels: n`: MaxNLocator(n + 1), nice steps of 1, 2, 2.5 or 5 × 10^k
    /// from below lo to above hi.
    public static func levels(_ lo: Double, _ hi: Double, count: Int) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo - 0.5, lo + 0.5] }
        let raw = (hi - lo) / Double(count + 1)
        let e = log10(raw).rounded(.down)
        let m = [1, 2, 2.5, 5, 10].first { $0 * pow(10, e) >= raw * (1 - 1e-12) } ?? 10
        // k · m · 10^e, divided rather than multiplied by a power of ten below 1 (0.6, not 0.6000000000000001).
        func value(_ k: Double) -> Double { e < 0 ? k * m / pow(10, -e) : k * m * pow(10, e) }
        let step = value(1)
        let first = (lo / step * (1 + 1e-12)).rounded(.down), last = (hi / step * (1 - 1e-12)).rounded(.up)
        return stride(from: first, through: last, by: 1).map(value)
    }
}
