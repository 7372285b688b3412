/// The syntax tree. Every node keeps its source range for diagnostics.

public final class Expr {
    public enum Kind {
        case int(Int)
        case double(Double)
        case string([StringPart])
        case bool(Bool)
        case `nil`
        case identifier(String)
        case `self`
        case array([Expr])
        case dictionary([(Expr, Expr)])
        /// `x!`
        case forceUnwrap(Expr)
        case tuple([Expr])
        case prefix(String, Expr)
        case binary(BinaryOperator, Expr, Expr)
        case ternary(Expr, Expr, Expr)
        /// `a..<b`, `a...b`, `..<b`, `a...`, and `...` alone (the whole range, in subscripts).
        case range(Expr?, Expr?, closed: Bool)
        case call(Expr, [Argument])
        case member(Expr, String)
        case `subscript`(Expr, [Argument])
        case closure(params: [String], body: [Stmt])
    }

    public enum StringPart {
        case text(String)
        case expr(Expr)
    }

    public let kind: Kind
    public let range: SourceRange
    /// How deep the tree under this node is (the parser refuses trees deeper than
    /// `Parser.maximumDepth`, which running or resolving would recurse through).
    let depth: Int

    init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
        var below = 0
        func see(_ e: Expr?) { if let e, e.depth > below { below = e.depth } }
        switch kind {
        case .int, .double, .bool, .nil, .identifier, .self: break
        case .string(let parts): for case .expr(let e) in parts { see(e) }
        case .array(let xs), .tuple(let xs): xs.forEach(see)
        case .dictionary(let pairs):
            pairs.forEach {
                see($0.0)
                see($0.1)
            }
        case .forceUnwrap(let e), .prefix(_, let e), .member(let e, _): see(e)
        case .binary(_, let a, let b):
            see(a)
            see(b)
        case .ternary(let a, let b, let c):
            see(a)
            see(b)
            see(c)
        case .range(let a, let b, _):
            see(a)
            see(b)
        case .call(let f, let args), .subscript(let f, let args):
            see(f)
            args.forEach { see($0.value) }
        case .closure: break  // its body's statements are counted by the parser's block nesting
        }
        depth = below + 1
    }

    /// For `x.name`: whether `name` is an array method that changes the array (looked up once).
    lazy var namesMutatingArrayMethod: Bool = {
        if case .member(_, let name) = kind { return Interpreter.mutatingArrayMethods.contains(name) }
        return false
    }()

    /// For identifiers declared in an enclosing block: how many scopes up, and the slot there
    /// (set by the resolver). For closures: `layout` is the slots of the closure's body.
    var local: (depth: Int, index: Int)?
    var layout: SlotLayout?

    /// For identifiers: set by the resolver when the name can only mean a global.
    var global = false
    /// For global identifiers: the global's binding, once found (globals keep their binding
    /// object when redefined, so it stays valid from cell to cell).
    var binding: Scope.Binding?

    /// Whether evaluating this expression can create a closure (which keeps the scope alive).
    var mayCapture: Bool {
        switch kind {
        case .closure: return true
        case .int, .double, .bool, .nil, .identifier, .self: return false
        case .string(let parts):
            return parts.contains { if case .expr(let e) = $0 { return e.mayCapture } else { return false } }
        case .array(let xs), .tuple(let xs): return xs.contains { $0.mayCapture }
        case .dictionary(let pairs): return pairs.contains { $0.0.mayCapture || $0.1.mayCapture }
        case .forceUnwrap(let e), .prefix(_, let e), .member(let e, _): return e.mayCapture
        case .binary(_, let a, let b): return a.mayCapture || b.mayCapture
        case .ternary(let a, let b, let c): return a.mayCapture || b.mayCapture || c.mayCapture
        case .range(let a, let b, _): return (a?.mayCapture ?? false) || (b?.mayCapture ?? false)
        case .call(let f, let args), .subscript(let f, let args):
            return f.mayCapture || args.contains { $0.value.mayCapture }
        }
    }
}

/// The binary operators, resolved by the parser (no string comparisons while running).
public enum BinaryOperator: String {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case equal = "==", notEqual = "!=", identical = "===", notIdentical = "!=="
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and = "&&", or = "||", nilCoalescing = "??"
}

/// A call or subscript argument: `label: value` or just `value`.
public struct Argument {
    public var label: String?
    public var value: Expr
}

/// A type annotation, checked at run time when a value is bound.
public indirect enum TypeAnnotation: CustomStringConvertible {
    case named(String)
    case array(TypeAnnotation)
    case tuple([TypeAnnotation])
    case optional(TypeAnnotation)
    case dictionary(TypeAnnotation, TypeAnnotation)
    case function([TypeAnnotation], TypeAnnotation)

    public var description: String {
        switch self {
        case .dictionary(let k, let v): return "[\(k): \(v)]"
        case .function(let ps, let r): return "(" + ps.map(\.description).joined(separator: ", ") + ") -> \(r)"
        case .named(let n): return n
        case .array(let t): return "[\(t)]"
        case .tuple(let ts): return "(" + ts.map(\.description).joined(separator: ", ") + ")"
        case .optional(let t): return "\(t)?"
        }
    }
}

/// What `let`/`var`/`for` bind: a name, `_`, or a tuple of patterns.
public indirect enum Pattern {
    case name(String, SourceRange)
    case wildcard
    case tuple([Pattern])
}

public struct Parameter {
    public var label: String?  // nil for `_`
    public var name: String
    public var type: TypeAnnotation?
    public var defaultValue: Expr?
    public var range: SourceRange
}

public final class FunctionDecl {
    /// The slots of the function's body (parameters first), set by the resolver.
    var layout: SlotLayout?

    /// How calls bind: an unlabelled parameter by position, a labelled one by its label.
    lazy var bindingSignature = Signature(
        name,
        parameters.map { p in
            Signature.Parameter(
                name: p.label ?? p.name, positional: p.label == nil, typeName: p.type?.description ?? "Any",
                defaultText: p.defaultValue == nil ? nil : "…")
        })

    /// `f(_ x: Int, scale: Double = …)`, for messages about a call.
    public var signature: String {
        let params = parameters.map { p -> String in
            let label = p.label == nil ? "_ " : (p.label == p.name ? "" : p.label! + " ")
            return label + p.name + (p.type.map { ": \($0)" } ?? "") + (p.defaultValue == nil ? "" : " = …")
        }
        return name + "(" + params.joined(separator: ", ") + ")"
    }

    public let name: String
    public let parameters: [Parameter]
    public let returnType: TypeAnnotation?
    public let body: [Stmt]
    public let range: SourceRange
    init(name: String, parameters: [Parameter], returnType: TypeAnnotation?, body: [Stmt], range: SourceRange) {
        self.name = name
        self.parameters = parameters
        self.returnType = returnType
        self.body = body
        self.range = range
    }
}

public final class ClassDecl {
    public let name: String
    public let superclass: (name: String, range: SourceRange)?
    public let members: [Stmt]
    public let range: SourceRange
    init(name: String, superclass: (name: String, range: SourceRange)?, members: [Stmt], range: SourceRange) {
        self.name = name
        self.superclass = superclass
        self.members = members
        self.range = range
    }
}

public final class Stmt {
    public enum Kind {
        case expression(Expr)
        case binding(mutable: Bool, Pattern, TypeAnnotation?, Expr?)
        case assign(Expr, String, Expr)  // target, "=" or "+=" …, value
        case `if`(Expr, [Stmt], [Stmt]?)
        case `for`(Pattern, Expr, [Stmt], mutable: Bool)
        case `while`(Expr, [Stmt])
        case `break`, `continue`
        case `return`(Expr?)
        case function(FunctionDecl)
        case `class`(ClassDecl)
    }

    public let kind: Kind
    public let range: SourceRange
    init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// The slots of the blocks this statement opens: `if` then and else, a loop's body.
    var layouts: [SlotLayout] = []
    /// For `let name = …` / `var name = …` in a block: the name's slot in the block's scope.
    var slot: Int?

    /// For loops: whether the body holds a closure, function or class that could keep its scope
    /// alive past one iteration (the interpreter then makes a fresh scope per iteration).
    lazy var capturesScope: Bool = {
        switch kind {
        case .for(_, _, let body, _), .while(_, let body): return body.contains { $0.mayCapture }
        default: return mayCapture
        }
    }()

    /// Whether this statement declares or contains something that captures its scope.
    var mayCapture: Bool {
        switch kind {
        case .function, .class: return true
        case .expression(let e): return e.mayCapture
        case .binding(_, _, _, let e): return e?.mayCapture ?? false
        case .assign(let t, _, let e): return t.mayCapture || e.mayCapture
        case .if(let c, let a, let b):
            return c.mayCapture || a.contains { $0.mayCapture } || (b?.contains { $0.mayCapture } ?? false)
        case .for(_, let e, let body, _): return e.mayCapture || body.contains { $0.mayCapture }
        case .while(let c, let body): return c.mayCapture || body.contains { $0.mayCapture }
        case .return(let e): return e?.mayCapture ?? false
        case .break, .continue: return false
        }
    }
}
