/// A pass between the parser and the interpreter (craftinginterpreters' `Resolver`): it walks a
/// cell once before it runs and
/// - reports what can never run: `break`/`continue` outside a loop, `return` outside a function
///   or closure, `=` to a name declared with `let` (in this cell, or a global `let`);
/// - marks each identifier that no enclosing block, function or closure declares (and that is
///   not inside a class, where a bare name may be a field) as global, so the interpreter looks it
///   up in the globals once per node and keeps the binding (`Expr.global`).
struct Resolver {
    /// The names one block declares, and whether each is constant (`let`, `func`, `class`, a
    /// loop or parameter name) when every declaration of it there is.
    private var blocks: [[String: Bool]] = []
    /// The slots of each block in `blocks`.
    private var layouts: [SlotLayout] = []
    private var loops = 0
    private var functions = 0
    private var classes = 0
    private var diagnostics: [Diagnostic] = []
    /// Whether a global from an earlier cell is a `let` constant (nil: no such global).
    private let globalIsConstant: (String) -> Bool?

    init(globalIsConstant: @escaping (String) -> Bool?) {
        self.globalIsConstant = globalIsConstant
    }

    /// Resolves a cell's statements (run in the globals); throws every error found.
    static func resolve(_ program: [Stmt], globalIsConstant: @escaping (String) -> Bool?) throws {
        var r = Resolver(globalIsConstant: globalIsConstant)
        // The cell's own top level declares globals: constant unless declared with `var`.
        var top: [String: Bool] = [:]
        for s in program { r.declarations(of: s, into: &top) }
        r.topLevel = top
        r.statements(program)
        if r.diagnostics.count == 1 { throw r.diagnostics[0] }
        if !r.diagnostics.isEmpty { throw DiagnosticList(r.diagnostics) }
    }

    private var topLevel: [String: Bool] = [:]

    // MARK: - Declarations

    /// Adds the names a statement declares in its block.
    private func declarations(of s: Stmt, into names: inout [String: Bool]) {
        func add(_ name: String, constant: Bool) { names[name] = (names[name] ?? true) && constant }
        switch s.kind {
        case .binding(let mutable, let pattern, _, _):
            for n in Resolver.names(in: pattern) { add(n, constant: !mutable) }
        case .function(let f): add(f.name, constant: true)
        case .class(let c): add(c.name, constant: true)
        default: break
        }
    }

    static func names(in pattern: Pattern) -> [String] {
        switch pattern {
        case .name(let n, _): return [n]
        case .wildcard: return []
        case .tuple(let ps): return ps.flatMap(names)
        }
    }

    /// Resolves a block; returns its slots: the names it declares, parameters first, in order.
    @discardableResult
    private mutating func block(_ body: [Stmt], declaring extra: [(String, Bool)] = []) -> SlotLayout {
        var names: [String: Bool] = [:]
        let layout = SlotLayout()
        func slot(_ name: String) {
            if layout.index[name] == nil { layout.index[name] = layout.index.count }
        }
        for (name, constant) in extra {
            names[name] = constant
            slot(name)
        }
        for s in body {
            var declared: [String: Bool] = [:]
            declarations(of: s, into: &declared)
            for (name, constant) in declared.sorted(by: { $0.key < $1.key }) {
                names[name] = (names[name] ?? true) && constant
                slot(name)
            }
        }
        blocks.append(names)
        layouts.append(layout)
        statements(body)
        blocks.removeLast()
        layouts.removeLast()
        return layout
    }

    private mutating func statements(_ body: [Stmt]) {
        for s in body { statement(s) }
    }

    // MARK: - Statements

    private mutating func statement(_ s: Stmt) {
        switch s.kind {
        case .expression(let e): expression(e)
        case .binding(_, let pattern, _, let e):
            e.map { expression($0) }
            if case .name(let name, _) = pattern, let layout = layouts.last { s.slot = layout.index[name] }
        case .assign(let target, let op, let value):
            expression(value)
            if op == "=", case .identifier(let name) = target.kind, classes == 0, isConstant(name) {
                diagnostics.append(
                    Diagnostic("cannot assign to value: '\(name)' is a 'let' constant", at: target.range))
            }
            expression(target)
        case .if(let c, let then, let otherwise):
            expression(c)
            s.layouts = [block(then)]
            if let otherwise { s.layouts.append(block(otherwise)) }
        case .for(let pattern, let sequence, let body, let mutable):
            expression(sequence)
            loops += 1
            s.layouts = [block(body, declaring: Resolver.names(in: pattern).map { ($0, !mutable) })]
            loops -= 1
        case .while(let c, let body):
            expression(c)
            loops += 1
            s.layouts = [block(body)]
            loops -= 1
        case .break, .continue:
            if loops == 0 {
                diagnostics.append(Diagnostic("'break' and 'continue' are only allowed inside a loop", at: s.range))
            }
        case .return(let e):
            if functions == 0 {
                diagnostics.append(Diagnostic("'return' is only allowed inside a function", at: s.range))
            }
            e.map { expression($0) }
        case .function(let f): function(f)
        case .class(let c):
            classes += 1
            for member in c.members {
                switch member.kind {
                case .function(let f): function(f)
                case .binding(_, _, _, let e): e.map { expression($0) }
                default: statement(member)
                }
            }
            classes -= 1
        }
    }

    private mutating func function(_ f: FunctionDecl) {
        var params: [(String, Bool)] = []
        for p in f.parameters {
            params.append((p.name, true))
            p.defaultValue.map { expression($0) }
        }
        let savedLoops = loops
        loops = 0
        functions += 1
        let layout = block(f.body, declaring: params)
        if classes == 0 { f.layout = layout }
        functions -= 1
        loops = savedLoops
    }

    /// Whether `name`, where it is used, can only mean a constant.
    private func isConstant(_ name: String) -> Bool {
        for names in blocks.reversed() {
            if let constant = names[name] { return constant }
        }
        if let constant = topLevel[name] { return constant }
        return globalIsConstant(name) ?? false
    }

    // MARK: - Expressions

    private mutating func expression(_ e: Expr) {
        switch e.kind {
        case .identifier(let name):
            e.global = classes == 0 && !name.hasPrefix("$") && !blocks.contains { $0[name] != nil }
            if classes == 0, !name.hasPrefix("$"), let b = blocks.lastIndex(where: { $0[name] != nil }),
                let index = layouts[b].index[name]
            {
                e.local = (blocks.count - 1 - b, index)
            }
        case .int, .double, .bool, .nil, .self: break
        case .string(let parts):
            for case .expr(let x) in parts { expression(x) }
        case .array(let xs), .tuple(let xs): xs.forEach { expression($0) }
        case .dictionary(let pairs):
            pairs.forEach {
                expression($0.0)
                expression($0.1)
            }
        case .forceUnwrap(let x), .prefix(_, let x), .member(let x, _): expression(x)
        case .binary(_, let a, let b):
            expression(a)
            expression(b)
        case .ternary(let a, let b, let c):
            expression(a)
            expression(b)
            expression(c)
        case .range(let a, let b, _):
            a.map { expression($0) }
            b.map { expression($0) }
        case .call(let f, let args), .subscript(let f, let args):
            expression(f)
            args.forEach { expression($0.value) }
        case .closure(let params, let body):
            let savedLoops = loops
            loops = 0
            functions += 1
            let layout = block(body, declaring: params.map { ($0, true) })
            if classes == 0 { e.layout = layout }
            functions -= 1
            loops = savedLoops
        }
    }
}
