import CCmark
import Foundation

/// Markdown to HTML with cmark-gfm (CommonMark + GitHub tables, strikethrough, autolinks).
/// Raw HTML in prose is replaced by a comment unless the notebook allows it.
enum Markdown {
    static func html(_ markdown: String, allowHTML: Bool) -> String {
        cmark_gfm_core_extensions_ensure_registered()
        let options = allowHTML ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT
        let parser = cmark_parser_new(options)!
        defer { cmark_parser_free(parser) }
        for name in ["table", "strikethrough", "autolink"] {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        cmark_parser_feed(parser, markdown, markdown.utf8.count)
        let doc = cmark_parser_finish(parser)!
        defer { cmark_node_free(doc) }
        let raw = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser))!
        defer { free(raw) }
        return String(cString: raw)
    }
}

/// Escapes text for HTML.
func escapeHTML(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}

/// Swift-like syntax highlighting of cell source into HTML spans.
enum Highlighter {
    static let keywords: Set<String> = [
        "let", "var", "func", "if", "else", "for", "in", "while", "break", "continue",
        "return", "true", "false", "nil", "class", "struct", "init", "self", "super",
    ]

    static func html(_ source: String) -> String {
        let chars = Array(source)
        var out = ""
        var i = 0
        func span(_ cls: String, _ text: String) { out += "<span class=\"\(cls)\">\(escapeHTML(text))</span>" }
        while i < chars.count {
            let c = chars[i]
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "/" {
                var j = i
                while j < chars.count && chars[j] != "\n" { j += 1 }
                span("c", String(chars[i..<j]))
                i = j
            } else if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                var j = i + 2
                while j + 1 < chars.count && !(chars[j] == "*" && chars[j + 1] == "/") { j += 1 }
                j = min(j + 2, chars.count)
                span("c", String(chars[i..<j]))
                i = j
            } else if c == "\"" {
                var j = i + 1
                while j < chars.count && chars[j] != "\"" && chars[j] != "\n" {
                    if chars[j] == "\\" { j += 1 }
                    j += 1
                }
                j = min(j + 1, chars.count)
                span("s", String(chars[i..<j]))
                i = j
            } else if c.isNumber {
                var j = i
                while j < chars.count && (chars[j].isNumber || chars[j] == "." || chars[j] == "_" || chars[j] == "e") {
                    j += 1
                }
                span("n", String(chars[i..<j]))
                i = j
            } else if c.isLetter || c == "_" {
                var j = i
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
                let word = String(chars[i..<j])
                if keywords.contains(word) {
                    span("k", word)
                } else if word.first!.isUppercase {
                    span("t", word)
                } else {
                    out += escapeHTML(word)
                }
                i = j
            } else {
                out += escapeHTML(String(c))
                i += 1
            }
        }
        return out
    }
}
