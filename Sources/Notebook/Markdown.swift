import CCmark
import CellLanguage
import Foundation

/// Markdown to HTML with cmark-gfm (CommonMark + GitHub tables, strikethrough, autolinks).
/// Raw HTML in prose is replaced by a comment unless the notebook allows it.
enum Markdown {
    /// A heading of the page: level, its id (unique in the page) and its text.
    struct Heading: Equatable {
        var level: Int, id: String, text: String
    }

    /// The HTML of `markdown`, with an id and an anchor link on every heading (ids unique among
    /// `ids`, which grows), and the headings in order. `dropLeadingH1`: a first heading of level
    /// 1 is left out (it is the page's title).
    static func html(
        _ markdown: String, allowHTML: Bool, ids: inout Set<String>, dropLeadingH1: Bool = false
    ) -> (html: String, headings: [Heading]) {
        let options = allowHTML ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT
        return parse(markdown, options: options) { doc, extensions in
            if dropLeadingH1, let first = cmark_node_first_child(doc), cmark_node_get_type(first) == CMARK_NODE_HEADING,
                cmark_node_get_heading_level(first) == 1
            {
                cmark_node_unlink(first)
                cmark_node_free(first)
            }
            // Each heading becomes a custom block that writes the tag with its id and anchor.
            var nodes: [OpaquePointer] = []
            var child = cmark_node_first_child(doc)
            while let node = child {
                if cmark_node_get_type(node) == CMARK_NODE_HEADING { nodes.append(node) }
                child = cmark_node_next(node)
            }
            var headings: [Heading] = []
            for node in nodes {
                let level = Int(cmark_node_get_heading_level(node)), text = plainText(node)
                let id = uniqueID(slug(text), &ids)
                headings.append(Heading(level: level, id: id, text: text))
                let block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK)!
                cmark_node_set_on_enter(block, "<h\(level) id=\"\(id)\">")
                cmark_node_set_on_exit(
                    block, "<a class=\"anchor\" href=\"#\(id)\" aria-label=\"Link to this section\">#</a></h\(level)>")
                while let inline = cmark_node_first_child(node) { cmark_node_append_child(block, inline) }
                cmark_node_insert_before(node, block)
                cmark_node_unlink(node)
                cmark_node_free(node)
            }
            let raw = cmark_render_html(doc, options, extensions)!
            defer { free(raw) }
            return (String(cString: raw), headings)
        }
    }

    /// The text of a first heading of level 1, if the Markdown starts with one.
    static func leadingH1(_ markdown: String) -> String? {
        parse(markdown, options: CMARK_OPT_DEFAULT) { doc, _ in
            guard let first = cmark_node_first_child(doc), cmark_node_get_type(first) == CMARK_NODE_HEADING,
                cmark_node_get_heading_level(first) == 1
            else { return nil }
            return plainText(first)
        }
    }

    private static func parse<T>(
        _ markdown: String, options: Int32, _ body: (OpaquePointer, UnsafeMutablePointer<cmark_llist>?) -> T
    ) -> T {
        cmark_gfm_core_extensions_ensure_registered()
        let parser = cmark_parser_new(options)!
        defer { cmark_parser_free(parser) }
        for name in ["table", "strikethrough", "autolink"] {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        cmark_parser_feed(parser, markdown, markdown.utf8.count)
        let doc = cmark_parser_finish(parser)!
        defer { cmark_node_free(doc) }
        return body(doc, cmark_parser_get_syntax_extensions(parser))
    }

    /// The text of a node's inlines, as a reader sees it (no markup, no entities).
    static func plainText(_ node: OpaquePointer) -> String {
        var out = ""
        var child = cmark_node_first_child(node)
        while let c = child {
            switch cmark_node_get_type(c) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE: out += cmark_node_get_literal(c).map { String(cString: $0) } ?? ""
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: out += " "
            case CMARK_NODE_HTML_INLINE: break
            default: out += plainText(c)
            }
            child = cmark_node_next(c)
        }
        return out
    }

    /// "Fit x² (quickly)" → "fit-x²-quickly".
    static func slug(_ text: String) -> String {
        let slug = text.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            .split(separator: "-").joined(separator: "-")
        return slug.isEmpty ? "section" : slug
    }

    /// `base`, or `base-2`, `base-3`, … when taken; the result is added to `ids`.
    static func uniqueID(_ base: String, _ ids: inout Set<String>) -> String {
        var id = base, n = 2
        while ids.contains(id) {
            id = "\(base)-\(n)"
            n += 1
        }
        ids.insert(id)
        return id
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

/// Syntax highlighting of cell source into HTML spans, from the cell language's own lexer (so
/// the report colours exactly what the interpreter reads): keywords, strings (an interpolation's
/// code is highlighted as code), numbers, type names and the comments between tokens.
enum Highlighter {
    static func html(_ source: String) -> String {
        let chars = Array(source)
        // Character offset of each line's start: tokens are located by line and column.
        var lineStarts = [0]
        for (i, c) in chars.enumerated() where c == "\n" { lineStarts.append(i + 1) }
        func offset(_ l: SourceLocation) -> Int {
            min(chars.count, lineStarts[min(max(l.line - 1, 0), lineStarts.count - 1)] + l.column - 1)
        }
        var lexer = Lexer(source)
        var out = ""
        var at = 0
        func span(_ cls: String, _ from: Int, _ to: Int) {
            guard to > from else { return }
            out += "<span class=\"\(cls)\">\(escapeHTML(String(chars[from..<to])))</span>"
        }
        for token in lexer.tokenize() {
            let start = offset(token.range.start), end = offset(token.range.end)
            guard start >= at else { continue }
            gap(chars, at, start, &out)
            switch token.kind {
            case .keyword: span("k", start, end)
            case .int, .double: span("n", start, end)
            case .identifier(let name) where name.first?.isUppercase == true: span("t", start, end)
            case .string(let segments):
                // Literal text in the string's colour; each `\(…)`'s code highlighted as code.
                var from = start
                for case .code(let code, let location) in segments {
                    let codeStart = offset(location), codeEnd = min(codeStart + code.count, end)
                    span("s", from, codeStart)
                    out += html(String(chars[codeStart..<codeEnd]))
                    from = codeEnd
                }
                span("s", from, end)
            case .eof: break
            default: out += escapeHTML(String(chars[start..<end]))
            }
            at = max(at, end)
        }
        gap(chars, at, chars.count, &out)
        return out
    }

    /// What lies between tokens: whitespace and comments (and characters the lexer refused).
    static func gap(_ chars: [Character], _ from: Int, _ to: Int, _ out: inout String) {
        var i = from
        while i < to {
            if chars[i] == "/" && i + 1 < to && (chars[i + 1] == "/" || chars[i + 1] == "*") {
                var j = i + 2
                if chars[i + 1] == "/" {
                    while j < to && chars[j] != "\n" { j += 1 }
                } else {
                    // Block comments nest, as the lexer reads them.
                    var depth = 1
                    while j < to && depth > 0 {
                        if chars[j] == "*" && j + 1 < to && chars[j + 1] == "/" {
                            depth -= 1
                            j += 2
                        } else if chars[j] == "/" && j + 1 < to && chars[j + 1] == "*" {
                            depth += 1
                            j += 2
                        } else {
                            j += 1
                        }
                    }
                }
                out += "<span class=\"c\">\(escapeHTML(String(chars[i..<j])))</span>"
                i = j
            } else {
                out += escapeHTML(String(chars[i]))
                i += 1
            }
        }
    }
}
