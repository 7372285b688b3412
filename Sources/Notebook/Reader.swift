import CCmark
import CellLanguage
import Foundation
import Yams

/// A notebook parameter's value, typed by how the front matter wrote it.
public enum ParameterValue: Equatable, CustomStringConvertible {
    case int(Int), double(Double), bool(Bool), string(String)

    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .double(let d): return Value.format(d)
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return s
        }
    }

    var value: Value {
        switch self {
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        }
    }

    /// Parses a `--set` value as the same type as this one.
    func parsingLike(_ text: String) -> ParameterValue? {
        switch self {
        case .int: return Int(text).map(ParameterValue.int)
        case .double: return Double(text).map(ParameterValue.double)
        case .bool: return ["true": true, "false": false][text].map(ParameterValue.bool)
        case .string: return .string(text)
        }
    }
}

/// The `//| key: value` options at the top of a cell.
public struct CellOptions: Equatable {
    public var label: String?
    public var echo = true
    public var output = true
    public var expectError = false
    /// `//| nan: error`: a loss that becomes NaN or infinite stops the cell (a warning otherwise).
    public var nanIsError = false
    public var timeout: Double = 300
    public var width: Int?
    public var height: Int?
    public var caption: String?
}

/// A fenced code block whose info string is `swift runbook`.
public struct Cell {
    public var index: Int
    public var options: CellOptions
    /// The cell's code, option lines included (they are comments to the language).
    public var source: String
    /// The line of the `.md` file holding the cell's first code line.
    public var firstLine: Int
    /// The option lines stripped: what the report shows.
    public var displaySource: String

    /// The id used for anchors and figure names: the label, or `cell-N`.
    public var id: String { options.label ?? "cell-\(index + 1)" }
}

/// A Markdown notebook: front matter, then prose and cells in order.
public struct NotebookDocument {
    public enum Block {
        case prose(String)
        case cell(Cell)
    }

    public var path: String
    public var name: String
    public var lines: [Substring]
    public var title: String
    /// The title is the prose's first heading (no `title:` in the front matter): the report
    /// shows it once, as the page's title.
    public var titleFromHeading = false
    public var seed: UInt64?
    public var parameters: [(name: String, value: ParameterValue)]
    public var allowHTML: Bool
    /// The front matter's `sweep:` (grid, zip, seeds), for `runbook sweep`.
    public var sweep: SweepSpec?
    public var blocks: [Block]

    public var cells: [Cell] { blocks.compactMap { if case .cell(let c) = $0 { return c } else { return nil } } }
}

/// Reads a notebook. Every problem is a diagnostic with a location in the file.
public enum Reader {
    static let knownOptions: Set<String> = [
        "label", "echo", "output", "error", "timeout", "width", "height", "caption", "nan",
    ]

    /// What Yams must not be given: front matter nested deeper than 50 levels (its parser
    /// recurses), anchors and aliases (`&a`, `*a`: a few lines of aliases expand to gigabytes),
    /// complex keys (`? …`, which crash its mapping construction) or more than 64 KiB. Front
    /// matter holds a title, a seed and parameters; none of these is needed there.
    /// The first mapping key in `node` that is not a scalar.
    /// What Yams' construction of values would trap on, found in the composed tree first: a
    /// mapping key that is not a scalar (`{a: 1}: 0`, `[x]: 1`), or a number in base 60
    /// (`-1111111111111110009:6`, whose value overflows in Yams). Nil when there is none.
    static func unconstructible(_ node: Node) -> (message: String, node: Node)? {
        switch node {
        case .mapping(let m):
            for (key, value) in m {
                if key.scalar == nil {
                    return (
                        "front matter keys must be plain names, not a \(key.mapping != nil ? "mapping" : "list")", key
                    )
                }
                if let bad = unconstructible(key) ?? unconstructible(value) { return bad }
            }
        case .sequence(let items):
            for item in items { if let bad = unconstructible(item) { return bad } }
        case .scalar(let scalar):
            let number = ["tag:yaml.org,2002:int", "tag:yaml.org,2002:float"].contains(node.tag.description)
            if number && scalar.string.contains(":") {
                return ("numbers in base 60 (like 1:30) are not allowed in front matter; quote the value", node)
            }
        }
        return nil
    }

    static func frontMatterProblem(_ lines: ArraySlice<Substring>) -> (message: String, line: Int)? {
        var size = 0
        var flow = 0  // open [ and { so far: flow collections go on across lines
        for (i, line) in lines.enumerated() {
            size += line.utf8.count + 1
            if size > 65_536 { return ("front matter is longer than 64 KiB", i + 1) }
            // The line without quoted text and comments.
            var plain = "", quote: Character?
            for c in line {
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == "\"" || c == "'" {
                    quote = c
                } else if c == "#" {
                    break
                } else {
                    plain.append(c)
                }
            }
            let indent = plain.prefix { $0 == " " || $0 == "-" }.count
            var deepest = flow
            for c in plain {
                if c == "[" || c == "{" {
                    flow += 1
                    deepest = max(deepest, flow)
                } else if c == "]" || c == "}" {
                    flow = max(0, flow - 1)
                }
            }
            if indent / 2 + deepest > 50 { return ("front matter is nested more than 50 levels deep", i + 1) }
            let content = plain.dropFirst(indent)
            if content.hasPrefix("?") { return ("complex keys ('? …') are not allowed in front matter", i + 1) }
            let nodes = plain.split(whereSeparator: { " :[],{}-".contains($0) })
            if nodes.contains(where: { ($0.first == "&" || $0.first == "*") && $0.count > 1 }) {
                return ("YAML anchors and aliases (&name, *name) are not allowed in front matter", i + 1)
            }
        }
        return nil
    }

    public static func read(path: String, source original: String) throws -> NotebookDocument {
        // Windows (\r\n) and old Mac (\r) line endings become \n once, here: Swift counts "\r\n"
        // as one Character, so splitting on "\n" would disagree with cmark's line numbers.
        let source =
            original.contains("\r")
            ? original.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            : original
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var diagnostics: [Diagnostic] = []
        var body = source
        var meta: [String: Any] = [:]
        var frontMatterEnd = 0

        // YAML front matter between a first line `---` and the next `---` or `...`.
        if lines.first.map({ $0.trimmingCharacters(in: .whitespaces) == "---" }) == true {
            guard
                let close = lines.dropFirst().firstIndex(where: {
                    ["---", "..."].contains($0.trimmingCharacters(in: .whitespaces))
                })
            else {
                throw DiagnosticList([
                    Diagnostic("front matter starting here is never closed with '---'", at: range(line: 1, in: lines))
                ])
            }
            frontMatterEnd = close + 1
            let yaml = lines[1..<close].joined(separator: "\n")
            if let problem = Reader.frontMatterProblem(lines[1..<close]) {
                throw DiagnosticList([Diagnostic(problem.message, at: range(line: problem.line + 1, in: lines))])
            }
            do {
                if let (message, node) = try Yams.compose(yaml: yaml).flatMap(Reader.unconstructible) {
                    throw DiagnosticList([Diagnostic(message, at: range(line: (node.mark?.line ?? 1) + 1, in: lines))])
                }
                if let loaded = try Yams.load(yaml: yaml) {
                    guard let dict = loaded as? [String: Any] else {
                        throw DiagnosticList([
                            Diagnostic(
                                "front matter must be a mapping of keys to values", at: range(line: 2, in: lines))
                        ])
                    }
                    meta = dict
                }
            } catch let error as YamlError {
                throw DiagnosticList([yamlDiagnostic(error, lines: lines)])
            }
            // Blank the front matter for cmark, keeping line numbers.
            body = String(repeating: "\n", count: frontMatterEnd) + lines[frontMatterEnd...].joined(separator: "\n")
        }

        func metaLine(_ key: String) -> SourceRange {
            let i = lines[..<frontMatterEnd].firstIndex { $0.hasPrefix(key + ":") } ?? 0
            return range(line: i + 1, in: lines)
        }
        let title = (meta["title"] as? String) ?? name
        var seed: UInt64?
        if let s = meta["seed"] {
            // Both generators take the same seed, and numpy's takes 32 bits: 4294967296 must not
            // quietly seed it with 0.
            guard let i = s as? Int, i >= 0, i < 1 << 32 else {
                throw DiagnosticList([
                    Diagnostic(
                        "seed must be an integer from 0 to 4294967295 (numpy's generator takes 32 bits)",
                        at: metaLine("seed"))
                ])
            }
            seed = UInt64(i)
        }
        let allowHTML = (meta["allow-html"] as? Bool) ?? false
        var parameters: [(String, ParameterValue)] = []
        if let p = meta["params"] {
            guard let dict = p as? [String: Any] else {
                throw DiagnosticList([Diagnostic("params must be a mapping of names to values", at: metaLine("params"))]
                )
            }
            // Keep the order the file lists them in.
            let order = lines[..<frontMatterEnd].compactMap { line -> String? in
                let t = line.trimmingCharacters(in: .whitespaces)
                guard line.hasPrefix(" "), let colon = t.firstIndex(of: ":") else { return nil }
                return String(t[..<colon])
            }
            for key in dict.keys.sorted(by: {
                (order.firstIndex(of: $0) ?? Int.max, $0) < (order.firstIndex(of: $1) ?? Int.max, $1)
            }) {
                let v = dict[key]!
                let pv: ParameterValue
                switch v {
                case let b as Bool: pv = .bool(b)
                case let i as Int: pv = .int(i)
                case let d as Double: pv = .double(d)
                case let s as String: pv = .string(s)
                default:
                    throw DiagnosticList([
                        Diagnostic("parameter '\(key)' must be a number, a Bool or a string", at: metaLine("  " + key))
                    ])
                }
                parameters.append((key, pv))
            }
        }

        let sweep = try meta["sweep"].map { try sweepSpec($0, at: metaLine("sweep"), order: parameters.map(\.0)) }

        // Cells: top-level fences whose info string is `swift runbook`.
        var blocks: [NotebookDocument.Block] = []
        var proseStart = frontMatterEnd + 1  // 1-based line where the current prose begins
        var cellIndex = 0
        for fence in codeFences(body) where fence.info.split(separator: " ").prefix(2) == ["swift", "runbook"] {
            let prose = proseText(lines, from: proseStart, to: fence.startLine - 1)
            if !prose.isEmpty { blocks.append(.prose(prose)) }
            let firstLine = fence.startLine + 1
            var literal = fence.literal
            if literal.hasSuffix("\n") { literal.removeLast() }
            let (options, display) = parseOptions(
                literal, firstLine: firstLine, lines: lines, diagnostics: &diagnostics)
            blocks.append(
                .cell(
                    Cell(
                        index: cellIndex, options: options, source: literal, firstLine: firstLine,
                        displaySource: display)))
            cellIndex += 1
            proseStart = fence.endLine + 1
        }
        let tail = proseText(lines, from: proseStart, to: lines.count)
        if !tail.isEmpty { blocks.append(.prose(tail)) }

        let labels = blocks.compactMap { b -> (String, Int)? in
            if case .cell(let c) = b, let l = c.options.label { return (l, c.firstLine) } else { return nil }
        }
        var seen = Set<String>()
        for (label, line) in labels where !seen.insert(label).inserted {
            diagnostics.append(Diagnostic("duplicate cell label '\(label)'", at: range(line: line, in: lines)))
        }
        if !diagnostics.isEmpty { throw DiagnosticList(diagnostics) }
        var document = NotebookDocument(
            path: path, name: name, lines: lines, title: title, seed: seed, parameters: parameters,
            allowHTML: allowHTML, sweep: sweep, blocks: blocks)
        if meta["title"] == nil, case .prose(let first)? = blocks.first, let heading = Markdown.leadingH1(first),
            !heading.trimmingCharacters(in: .whitespaces).isEmpty
        {
            document.title = heading
            document.titleFromHeading = true
        }
        return document
    }

    /// The front matter's `sweep:` mapping: `grid:` and `zip:` (names to lists of values) and
    /// `seeds:` (a count or a list), as `runbook sweep --grid/--zip/--seeds` take them.
    /// Parameters are swept in the order `params:` lists them.
    static func sweepSpec(_ value: Any, at line: SourceRange, order: [String]) throws -> SweepSpec {
        func fail(_ message: String) -> DiagnosticList { DiagnosticList([Diagnostic("sweep: " + message, at: line)]) }
        guard let dict = value as? [String: Any] else { throw fail("must be a mapping with grid:, zip: or seeds:") }
        var spec = SweepSpec()
        for key in dict.keys.sorted() where !["grid", "zip", "seeds"].contains(key) {
            throw fail("unknown key '\(key)' (known: grid, zip, seeds)")
        }
        func text(_ v: Any) -> String? {
            switch v {
            case let b as Bool: return b ? "true" : "false"
            case let i as Int: return String(i)
            case let d as Double: return Value.format(d)
            case let s as String: return s
            default: return nil
            }
        }
        for key in ["grid", "zip"] {
            guard let entry = dict[key] else { continue }
            guard let axes = entry as? [String: Any] else { throw fail("\(key) must map parameter names to lists") }
            for name in axes.keys.sorted(by: {
                (order.firstIndex(of: $0) ?? Int.max, $0) < (order.firstIndex(of: $1) ?? Int.max, $1)
            }) {
                guard let list = axes[name] as? [Any], !list.isEmpty else {
                    throw fail("\(key).\(name) must be a list of values, e.g. [1, 2, 3]")
                }
                let values = list.compactMap(text)
                guard values.count == list.count else {
                    throw fail("\(key).\(name): values are numbers, Bools or strings")
                }
                let axis = SweepSpec.Axis(name: name, values: values)
                if key == "grid" { spec.grid.append(axis) } else { spec.zip.append(axis) }
            }
        }
        if let seeds = dict["seeds"] {
            let text =
                (seeds as? Int).map(String.init) ?? (seeds as? [Int]).map { $0.map(String.init).joined(separator: ",") }
            guard let text else { throw fail("seeds must be a count (3) or a list of seeds ([3, 7, 11])") }
            do { spec.seeds = try SweepSpec.seeds(text) } catch let e as UsageError { throw fail(e.description) }
        }
        return spec
    }

    static func range(line: Int, in lines: [Substring]) -> SourceRange {
        let length = line - 1 < lines.count ? lines[line - 1].count : 0
        return SourceRange(
            SourceLocation(line: line, column: 1), SourceLocation(line: line, column: Swift.max(length, 1) + 1))
    }

    static func yamlDiagnostic(_ error: YamlError, lines: [Substring]) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let message = "malformed front matter: " + ((context?.description).map { $0 + " " } ?? "") + problem
            let loc = SourceLocation(line: mark.line + 1, column: mark.column)
            return Diagnostic(message, at: SourceRange(loc, SourceLocation(line: loc.line, column: loc.column + 1)))
        default:
            return Diagnostic("malformed front matter: \(error)", at: range(line: 1, in: lines))
        }
    }

    /// Lines `from` through `to` (1-based). cmark may place the end of an unclosed fence past the
    /// last line (found by fuzzing), so the range is clamped to the document.
    static func proseText(_ lines: [Substring], from: Int, to: Int) -> String {
        let upper = Swift.min(to, lines.count)
        guard from >= 1, from - 1 < upper else { return "" }
        let text = lines[(from - 1)..<upper].joined(separator: "\n")
        return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "" : text
    }

    struct Fence {
        var info: String
        var literal: String
        var startLine: Int
        var endLine: Int
    }

    /// The fenced code blocks at the top level of a Markdown document, as cmark-gfm sees them.
    static func codeFences(_ markdown: String) -> [Fence] {
        let doc = cmark_parse_document(markdown, markdown.utf8.count, CMARK_OPT_DEFAULT)!
        defer { cmark_node_free(doc) }
        var fences: [Fence] = []
        var node = cmark_node_first_child(doc)
        var length: Int32 = 0, offset: Int32 = 0
        var character: CChar = 0
        while let n = node {
            if cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK,
                cmark_node_get_fenced(n, &length, &offset, &character) != 0
            {
                let info = cmark_node_get_fence_info(n).map { String(cString: $0) } ?? ""
                let literal = cmark_node_get_literal(n).map { String(cString: $0) } ?? ""
                fences.append(
                    Fence(
                        info: info.trimmingCharacters(in: .whitespaces), literal: literal,
                        startLine: Int(cmark_node_get_start_line(n)), endLine: Int(cmark_node_get_end_line(n))))
            }
            node = cmark_node_next(n)
        }
        return fences
    }

    static func parseOptions(
        _ source: String, firstLine: Int, lines: [Substring],
        diagnostics: inout [Diagnostic]
    ) -> (CellOptions, String) {
        var options = CellOptions()
        let cellLines = source.split(separator: "\n", omittingEmptySubsequences: false)
        var consumed = 0
        for (i, line) in cellLines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("//|") else { break }
            consumed = i + 1
            let lineNumber = firstLine + i
            let column = line.distance(from: line.startIndex, to: line.firstIndex(of: "/")!) + 1
            let body = trimmed.dropFirst(3).trimmingCharacters(in: .whitespaces)
            let where_ = SourceRange(
                SourceLocation(line: lineNumber, column: column),
                SourceLocation(line: lineNumber, column: column + trimmed.count))
            guard let colon = body.firstIndex(of: ":") else {
                diagnostics.append(Diagnostic("cell option must be written 'key: value'", at: where_))
                continue
            }
            let key = body[..<colon].trimmingCharacters(in: .whitespaces)
            let value = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            func bool() -> Bool? {
                guard let b = ["true": true, "false": false][value] else {
                    diagnostics.append(Diagnostic("option '\(key)' must be true or false, not '\(value)'", at: where_))
                    return nil
                }
                return b
            }
            func positive() -> Int? {
                guard let n = Int(value), n > 0, n <= 4000 else {
                    diagnostics.append(
                        Diagnostic("option '\(key)' must be a whole number of pixels from 1 to 4000", at: where_))
                    return nil
                }
                return n
            }
            switch key {
            case "label":
                if value.range(of: "^[A-Za-z0-9][A-Za-z0-9_-]*$", options: .regularExpression) == nil {
                    diagnostics.append(
                        Diagnostic(
                            "label must be letters, digits, '-' and '_' (it names files), not '\(value)'", at: where_))
                } else {
                    options.label = value
                }
            case "echo": options.echo = bool() ?? true
            case "output": options.output = bool() ?? true
            case "error":
                if value == "expected" {
                    options.expectError = true
                } else {
                    diagnostics.append(Diagnostic("option 'error' takes the value 'expected'", at: where_))
                }
            case "nan":
                if value == "error" || value == "warn" {
                    options.nanIsError = value == "error"
                } else {
                    diagnostics.append(Diagnostic("option 'nan' takes the value 'error' or 'warn'", at: where_))
                }
            case "timeout":
                // Finite and at most a week: the deadline is counted in nanoseconds.
                if let t = Double(value), t > 0, t <= 604_800 {
                    options.timeout = t
                } else {
                    diagnostics.append(
                        Diagnostic(
                            "option 'timeout' must be a positive number of seconds, at most 604800 (a week)", at: where_
                        ))
                }
            case "width": options.width = positive()
            case "height": options.height = positive()
            case "caption": options.caption = value
            default:
                let known = knownOptions.sorted().joined(separator: ", ")
                diagnostics.append(Diagnostic("unknown cell option '\(key)' (known: \(known))", at: where_))
            }
        }
        let display = cellLines.dropFirst(consumed).joined(separator: "\n")
        return (options, display)
    }
}
