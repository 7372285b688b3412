import CellLanguage
import Foundation
import TensorEngine

/// A named number a notebook records with `metric(name, value)`: one value, or a series when it
/// is recorded again (a loss per epoch). Metrics are what a report's summary shows and what a
/// sweep compares.
public struct Metric: Equatable, Codable, Sendable {
    /// Whether a smaller or a larger value is better (for "best" in reports and sweeps).
    public enum Goal: String, Codable, Sendable {
        case min, max
    }

    public var name: String
    public var goal: Goal
    /// The step of each value: given by `step:`, or counted from 0.
    public var steps: [Int]
    public var values: [Double]

    public init(name: String, goal: Goal, steps: [Int], values: [Double]) {
        (self.name, self.goal, self.steps, self.values) = (name, goal, steps, values)
    }

    /// The goal a metric gets when `goal:` is not given: smaller is better for names that say
    /// loss, error, MSE, MAE, perplexity or time; larger for anything else (accuracy, F1, reward).
    public static func defaultGoal(_ name: String) -> Goal {
        let n = name.lowercased()
        let smaller = ["loss", "error", "err", "mse", "mae", "rmse", "nll", "perplexity", "time", "seconds", "regret"]
        return smaller.contains { n.contains($0) } ? .min : .max
    }

    public var last: Double { values.last ?? .nan }
    public var isSeries: Bool { values.count > 1 }

    /// The best finite value and its step (nil when no value is finite).
    public var best: (value: Double, step: Int)? {
        var found: (Double, Int)?
        for (v, s) in zip(values, steps) where v.isFinite {
            if let (b, _) = found, goal == .min ? v >= b : v <= b { continue }
            found = (v, s)
        }
        return found
    }

    /// Whether `a` is better than `b` for this goal (NaN is never better).
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        guard a.isFinite else { return false }
        guard b.isFinite else { return true }
        return goal == .min ? a < b : a > b
    }

    /// How many values one metric may hold, and how many metrics one run may record.
    static let maxValues = 100_000, maxMetrics = 1_000

    /// One line of `outputs.txt`: the value, or the series' length, last and best values.
    var summaryLine: String {
        guard isSeries else { return "\(name) = \(Value.format(last))" }
        var line = "\(name): \(values.count) values (steps \(steps[0])…\(steps.last!)); last \(Value.format(last))"
        if let (b, s) = best { line += "; best (\(goal.rawValue)) \(Value.format(b)) at step \(s)" }
        return line
    }
}

/// The metrics of one run, in the order they were first recorded.
final class MetricLog {
    private(set) var metrics: [Metric] = []

    /// Installs `metric(…)` in `interpreter`'s "Metrics" table.
    func install(in interpreter: Interpreter, bindings: EngineBindings) {
        let value = Param<Double>("value", type: "Double or one-element Tensor") { v in
            if let d = v.asNumber { return d }
            if case .object(let o as TensorObject) = v, o.tensor.count == 1 { return try o.tensor.item() }
            throw ConversionError.expected("a number or a one-element tensor", v)
        }
        let goal = Param<Metric.Goal?>(
            "goal", positional: false, type: "String?", default: .some(nil), defaultText: "nil"
        ) { v in
            guard case .string(let s) = v, let g = Metric.Goal(rawValue: s) else {
                throw ConversionError("must be \"min\" or \"max\"")
            }
            return g
        }
        interpreter.define(
            "metric",
            .function(
                bindings.library.function(
                    "Metrics", "metric",
                    "records a named number (again: the next value of a series) for the report and for sweeps to compare; goal \"min\" or \"max\" says which is better (by default min for names with loss or error, max otherwise)",
                    Param<String>.string("name"), value, Param<Int?>.int("step", optional: ()).labeled, goal
                ) { [unowned self] name, value, step, goal in
                    try self.record(name, value, step: step, goal: goal)
                    return .nil
                }))
    }

    func record(_ name: String, _ value: Double, step: Int?, goal: Metric.Goal?) throws {
        guard !name.isEmpty, name.count <= 64, !name.contains(where: \.isNewline) else {
            throw TensorError("metric: a name is 1 to 64 characters on one line")
        }
        guard let i = metrics.firstIndex(where: { $0.name == name }) else {
            guard metrics.count < Metric.maxMetrics else {
                throw TensorError("metric: at most \(Metric.maxMetrics) metrics per run")
            }
            metrics.append(
                Metric(name: name, goal: goal ?? Metric.defaultGoal(name), steps: [step ?? 0], values: [value]))
            return
        }
        var m = metrics[i]
        if let goal, goal != m.goal {
            throw TensorError(
                "metric '\(name)': goal \"\(goal.rawValue)\" differs from its first \"\(m.goal.rawValue)\"")
        }
        let previous = m.steps.last!
        let next = step ?? previous + 1
        guard next > previous else {
            throw TensorError(
                "metric '\(name)': step \(next) is not after its last step, \(previous) (steps must increase)")
        }
        guard m.values.count < Metric.maxValues else {
            throw TensorError(
                "metric '\(name)': at most \(Metric.maxValues) values per metric (record every n-th step)")
        }
        m.steps.append(next)
        m.values.append(value)
        metrics[i] = m
    }
}

extension Report {
    /// The report's summary of the run's metrics: last and best value, and a sparkline of a
    /// series (inline SVG, so the page stays one file).
    static func metricsHTML(_ metrics: [Metric]) -> String {
        guard !metrics.isEmpty else { return "" }
        var s = "<table class=\"metrics\"><caption>Metrics</caption>\n"
        s += "<tr><th>metric</th><th>last</th><th>best</th><th>values</th><th>curve</th></tr>\n"
        for m in metrics {
            let best = m.best.map { "\(Report.number($0.value)) <span class=\"step\">step \($0.step)</span>" } ?? "–"
            s += "<tr><th>\(escapeHTML(m.name))</th><td>\(Report.number(m.last))</td>"
            s += "<td>\(m.isSeries ? best : "")</td><td>\(m.values.count)</td>"
            s += "<td>\(m.isSeries ? sparkline(m) : "")</td></tr>\n"
        }
        return s + "</table>\n"
    }

    /// A number as tables show it: six significant digits.
    static func number(_ d: Double) -> String {
        d.isFinite ? String(format: "%.6g", d) : Value.format(d)
    }

    /// A 120 × 24 polyline of a series' finite values (NaN breaks nothing: it is left out). A long
    /// series keeps the smallest and largest value of each of 120 columns, so no spike is lost.
    static func sparkline(_ m: Metric) -> String {
        var points = zip(m.steps, m.values).filter { $0.1.isFinite }
        guard let lo = points.map(\.1).min(), let hi = points.map(\.1).max(), let first = points.first?.0,
            let last = points.last?.0
        else { return "" }
        let w = 120.0, h = 24.0
        func x(_ step: Int) -> Double { last > first ? Double(step - first) / Double(last - first) * w : w / 2 }
        if points.count > 240 {
            var kept: [(Int, Double)] = []
            var column: [(Int, Double)] = []
            func flush() {
                guard let low = column.min(by: { $0.1 < $1.1 }), let high = column.max(by: { $0.1 < $1.1 }) else {
                    return
                }
                kept += low.0 == high.0 ? [low] : low.0 < high.0 ? [low, high] : [high, low]
                column = []
            }
            for p in points {
                if let c = column.first, Int(x(c.0)) != Int(x(p.0)) { flush() }
                column.append(p)
            }
            flush()
            points = kept
        }
        let coordinates = points.map { (step, v) -> String in
            let y = hi > lo ? (1 - (v - lo) / (hi - lo)) * (h - 2) + 1 : h / 2
            return String(format: "%.1f,%.1f", x(step), y)
        }
        return
            "<svg class=\"spark\" viewBox=\"0 0 120 24\" width=\"120\" height=\"24\" role=\"img\" aria-label=\"\(escapeHTML(m.name)) from \(Report.number(m.values.first!)) to \(Report.number(m.last))\"><polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"\(coordinates.joined(separator: " "))\"/></svg>"
    }
}
