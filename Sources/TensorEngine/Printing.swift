import Foundation

/// Tensors print exactly as PyTorch prints them (torch/_tensor_str.py with the default options:
/// precision 4, threshold 1000, edge items 3, line width 80), so a notebook's output can be
/// compared line by line with a tutorial's.

struct PrintOptions {
    static let precision = 4, threshold = 1000, edgeItems = 3, lineWidth = 80
}

/// PyTorch's `_Formatter`: picks integer, fixed or scientific notation and a common width.
struct TensorFormatter {
    let dtype: DType
    var intMode = true
    var sciMode = false
    var maxWidth = 1

    init(_ values: [Double], dtype: DType) {
        self.dtype = dtype
        guard dtype.isFloatingPoint else {
            for v in values { maxWidth = max(maxWidth, format(v, padded: false).count) }
            return
        }
        let finite = values.filter { $0.isFinite && $0 != 0 }
        guard !finite.isEmpty else { return }
        let absValues = finite.map(Swift.abs)
        let lo = absValues.min()!, hi = absValues.max()!
        intMode = finite.allSatisfy { $0 == $0.rounded(.up) }
        if intMode {
            if hi / lo > 1000 || hi > 1e8 {
                sciMode = true
                for v in finite { maxWidth = max(maxWidth, String(format: "%.\(PrintOptions.precision)e", v).count) }
            } else {
                for v in finite { maxWidth = max(maxWidth, String(format: "%.0f", v).count + 1) }
            }
        } else if hi / lo > 1000 || hi > 1e8 || lo < 1e-4 {
            sciMode = true
            for v in finite { maxWidth = max(maxWidth, String(format: "%.\(PrintOptions.precision)e", v).count) }
        } else {
            for v in finite { maxWidth = max(maxWidth, String(format: "%.\(PrintOptions.precision)f", v).count) }
        }
    }

    func format(_ v: Double, padded: Bool = true) -> String {
        let s: String
        switch dtype {
        case .bool: s = v != 0 ? "True" : "False"
        case .int64: s = String(Int64(v))
        case .float32, .float64:
            if v.isNaN {
                s = "nan"
            } else if v.isInfinite {
                s = v < 0 ? "-inf" : "inf"
            } else if sciMode {
                s = String(format: "%.\(PrintOptions.precision)e", v)
            } else if intMode {
                s = String(format: "%.0f", v) + "."
            } else {
                s = String(format: "%.\(PrintOptions.precision)f", v)
            }
        }
        guard padded, s.count < maxWidth else { return s }
        return String(repeating: " ", count: maxWidth - s.count) + s
    }
}

extension Tensor {
    /// The elements PyTorch looks at to choose a format: the edges of each dimension when the
    /// tensor is summarized.
    func summarizedValues(_ summarize: Bool) throws -> [Double] {
        guard summarize, rank > 0 else { return scalars }
        let e = PrintOptions.edgeItems
        let n = shape[0]
        let rows = n > 2 * e ? Array(0..<e) + Array((n - e)..<n) : Array(0..<n)
        if rank == 1 { return try rows.map { try select($0).item() } }
        return try rows.flatMap { try select($0).summarizedValues(summarize) }
    }

    func formatBody(_ indent: Int, _ summarize: Bool, _ f: TensorFormatter) throws -> String {
        if rank == 0 { return f.format(try item()) }
        let e = PrintOptions.edgeItems
        let n = shape[0]
        let cut = summarize && n > 2 * e
        if rank == 1 {
            let elementLength = f.maxWidth + 2
            let perLine = Swift.max(1, (PrintOptions.lineWidth - indent) / elementLength)
            let values = scalars
            let items =
                cut
                ? values[..<e].map { f.format($0) } + [" ..."] + values[(n - e)...].map { f.format($0) }
                : values.map { f.format($0) }
            let lines = stride(from: 0, to: items.count, by: perLine).map {
                items[$0..<Swift.min($0 + perLine, items.count)].joined(separator: ", ")
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        let rows = cut ? Array(0..<e) + [-1] + Array((n - e)..<n) : Array(0..<n)
        let slices = try rows.map { $0 < 0 ? "..." : try select($0).formatBody(indent + 1, summarize, f) }
        let sep = "," + String(repeating: "\n", count: rank - 1) + String(repeating: " ", count: indent + 1)
        return "[" + slices.joined(separator: sep) + "]"
    }

    /// `tensor([...])` with PyTorch's suffixes (`dtype=`, `grad_fn=<…>`, `requires_grad=True`).
    public func torchDescription() -> String {
        (try? noGrad { () -> String in
            let prefix = "tensor("
            let indent = prefix.count
            var suffixes: [String] = []
            let body: String
            if count == 0 {
                if rank != 1 {
                    suffixes.append(
                        "size=(" + shape.map(String.init).joined(separator: ", ") + (rank == 1 ? ",)" : ")"))
                }
                if dtype != .float32 { suffixes.append("dtype=\(dtype)") }
                body = "[]"
            } else {
                if dtype == .float64 { suffixes.append("dtype=\(dtype)") }
                let summarize = count > PrintOptions.threshold
                let f = TensorFormatter(try summarizedValues(summarize), dtype: dtype)
                body = try formatBody(indent, summarize, f)
            }
            if let gradFn {
                suffixes.append("grad_fn=<\(gradFn.name)>")
            } else if requiresGrad {
                suffixes.append("requires_grad=True")
            }
            var out = prefix + body
            let lastNewline = out.lastIndex(of: "\n").map { out.distance(from: out.startIndex, to: $0) } ?? -1
            var lastLineLength = out.count - lastNewline + 1
            for s in suffixes {
                if lastLineLength + s.count + 2 > PrintOptions.lineWidth {
                    out += ",\n" + String(repeating: " ", count: indent) + s
                    lastLineLength = indent + s.count
                } else {
                    out += ", " + s
                    lastLineLength += s.count + 2
                }
            }
            return (isParameter ? "Parameter containing:\n" : "") + out + ")"
        }) ?? "tensor(<unprintable>)"
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { torchDescription() }
}
