/// Turns cell source into tokens. Locations are given in the enclosing file: the lexer is told
/// where the cell's first line starts.
public struct Lexer {
    /// A character for a message: quoted when it is visible, by its code point when it is a
    /// control, format or space character that would print as nothing (U+0000, U+200B).
    static func describe(_ c: Character) -> String {
        let invisible = c.unicodeScalars.contains {
            $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
                || $0.properties.generalCategory == .spaceSeparator || $0.properties.generalCategory == .unassigned
        }
        let codes = c.unicodeScalars.map { "U+" + String(String($0.value, radix: 16, uppercase: true).leftPadded(4)) }
        return invisible ? codes.joined(separator: " ") : "'\(c)'"
    }

    let chars: [Character]
    var index = 0
    var line: Int
    var column = 1
    var sawNewline = true
    var sawSpace = true
    var diagnostics: [Diagnostic] = []

    static let symbols = [
        "===", "!==", "**", "..<", "...", "??", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "->",
        "+", "-", "*", "/", "%", "=", "<", ">", "!", "(", ")", "[", "]", "{", "}", ",", ":",
        ".", ";", "?", "_", "$",
    ]

    public init(_ source: String, firstLine: Int = 1, firstColumn: Int = 1) {
        chars = Array(source)
        line = firstLine
        column = firstColumn
    }

    var location: SourceLocation { SourceLocation(line: line, column: column) }

    func peek(_ offset: Int = 0) -> Character? {
        index + offset < chars.count ? chars[index + offset] : nil
    }

    mutating func advance() -> Character {
        let c = chars[index]
        index += 1
        if c == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        return c
    }

    /// All tokens, ending with `.eof`; lexical errors are collected in `diagnostics`.
    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        while true {
            skipTrivia()
            let start = location
            guard let c = peek() else {
                // End of cell: reported at the end of the last token, where something is missing.
                let end = tokens.last?.range.end ?? start
                tokens.append(
                    Token(kind: .eof, range: SourceRange(end, end), atLineStart: sawNewline, spaceBefore: true))
                return tokens
            }
            var kind: Token.Kind
            if c.isLetter || c == "_" && (peek(1).map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false) {
                var s = ""
                while let d = peek(), d.isLetter || d.isNumber || d == "_" { s.append(advance()) }
                kind = Token.keywords.contains(s) ? .keyword(s) : .identifier(s)
            } else if c.isNumber {
                kind = number()
            } else if c == "\"" {
                kind = string(start)
            } else if c == "$", let d = peek(1), d.isNumber {
                _ = advance()
                var s = "$"
                while let d = peek(), d.isNumber { s.append(advance()) }
                kind = .identifier(s)
            } else if let sym = Lexer.symbols.first(where: { matches($0) }) {
                for _ in sym { _ = advance() }
                kind = .symbol(sym)
            } else {
                _ = advance()
                // Python's matrix-product operator, typed from habit.
                let hint = c == "@" ? ": '@' is not an operator in Swift, write a.matmul(b) or matmul(a, b)" : ""
                diagnostics.append(
                    Diagnostic("unexpected character \(Lexer.describe(c))\(hint)", at: SourceRange(start, location)))
                continue
            }
            tokens.append(
                Token(kind: kind, range: SourceRange(start, location), atLineStart: sawNewline, spaceBefore: sawSpace))
            sawNewline = false
            sawSpace = false
        }
    }

    func matches(_ s: String) -> Bool {
        var i = 0
        for ch in s {
            guard peek(i) == ch else { return false }
            i += 1
        }
        return true
    }

    mutating func skipTrivia() {
        while let c = peek() {
            if c == "\n" {
                sawNewline = true
                sawSpace = true
                _ = advance()
            } else if c.isWhitespace {
                sawSpace = true
                _ = advance()
            } else if c == "/" && peek(1) == "/" {
                while let d = peek(), d != "\n" { _ = advance() }
            } else if c == "/" && peek(1) == "*" {
                let start = location
                _ = advance()
                _ = advance()
                var depth = 1
                while depth > 0 {
                    guard peek() != nil else {
                        diagnostics.append(Diagnostic("unterminated '/*' comment", at: SourceRange(start, location)))
                        return
                    }
                    if matches("*/") {
                        _ = advance()
                        _ = advance()
                        depth -= 1
                    } else if matches("/*") {
                        _ = advance()
                        _ = advance()
                        depth += 1
                    } else {
                        if peek() == "\n" { sawNewline = true }
                        _ = advance()
                    }
                }
                sawSpace = true
            } else {
                return
            }
        }
    }

    mutating func number() -> Token.Kind {
        let start = location
        var s = ""
        var isDouble = false
        func digits() {
            while let d = peek(), d.isNumber || d == "_" {
                let c = advance()
                if c != "_" { s.append(c) }
            }
        }
        digits()
        if peek() == ".", let d = peek(1), d.isNumber {
            isDouble = true
            s.append(advance())
            digits()
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1) == "+" || peek(1) == "-"
            if let d = peek(sign ? 2 : 1), d.isNumber {
                isDouble = true
                s.append(advance())
                if sign { s.append(advance()) }
                digits()
            }
        }
        if isDouble, let v = Double(s) { return .double(v) }
        if let v = Int(s) { return .int(v) }
        diagnostics.append(Diagnostic("integer literal '\(s)' overflows", at: SourceRange(start, location)))
        return .int(0)
    }

    mutating func string(_ start: SourceLocation) -> Token.Kind {
        _ = advance()  // opening quote
        var segments: [Token.StringSegment] = []
        var text = ""
        while true {
            guard let c = peek(), c != "\n" else {
                diagnostics.append(Diagnostic("unterminated string literal", at: SourceRange(start, location)))
                break
            }
            _ = advance()
            if c == "\"" { break }
            guard c == "\\" else {
                text.append(c)
                continue
            }
            guard let e = peek() else { continue }
            let escapeStart = location
            _ = advance()
            switch e {
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "\"": text.append("\"")
            case "\\": text.append("\\")
            case "0": text.append("\0")
            case "(":
                if !text.isEmpty {
                    segments.append(.text(text))
                    text = ""
                }
                let codeStart = location
                var depth = 1, code = ""
                while let d = peek(), d != "\n" {
                    if d == "(" { depth += 1 }
                    if d == ")" {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    if d == "\"" {  // a nested string literal
                        code.append(advance())
                        while let q = peek(), q != "\"", q != "\n" { code.append(advance()) }
                        if peek() == "\"" { code.append(advance()) }
                        continue
                    }
                    code.append(advance())
                }
                if peek() == ")" {
                    _ = advance()
                } else {
                    diagnostics.append(
                        Diagnostic("unterminated interpolation in string literal", at: SourceRange(codeStart, location))
                    )
                }
                segments.append(.code(code, codeStart))
            default:
                diagnostics.append(
                    Diagnostic(
                        "invalid escape sequence '\\\(e)' in string literal", at: SourceRange(escapeStart, location)))
            }
        }
        if !text.isEmpty || segments.isEmpty { segments.append(.text(text)) }
        return .string(segments)
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
