/// The lexical units of the cell language.
public struct Token: Sendable {
    public enum Kind: Equatable, Sendable {
        case identifier(String)
        case keyword(String)
        case int(Int)
        case double(Double)
        case string([StringSegment])
        case symbol(String)  // operators and punctuation
        case eof
    }

    /// A piece of a string literal: text, or the source of an interpolated `\(…)` expression.
    public enum StringSegment: Equatable, Sendable {
        case text(String)
        case code(String, SourceLocation)
    }

    public var kind: Kind
    public var range: SourceRange
    /// True when a line break separates this token from the previous one.
    public var atLineStart: Bool
    /// True when whitespace (or a line break) comes right before this token.
    public var spaceBefore: Bool

    static let keywords: Set<String> = [
        "let", "var", "func", "if", "else", "for", "in", "while", "break", "continue", "return",
        "true", "false", "nil", "class", "struct", "init", "self", "super",
    ]
}

extension Token.Kind {
    var text: String {
        switch self {
        case .identifier(let s), .keyword(let s), .symbol(let s): return s
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .string: return "string literal"
        case .eof: return "end of cell"
        }
    }
}
