/// A recursive-descent parser with one method per precedence level (Swift's precedence), that
/// recovers at the next line after an error so one run reports several syntax errors.
public struct Parser {
    var tokens: [Token]
    var current = 0
    public private(set) var diagnostics: [Diagnostic] = []
    /// In `if`/`for`/`while` heads a `{` opens the body, never a trailing closure.
    var allowTrailingClosure = true
    /// How many expressions and blocks are being parsed inside one another (see `maximumDepth`).
    var nesting = 0
    var blockNesting = 0
    /// The second and later bindings of `let a = 1, b = 2`, added after the first by the caller.
    var moreBindings: [Stmt] = []

    public init(tokens: [Token]) { self.tokens = tokens }

    /// Lexes and parses a whole cell. Throws every lexical and syntax error found.
    public static func parse(_ source: String, firstLine: Int = 1, firstColumn: Int = 1) throws -> [Stmt] {
        var lexer = Lexer(source, firstLine: firstLine, firstColumn: firstColumn)
        let tokens = lexer.tokenize()
        var parser = Parser(tokens: tokens)
        let program = parser.parseProgram()
        // A bad character already explains whatever the parser then trips over on that line.
        let lexLines = Set(lexer.diagnostics.map(\.range.start.line))
        let parseErrors = parser.diagnostics.filter { !lexLines.contains($0.range.start.line) }
        let all = (lexer.diagnostics + parseErrors).sorted { $0.range.start < $1.range.start }
        if !all.isEmpty { throw DiagnosticList(all) }
        return program
    }

    struct ParseError: Error {}

    // MARK: - Token helpers

    var token: Token { tokens[current] }
    var previous: Token { tokens[Swift.max(current - 1, 0)] }
    var atEnd: Bool { token.kind == .eof }

    func check(_ symbol: String) -> Bool { token.kind == .symbol(symbol) }
    func checkKeyword(_ k: String) -> Bool { token.kind == .keyword(k) }

    @discardableResult
    mutating func advance() -> Token {
        let t = token
        if !atEnd { current += 1 }
        return t
    }

    mutating func match(_ symbol: String) -> Bool {
        if check(symbol) {
            advance()
            return true
        }
        return false
    }

    mutating func matchKeyword(_ k: String) -> Bool {
        if checkKeyword(k) {
            advance()
            return true
        }
        return false
    }

    mutating func expect(_ symbol: String, _ context: String) throws -> Token {
        if check(symbol) { return advance() }
        throw error("expected '\(symbol)' \(context)")
    }

    mutating func identifier(_ context: String) throws -> (String, SourceRange) {
        if case .identifier(let name) = token.kind {
            let t = advance()
            return (name, t.range)
        }
        throw error("expected \(context)")
    }

    mutating func error(_ message: String, at range: SourceRange? = nil) -> ParseError {
        let found = atEnd ? "end of cell" : "'\(token.kind.text)'"
        let text = range == nil ? "\(message), found \(found)" : message
        diagnostics.append(Diagnostic(text, at: range ?? token.range))
        return ParseError()
    }

    // MARK: - Statements

    public mutating func parseProgram() -> [Stmt] {
        var program = statements()
        while check("}") {  // a brace with nothing to close
            _ = error("unexpected '}'", at: token.range)
            advance()
            program += statements()
        }
        return program
    }

    /// Statements up to a closing brace or the end, recovering after each error.
    mutating func statements() -> [Stmt] {
        var statements: [Stmt] = []
        while !atEnd && !check("}") {
            if match(";") { continue }
            do {
                statements.append(try statement())
                statements += moreBindings
                moreBindings = []
                try endOfStatement()
            } catch {
                synchronize()
            }
        }
        return statements
    }

    mutating func endOfStatement() throws {
        if atEnd || check("}") || token.atLineStart { return }
        if match(";") { return }
        throw error("consecutive statements on a line must be separated by ';'", at: token.range)
    }

    /// Skips to the start of the next line, to report the errors that follow.
    mutating func synchronize() {
        advance()
        while !atEnd && !token.atLineStart { advance() }
    }

    mutating func block(_ context: String) throws -> [Stmt] {
        blockNesting += 1
        defer { blockNesting -= 1 }
        guard blockNesting <= Parser.maximumBlockNesting else {
            throw error("blocks nested too deeply (more than \(Parser.maximumBlockNesting) levels)", at: token.range)
        }
        _ = try expect("{", context)
        let statements = self.statements()
        _ = try expect("}", "to close the block")
        return statements
    }

    mutating func statement() throws -> Stmt {
        let start = token.range
        switch token.kind {
        case .keyword("let"), .keyword("var"):
            return try binding()
        case .keyword("func"):
            advance()
            return Stmt(.function(try function(start)), start + previous.range)
        case .keyword("class"), .keyword("struct"):
            return try classDeclaration()
        case .keyword("if"):
            return try ifStatement()
        case .keyword("for"):
            advance()
            // `for var p in …` makes the loop variable mutable; `for let` is allowed too.
            let mutable = matchKeyword("var")
            if !mutable { _ = matchKeyword("let") }
            let pattern = try self.pattern()
            guard matchKeyword("in") else { throw error("expected 'in' after for-loop pattern") }
            let sequence = try headExpression()
            let body = try block("to open the loop body")
            return Stmt(.for(pattern, sequence, body, mutable: mutable), start + previous.range)
        case .keyword("while"):
            advance()
            let condition = try headExpression()
            let body = try block("to open the loop body")
            return Stmt(.while(condition, body), start + previous.range)
        case .keyword("break"):
            advance()
            return Stmt(.break, start)
        case .keyword("continue"):
            advance()
            return Stmt(.continue, start)
        case .keyword("return"):
            advance()
            if atEnd || check("}") || check(";") || token.atLineStart { return Stmt(.return(nil), start) }
            let value = try expression()
            return Stmt(.return(value), start + value.range)
        default:
            let target = try expression()
            for op in ["=", "+=", "-=", "*=", "/=", "%="] where check(op) {
                advance()
                let value = try expression()
                return Stmt(.assign(target, op, value), target.range + value.range)
            }
            return Stmt(.expression(target), target.range)
        }
    }

    mutating func headExpression() throws -> Expr {
        let saved = allowTrailingClosure
        allowTrailingClosure = false
        defer { allowTrailingClosure = saved }
        return try expression()
    }

    /// `let a = 1` — and `let a = 1, b = 2`, whose further bindings wait in `moreBindings` for the
    /// caller to add after the first.
    mutating func binding() throws -> Stmt {
        let start = advance().range
        let mutable = previous.kind == .keyword("var")
        var bindings: [Stmt] = []
        repeat {
            let itemStart = token.range
            let pattern = try self.pattern()
            var type: TypeAnnotation?
            if match(":") { type = try typeAnnotation() }
            var value: Expr?
            if match("=") { value = try expression() }
            if value == nil, case .tuple = pattern {
                throw error("a tuple pattern needs a value", at: start + previous.range)
            }
            bindings.append(
                Stmt(
                    .binding(mutable: mutable, pattern, type, value),
                    (bindings.isEmpty ? start : itemStart) + previous.range))
        } while match(",")
        moreBindings += bindings.dropFirst()
        return bindings[0]
    }

    mutating func pattern() throws -> Pattern {
        if match("_") { return .wildcard }
        if match("(") {
            var items: [Pattern] = []
            if !check(")") {
                repeat { items.append(try pattern()) } while match(",")
            }
            _ = try expect(")", "to close the tuple pattern")
            return .tuple(items)
        }
        let (name, range) = try identifier("a name")
        return .name(name, range)
    }

    mutating func typeAnnotation() throws -> TypeAnnotation {
        var type: TypeAnnotation
        if match("[") {
            let element = try typeAnnotation()
            if match(":") {
                type = .dictionary(element, try typeAnnotation())
                _ = try expect("]", "to close the dictionary type")
            } else {
                type = .array(element)
                _ = try expect("]", "to close the array type")
            }
        } else if match("(") {
            var items: [TypeAnnotation] = []
            if !check(")") { repeat { items.append(try typeAnnotation()) } while match(",") }
            _ = try expect(")", "to close the tuple type")
            // `(A, B) -> R`: a function type.
            if match("->") {
                type = .function(items, try typeAnnotation())
            } else {
                type = .tuple(items)
            }
        } else {
            let (name, _) = try identifier("a type name")
            type = .named(name)
        }
        while check("?") && !token.spaceBefore {
            advance()
            type = .optional(type)
        }
        return type
    }

    mutating func function(_ start: SourceRange, name given: String? = nil) throws -> FunctionDecl {
        let name = try given ?? identifier("a function name").0
        _ = try expect("(", "to open the parameter list")
        var parameters: [Parameter] = []
        if !check(")") {
            repeat {
                let pstart = token.range
                var label: String?
                var pname: String
                if match("_") {
                    label = nil
                    pname = try identifier("a parameter name").0
                } else {
                    let first = try identifier("a parameter name").0
                    if case .identifier(let second) = token.kind {
                        advance()
                        label = first
                        pname = second
                    } else {
                        label = first
                        pname = first
                    }
                }
                var type: TypeAnnotation?
                if match(":") { type = try typeAnnotation() }
                var defaultValue: Expr?
                if match("=") { defaultValue = try expression() }
                parameters.append(
                    Parameter(
                        label: label, name: pname, type: type, defaultValue: defaultValue,
                        range: pstart + previous.range))
            } while match(",")
        }
        _ = try expect(")", "to close the parameter list")
        var returnType: TypeAnnotation?
        if match("->") { returnType = try typeAnnotation() }
        let body = try block("to open the function body")
        return FunctionDecl(
            name: name, parameters: parameters, returnType: returnType, body: body, range: start + previous.range)
    }

    mutating func classDeclaration() throws -> Stmt {
        let start = advance().range
        let (name, _) = try identifier("a class name")
        var superclass: (String, SourceRange)?
        if match(":") { superclass = try identifier("a superclass name") }
        _ = try expect("{", "to open the class body")
        var members: [Stmt] = []
        while !check("}") && !atEnd {
            if match(";") { continue }
            do {
                let mstart = token.range
                switch token.kind {
                case .keyword("let"), .keyword("var"):
                    members.append(try binding())
                    members += moreBindings
                    moreBindings = []
                case .keyword("func"):
                    advance()
                    members.append(Stmt(.function(try function(mstart)), mstart + previous.range))
                case .keyword("init"):
                    advance()
                    members.append(Stmt(.function(try function(mstart, name: "init")), mstart + previous.range))
                default:
                    throw error("expected 'let', 'var', 'func' or 'init' in the body of class \(name)")
                }
                try endOfStatement()
            } catch {
                synchronize()
            }
        }
        _ = try expect("}", "to close the class body")
        return Stmt(
            .class(ClassDecl(name: name, superclass: superclass, members: members, range: start + previous.range)),
            start + previous.range)
    }

    mutating func ifStatement() throws -> Stmt {
        let start = advance().range
        let condition = try headExpression()
        let then = try block("to open the body of 'if'")
        var otherwise: [Stmt]?
        if matchKeyword("else") {
            if checkKeyword("if") { otherwise = [try ifStatement()] } else { otherwise = try block("after 'else'") }
        }
        return Stmt(.if(condition, then, otherwise), start + previous.range)
    }

    // MARK: - Expressions, lowest precedence first

    /// The deepest expression tree, and the most blocks inside one another, a cell may have:
    /// deeper ones would overflow the stack of the parser, the resolver or the interpreter.
    static let maximumDepth = 600
    static let maximumBlockNesting = 200

    public mutating func expression() throws -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Parser.maximumDepth else {
            throw error("expression nested too deeply (more than \(Parser.maximumDepth) levels)", at: token.range)
        }
        let e = try ternary()
        guard e.depth <= Parser.maximumDepth else {
            throw error(
                "expression too complex: more than \(Parser.maximumDepth) operations inside one another; split it with 'let'",
                at: e.range)
        }
        return e
    }

    mutating func ternary() throws -> Expr {
        let condition = try or()
        if check("?") && token.spaceBefore {
            advance()
            let a = try ternary()
            _ = try expect(":", "in ternary expression")
            let b = try ternary()
            return Expr(.ternary(condition, a, b), condition.range + b.range)
        }
        return condition
    }

    mutating func binaryLevel(_ ops: Set<String>, _ next: (inout Parser) throws -> Expr) throws -> Expr {
        var left = try next(&self)
        while case .symbol(let op) = token.kind, ops.contains(op), continuesExpression() {
            advance()
            let right = try next(&self)
            left = Expr(.binary(BinaryOperator(rawValue: op)!, left, right), left.range + right.range)
        }
        return left
    }

    /// A binary operator at the start of a line continues the expression only when spaced like
    /// a binary operator (`\n  + x`), not like a prefix one (`\n-x`).
    func continuesExpression() -> Bool {
        guard token.atLineStart else { return true }
        let next = tokens[Swift.min(current + 1, tokens.count - 1)]
        return next.spaceBefore
    }

    mutating func or() throws -> Expr { try binaryLevel(["||"]) { try $0.and() } }
    mutating func and() throws -> Expr { try binaryLevel(["&&"]) { try $0.comparison() } }

    mutating func comparison() throws -> Expr {
        let left = try nilCoalescing()
        if case .symbol(let op) = token.kind, ["==", "!=", "===", "!==", "<", "<=", ">", ">="].contains(op),
            continuesExpression()
        {
            advance()
            let right = try nilCoalescing()
            if case .symbol(let op2) = token.kind, ["==", "!=", "===", "!==", "<", "<=", ">", ">="].contains(op2) {
                throw error("adjacent comparison operators are not allowed; use '&&'", at: token.range)
            }
            return Expr(.binary(BinaryOperator(rawValue: op)!, left, right), left.range + right.range)
        }
        return left
    }

    /// `a ?? b` (right-associative).
    mutating func nilCoalescing() throws -> Expr {
        let left = try range()
        if check("??") && continuesExpression() {
            advance()
            let right = try nilCoalescing()
            return Expr(.binary(.nilCoalescing, left, right), left.range + right.range)
        }
        return left
    }

    mutating func range() throws -> Expr {
        // Prefix forms: `..<b`, `...b`, and `...` alone.
        if check("..<") || check("...") {
            let op = advance()
            if check("]") || check(",") || check(")") {
                return Expr(.range(nil, nil, closed: true), op.range)
            }
            let upper = try additive()
            return Expr(.range(nil, upper, closed: op.kind == .symbol("...")), op.range + upper.range)
        }
        let lower = try additive()
        if check("..<") || check("...") {
            let op = advance()
            if check("]") || check(",") || check(")") {
                return Expr(.range(lower, nil, closed: true), lower.range + op.range)
            }
            let upper = try additive()
            return Expr(.range(lower, upper, closed: op.kind == .symbol("...")), lower.range + upper.range)
        }
        return lower
    }

    mutating func additive() throws -> Expr { try binaryLevel(["+", "-"]) { try $0.multiplicative() } }
    mutating func multiplicative() throws -> Expr {
        let e = try binaryLevel(["*", "/", "%"]) { try $0.prefix() }
        if check("**") {
            throw error("'**' is not an operator in Swift: write x.pow(2) or pow(x, 2)", at: token.range)
        }
        return e
    }

    mutating func prefix() throws -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Parser.maximumDepth else {
            throw error("expression nested too deeply (more than \(Parser.maximumDepth) levels)", at: token.range)
        }
        if check("-") || check("!") || check("+") {
            let op = advance()
            let operand = try prefix()
            return Expr(.prefix(op.kind.text, operand), op.range + operand.range)
        }
        return try postfix()
    }

    mutating func postfix() throws -> Expr {
        var expr = try primary()
        while true {
            if check("(") && !token.atLineStart {
                advance()
                let args = try arguments(closing: ")")
                expr = Expr(.call(expr, args), expr.range + previous.range)
            } else if check("[") && !token.atLineStart {
                advance()
                let args = try arguments(closing: "]")
                expr = Expr(.subscript(expr, args), expr.range + previous.range)
            } else if check(".") {
                advance()
                let name: String
                switch token.kind {
                case .identifier(let n), .keyword(let n):
                    name = n
                    advance()
                case .int(let i):
                    name = String(i)
                    advance()  // tuple element: t.0
                default: throw error("expected a member name after '.'")
                }
                expr = Expr(.member(expr, name), expr.range + previous.range)
            } else if check("!") && !token.spaceBefore {
                advance()
                expr = Expr(.forceUnwrap(expr), expr.range + previous.range)
            } else if check("{") && allowTrailingClosure && !token.atLineStart {
                let closure = try self.closure()
                if case .call(let callee, var args) = expr.kind {
                    args.append(Argument(label: nil, value: closure))
                    expr = Expr(.call(callee, args), expr.range + closure.range)
                } else {
                    expr = Expr(.call(expr, [Argument(label: nil, value: closure)]), expr.range + closure.range)
                }
            } else {
                return expr
            }
        }
    }

    mutating func arguments(closing: String) throws -> [Argument] {
        var args: [Argument] = []
        let saved = allowTrailingClosure
        allowTrailingClosure = true
        defer { allowTrailingClosure = saved }
        if match(closing) { return args }
        repeat {
            var label: String?
            if case .identifier(let name) = token.kind, tokens[current + 1].kind == .symbol(":") {
                label = name
                advance()
                advance()
            }
            args.append(Argument(label: label, value: try operatorFunction() ?? expression()))
        } while match(",")
        _ = try expect(closing, "to close the argument list")
        return args
    }

    /// An operator passed as a function (`reduce(0, +)`, `sorted(by: >)`): the closure
    /// `{ $0 op $1 }`.
    mutating func operatorFunction() -> Expr? {
        guard case .symbol(let op) = token.kind, ["+", "-", "*", "/", "<", ">", "<=", ">=", "==", "!="].contains(op)
        else { return nil }
        let next = tokens[Swift.min(current + 1, tokens.count - 1)].kind
        guard next == .symbol(",") || next == .symbol(")") else { return nil }
        return operatorClosure(op)
    }

    mutating func operatorClosure(_ op: String) -> Expr {
        let range = advance().range
        let a = Expr(.identifier("$0"), range), b = Expr(.identifier("$1"), range)
        return Expr(
            .closure(
                params: [], body: [Stmt(.expression(Expr(.binary(BinaryOperator(rawValue: op)!, a, b), range)), range)]),
            range)
    }

    mutating func closure() throws -> Expr {
        let start = try expect("{", "to open the closure").range
        var params: [String] = []
        // `{ x in …}` or `{ (a, b) in …}`: look ahead for `in` before any other statement.
        let saved = current
        var names: [String] = []
        if match("(") {
            while case .identifier(let n) = token.kind {
                names.append(n)
                advance()
                if !match(",") { break }
            }
            _ = match(")")
        } else {
            while case .identifier(let n) = token.kind {
                names.append(n)
                advance()
                if !match(",") { break }
            }
        }
        if !names.isEmpty && matchKeyword("in") { params = names } else { current = saved }
        var body: [Stmt] = []
        while !check("}") && !atEnd {
            if match(";") { continue }
            body.append(try statement())
            body += moreBindings
            moreBindings = []
            try endOfStatement()
        }
        _ = try expect("}", "to close the closure")
        return Expr(.closure(params: params, body: body), start + previous.range)
    }

    mutating func primary() throws -> Expr {
        let t = token
        switch t.kind {
        case .int(let v):
            advance()
            return Expr(.int(v), t.range)
        case .double(let v):
            advance()
            return Expr(.double(v), t.range)
        case .keyword("true"):
            advance()
            return Expr(.bool(true), t.range)
        case .keyword("false"):
            advance()
            return Expr(.bool(false), t.range)
        case .keyword("nil"):
            advance()
            return Expr(.nil, t.range)
        case .keyword("self"):
            advance()
            return Expr(.self, t.range)
        case .keyword("init"):
            advance()
            return Expr(.identifier("init"), t.range)
        case .identifier(let name):
            advance()
            return Expr(.identifier(name), t.range)
        case .string(let segments):
            advance()
            var parts: [Expr.StringPart] = []
            for segment in segments {
                switch segment {
                case .text(let s): parts.append(.text(s))
                case .code(let code, let location):
                    var lexer = Lexer(code, firstLine: location.line, firstColumn: location.column)
                    let inner = lexer.tokenize()
                    diagnostics += lexer.diagnostics
                    var sub = Parser(tokens: inner)
                    if let e = try? sub.expression(), sub.atEnd {
                        parts.append(.expr(e))
                    } else {
                        diagnostics +=
                            sub.diagnostics.isEmpty
                            ? [
                                Diagnostic(
                                    "expected an expression in string interpolation",
                                    at: SourceRange(location, location))
                            ]
                            : sub.diagnostics
                    }
                }
            }
            return Expr(.string(parts), t.range)
        case .symbol("("):
            advance()
            if match(")") { return Expr(.tuple([]), t.range + previous.range) }
            let first = try expression()
            if match(")") { return first }
            var items = [first]
            while match(",") { items.append(try expression()) }
            _ = try expect(")", "to close the parenthesized expression")
            return Expr(.tuple(items), t.range + previous.range)
        case .symbol("["):
            advance()
            if match(":") {
                _ = try expect("]", "to close the empty dictionary literal")
                return Expr(.dictionary([]), t.range + previous.range)
            }
            var items: [Expr] = []
            var pairs: [(Expr, Expr)] = []
            if !check("]") {
                repeat {
                    if check("]") { break }  // trailing comma
                    let item = try expression()
                    if match(":") {
                        guard items.isEmpty else { throw error("expected ',' or ']' in array literal") }
                        pairs.append((item, try expression()))
                    } else {
                        guard pairs.isEmpty else { throw error("expected ':' in dictionary literal") }
                        items.append(item)
                    }
                } while match(",")
            }
            _ = try expect("]", pairs.isEmpty ? "to close the array literal" : "to close the dictionary literal")
            return Expr(pairs.isEmpty ? .array(items) : .dictionary(pairs), t.range + previous.range)
        case .symbol("{"):
            return try closure()
        default:
            throw error("expected an expression")
        }
    }
}
