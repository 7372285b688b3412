import Foundation

/// Axis scales and tick placement: "nice" 1-2-5 steps for linear axes, decades for log axes.
public enum Scale: String, Sendable {
    case linear, log
}

public enum Ticks {
    /// Tick values for a linear axis over [lo, hi]: a 1, 2 or 5 × 10^k step giving 4 to 9 ticks.
    public static func linear(_ lo: Double, _ hi: Double, target: Int = 8) -> (values: [Double], step: Double) {
        guard hi > lo, lo.isFinite, hi.isFinite else { return ([lo], 1) }
        let raw = (hi - lo) / Double(target)
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        var step = magnitude * 10
        for m in [1.0, 2.0, 5.0, 10.0] where magnitude * m >= raw {
            step = magnitude * m
            break
        }
        let first = (lo / step).rounded(.up), last = (hi / step).rounded(.down)
        guard last >= first, last - first < 1000 else { return ([lo, hi], hi - lo) }
        let values = stride(from: first, through: last, by: 1).map { v -> Double in
            let x = v * step
            return abs(x) < step * 1e-9 ? 0 : x
        }
        return (values, step)
    }

    /// Clean labels for linear ticks: as many decimals as the step needs (`0.1`, not
    /// `0.10000001`), and a true minus sign as matplotlib draws.
    public static func labels(_ values: [Double], step: Double) -> [String] {
        let decimals = max(0, Int((-log10(step)).rounded(.up)))
        let useExponent = values.contains { abs($0) >= 1e6 } || (step < 1e-4)
        return values.map { v in
            var s = useExponent ? String(format: "%.1e", v) : String(format: "%.\(decimals)f", v)
            if s.hasPrefix("-") { s = "\u{2212}" + s.dropFirst() }
            return s == "\u{2212}0" ? "0" : s
        }
    }

    /// Labels for linear ticks as matplotlib's ScalarFormatter writes them: when the numbers are
    /// large (10⁶ or more) or tiny (under 10⁻⁴), the labels are in units of a power of ten and
    /// the multiplier ("1e6") is returned to be written once beside the axis.
    public static func labelsWithMultiplier(_ values: [Double], step: Double) -> ([String], String?) {
        let largest = values.map(abs).max() ?? 0
        guard largest > 0, largest >= 1e6 || (largest < 1e-4) else { return (labels(values, step: step), nil) }
        let e = Int(log10(largest).rounded(.down))
        let unit = pow(10, Double(e))
        let scaled = values.map { $0 / unit }
        let exponent = e < 0 ? "\u{2212}\(-e)" : "\(e)"
        return (labels(scaled, step: step / unit), "1e" + exponent)
    }

    /// Decades covering [lo, hi] (both > 0) for a log axis.
    public static func log(_ lo: Double, _ hi: Double) -> [Double] {
        guard lo > 0, hi > lo else { return [max(lo, 1e-300)] }
        let a = Int(log10(lo).rounded(.up)), b = Int(log10(hi).rounded(.down))
        guard a <= b else { return [] }
        let stepExp = max(1, (b - a) / 8 + 1)
        return stride(from: a, through: b, by: stepExp).map { pow(10, Double($0)) }
    }

    /// `0.01`, `0.1`, `1`, `10`, `100`, `1000` plainly; `1e-3`, `1e4` beyond.
    public static func logLabel(_ v: Double) -> String {
        let e = Int(log10(v).rounded())
        if e >= -2 && e <= 3 { return e < 0 ? String(format: "%.\(-e)f", v) : String(format: "%.0f", v) }
        return e < 0 ? "1e\u{2212}\(-e)" : "1e\(e)"
    }
}
