import Foundation

/// A runtime value. The language knows numbers, strings, arrays, tuples, ranges, functions and
/// class instances; everything else (tensors, modules, optimizers, …) is a `HostObject` the
/// embedding program supplies.
public enum Value {
    case `nil`
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([Value])
    /// Key–value pairs in insertion order.
    case dictionary([(key: Value, value: Value)])
    case tuple([Value])
    case range(lower: Int?, upper: Int?, closed: Bool)
    case function(Function)
    case `class`(ClassValue)
    case instance(Instance)
    case object(HostObject)

    /// The name used in messages and type checks.
    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .bool: return "Bool"
        case .int: return "Int"
        case .double: return "Double"
        case .string: return "String"
        case .array: return "Array"
        case .dictionary: return "Dictionary"
        case .tuple: return "Tuple"
        case .range: return "Range"
        case .function: return "Function"
        case .class(let c): return "\(c.name).Type"
        case .instance(let i): return i.cls.name
        case .object(let o): return o.typeName
        }
    }

    /// The text `print` writes: strings bare, everything else as displayed.
    public var printed: String {
        if case .string(let s) = self { return s }
        return displayed
    }

    /// The text shown for a cell's last expression (strings quoted, like a REPL).
    public var displayed: String { displayed(depth: 0) }

    /// Collections nested deeper than this are shown as `[…]` (and compared without recursion):
    /// printing a value built by `a = [a]` 100,000 times must not overflow the stack.
    static let maximumShownDepth = 100

    func displayed(depth: Int) -> String {
        func inner(_ v: Value) -> String { v.displayed(depth: depth + 1) }
        switch self {
        case .nil: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return Value.format(d)
        case .string(let s):
            return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
        case .array(let items):
            if depth >= Value.maximumShownDepth { return "[…]" }
            return "[" + items.map(inner).joined(separator: ", ") + "]"
        case .dictionary(let pairs):
            if depth >= Value.maximumShownDepth { return "[…]" }
            return pairs.isEmpty
                ? "[:]" : "[" + pairs.map { inner($0.key) + ": " + inner($0.value) }.joined(separator: ", ") + "]"
        case .tuple(let items):
            if depth >= Value.maximumShownDepth { return "(…)" }
            return "(" + items.map(inner).joined(separator: ", ") + ")"
        case .range(let lo, let hi, let closed):
            return (lo.map(String.init) ?? "") + (closed ? "..." : "..<") + (hi.map(String.init) ?? "")
        case .function(let f): return "<function \(f.name)>"
        case .class(let c): return "<class \(c.name)>"
        case .instance(let i): return i.base?.displayText ?? "<\(i.cls.name) instance>"
        case .object(let o): return o.displayText
        }
    }

    /// Shortest text that reads back as the same Double ("0.1", "2.0", "1e-05" → "1e-05").
    public static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return d.description
    }

    var isNil: Bool { if case .nil = self { return true } else { return false } }

    /// The value of an Int or a Double as a Double; nil for anything else.
    public var asNumber: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
}

/// Something callable: a user function (with its closure scope) or a host function.
public final class Function {
    public enum Body {
        case user(FunctionDecl, Scope)
        case closure(params: [String], body: [Stmt], Scope, SlotLayout?)
        case host((Arguments) throws -> Value)
    }

    public let name: String
    let body: Body
    /// For methods: the instance `self` refers to.
    let boundSelf: Instance?

    init(name: String, body: Body, boundSelf: Instance? = nil) {
        self.name = name
        self.body = body
        self.boundSelf = boundSelf
    }

    /// A function implemented by the host.
    public init(_ name: String, _ body: @escaping (Arguments) throws -> Value) {
        self.name = name
        self.body = .host(body)
        self.boundSelf = nil
    }
}

/// Arguments of a call, positional and labelled, with the source range of each.
public struct Arguments {
    public struct Item {
        public var label: String?
        public var value: Value
        public var range: SourceRange
        public init(label: String?, value: Value, range: SourceRange) {
            self.label = label
            self.value = value
            self.range = range
        }
    }

    public var items: [Item]
    /// The range of the whole call, for errors about the call itself.
    public var range: SourceRange
    public let callee: String

    public init(_ items: [Item], range: SourceRange, callee: String) {
        self.items = items
        self.range = range
        self.callee = callee
    }

    public var positional: [Item] { items.filter { $0.label == nil } }
    public var count: Int { items.count }

    public subscript(label: String) -> Value? { items.first { $0.label == label }?.value }

    /// Checks that a call passes no arguments.
    public func none() throws {
        if let first = items.first { throw error("\(callee) takes no arguments", at: first) }
    }

    /// An error pointing at the call (or at one argument).
    public func error(_ message: String, at item: Item? = nil) -> Diagnostic {
        Diagnostic(message, at: item?.range ?? range)
    }

    /// Binds arguments to a signature written as `["_ input", "lr", "momentum=", "_ size..."]`
    /// (`_ name` may be passed by position, a trailing `=` marks it optional, a trailing `...`
    /// collects the remaining positional arguments into an array), for the few members bound by
    /// hand. The text is parsed once into a `Signature` (cached), and `Signature.bind` binds: one
    /// binder for every host function. `nil` for an optional parameter is the same as leaving it out.
    public func bind(_ spec: [String]) throws -> [String: Value] {
        let signature = Signature.parsed(spec, name: callee)
        var result: [String: Value] = [:]
        for (p, item) in zip(signature.parameters, try signature.bind(self)) {
            guard let item else {
                if p.variadic { result[p.name] = .array([]) }
                continue
            }
            if p.defaultText != nil, case .nil = item.value { continue }
            result[p.name] = item.value
        }
        return result
    }
}

/// A class declared in a cell.
public final class ClassValue {
    public let name: String
    let decl: ClassDecl
    let superclass: Value?
    let scope: Scope
    var methods: [String: FunctionDecl] = [:]

    init(name: String, decl: ClassDecl, superclass: Value?, scope: Scope) {
        self.name = name
        self.decl = decl
        self.superclass = superclass
        self.scope = scope
        for member in decl.members {
            if case .function(let f) = member.kind { methods[f.name] = f }
        }
    }

    func method(_ name: String) -> FunctionDecl? {
        if let m = methods[name] { return m }
        if case .class(let parent) = superclass { return parent.method(name) }
        return nil
    }
}

/// An instance of a cell-declared class. When the class derives from a host class (such as
/// `Module`), `base` is the host object that stands for it in the engine.
public final class Instance {
    public let cls: ClassValue
    public internal(set) var fields: [(name: String, value: Value, mutable: Bool)] = []
    public internal(set) var base: HostObject?

    init(cls: ClassValue) { self.cls = cls }

    public func field(_ name: String) -> Value? { fields.first { $0.name == name }?.value }
}

/// What a host program implements for its own types. Every requirement has a default that
/// reports the operation as unsupported, so a host type implements only what it offers.
public protocol HostObject: AnyObject {
    var typeName: String { get }
    /// Text for `print` and for display of a cell's last expression.
    var displayText: String { get }
    /// A property or a method (return a `.function` bound to self).
    func member(_ name: String) throws -> Value?
    /// The names `member` answers, for "did you mean" suggestions.
    var memberNames: [String] { get }
    /// The object as an `if`/`while` condition (a one-element bool tensor, as Python's
    /// `__bool__`); nil when it cannot be one.
    func condition() throws -> Bool?
    /// `object.name(args)` without making a bound function first; nil when `name` is not a
    /// method answered this way (the interpreter then calls `member(name)`).
    func callMethod(_ name: String, _ args: Arguments) throws -> Value?
    func setMember(_ name: String, _ value: Value) throws -> Bool
    /// `self op other` (or `other op self` when `reversed`); nil when unsupported.
    func binary(_ op: String, _ other: Value, reversed: Bool) throws -> Value?
    func prefix(_ op: String) throws -> Value?
    /// `self op= other` changing the object itself, as Python's `__iadd__` does; false where the
    /// object has no in-place form of `op` (the name is then bound to `self op other`).
    func updateInPlace(_ op: String, _ other: Value) throws -> Bool
    func subscriptGet(_ args: Arguments) throws -> Value
    func subscriptSet(_ args: Arguments, _ value: Value) throws
    /// Calling the object itself (`net(x)`).
    func call(_ args: Arguments) throws -> Value
    /// Values for `for … in`; nil when the object is not iterable.
    func makeIterator() throws -> (() throws -> Value?)?
    /// For host classes that a cell class may derive from: the object standing for `instance`.
    func makeBase(for instance: Instance, interpreter: Interpreter) throws -> HostObject?
    /// Told whenever a field of the instance it stands for is set.
    func fieldDidChange(_ name: String, _ value: Value) throws
    /// Whether `value` counts as an instance of the type this object names (for annotations).
    func isType(of value: Value) -> Bool?
}

public extension HostObject {
    var displayText: String { "<\(typeName)>" }
    func member(_ name: String) throws -> Value? { nil }
    var memberNames: [String] { [] }
    func callMethod(_ name: String, _ args: Arguments) throws -> Value? { nil }
    func condition() throws -> Bool? { nil }
    func setMember(_ name: String, _ value: Value) throws -> Bool { false }
    func binary(_ op: String, _ other: Value, reversed: Bool) throws -> Value? { nil }
    func prefix(_ op: String) throws -> Value? { nil }
    func updateInPlace(_ op: String, _ other: Value) throws -> Bool { false }
    func subscriptGet(_ args: Arguments) throws -> Value {
        throw args.error("value of type '\(typeName)' has no subscripts")
    }
    func subscriptSet(_ args: Arguments, _ value: Value) throws {
        throw args.error("cannot assign through a subscript of '\(typeName)'")
    }
    func call(_ args: Arguments) throws -> Value {
        throw args.error("cannot call value of type '\(typeName)'")
    }
    func makeIterator() throws -> (() throws -> Value?)? { nil }
    func makeBase(for instance: Instance, interpreter: Interpreter) throws -> HostObject? { nil }
    func fieldDidChange(_ name: String, _ value: Value) throws {}
    func isType(of value: Value) -> Bool? { nil }
}
