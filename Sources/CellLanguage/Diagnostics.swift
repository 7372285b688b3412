/// A place in a source file: 1-based line and column (columns count characters).
public struct SourceLocation: Hashable, Sendable, Comparable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A half-open range of source text, possibly spanning lines.
public struct SourceRange: Hashable, Sendable {
    public var start: SourceLocation
    public var end: SourceLocation
    public init(_ start: SourceLocation, _ end: SourceLocation) {
        self.start = start
        self.end = end
    }
    public static func + (a: SourceRange, b: SourceRange) -> SourceRange { SourceRange(a.start, b.end) }
}

/// A message about a range of the source: an error from the lexer, parser or interpreter.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning, note }
    public var severity: Severity
    public var message: String
    public var range: SourceRange

    public init(_ message: String, at range: SourceRange, severity: Severity = .error) {
        self.message = message
        self.range = range
        self.severity = severity
    }

    public var description: String { "\(range.start.line):\(range.start.column): \(severity.rawValue): \(message)" }

    /// `file:line:col: error: message`, the source line, and a caret under the range:
    ///
    ///     x2fit.md:42:17: error: cannot find 'netwrk' in scope
    ///     let out = netwrk(x)
    ///               ^~~~~~
    public func rendered(file: String, lines: [Substring]) -> String {
        var out = "\(file):\(range.start.line):\(range.start.column): \(severity.rawValue): \(message)"
        let index = range.start.line - 1
        guard index >= 0, index < lines.count else { return out }
        let line = String(lines[index]).replacingTabs()
        let startColumn = Swift.max(1, range.start.column)
        var width = range.end.line == range.start.line ? range.end.column - startColumn : line.count + 1 - startColumn
        width = Swift.max(1, Swift.min(width, Swift.max(1, line.count + 1 - startColumn)))
        out +=
            "\n" + line + "\n" + String(repeating: " ", count: startColumn - 1) + "^"
            + String(repeating: "~", count: width - 1)
        return out
    }
}

extension String {
    func replacingTabs() -> String { replacingOccurrences(of: "\t", with: " ") }
}

/// Several diagnostics from one phase (the parser recovers and reports all it finds).
public struct DiagnosticList: Error, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
