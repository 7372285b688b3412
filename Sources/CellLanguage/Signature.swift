/// Host functions declared once, as values: a `Signature` is parsed at registration (not per
/// call), each `Param` converts its argument to a Swift type and puts the caret under that
/// argument when it cannot, and `HostLibrary` keeps every declaration for the reference
/// (`runbook help api`).

/// The parameters of a host function, in order.
public struct Signature: CustomStringConvertible {
    public struct Parameter {
        public let name: String
        /// Whether the argument may also be passed without its label, in order (PyTorch's
        /// positional form). The label is always accepted.
        public let positional: Bool
        /// Collects every remaining unlabelled argument (`zeros(2, 3)`); at most one, last of the
        /// positional parameters.
        public let variadic: Bool
        public let typeName: String
        /// The default as shown in the reference; nil when the argument is required.
        public let defaultText: String?

        public init(
            name: String, positional: Bool = true, variadic: Bool = false, typeName: String, defaultText: String? = nil
        ) {
            self.name = name
            self.positional = positional
            self.variadic = variadic
            self.typeName = typeName
            self.defaultText = defaultText
        }

        public var description: String {
            (positional ? "_ " : "") + name + ": " + typeName + (variadic ? "..." : "")
                + (defaultText.map { " = " + $0 } ?? "")
        }
    }

    public let name: String
    public let parameters: [Parameter]

    public init(_ name: String, _ parameters: [Parameter]) {
        self.name = name
        self.parameters = parameters
    }

    nonisolated(unsafe) private static var parsedSpecs: [String: Signature] = [:]

    /// A signature from its short text form (see `Arguments.bind`), parsed once per text.
    static func parsed(_ spec: [String], name: String) -> Signature {
        let key = name + "(" + spec.joined(separator: ",")
        if let s = parsedSpecs[key] { return s }
        let parameters = spec.map { text -> Parameter in
            var t = Substring(text)
            let optional = t.hasSuffix("=")
            if optional { t = t.dropLast() }
            let variadic = t.hasSuffix("...")
            if variadic { t = t.dropLast(3) }
            let positional = t.hasPrefix("_ ")
            if positional { t = t.dropFirst(2) }
            return Parameter(
                name: String(t), positional: positional, variadic: variadic, typeName: "Any",
                defaultText: optional ? "nil" : nil)
        }
        let s = Signature(name, parameters)
        parsedSpecs[key] = s
        return s
    }

    /// `Flatten(_ startDim: Int = 1, _ endDim: Int = -1)`.
    public var description: String { name + "(" + parameters.map(\.description).joined(separator: ", ") + ")" }

    /// One argument (or nil) per parameter: unlabelled arguments fill the positional parameters
    /// in order, labelled ones go by name. A variadic parameter receives an array of the rest.
    public func bind(_ args: Arguments) throws -> [Arguments.Item?] {
        var slots = [Arguments.Item?](repeating: nil, count: parameters.count)
        var next = 0
        for item in args.items where item.label == nil {
            while next < parameters.count && !parameters[next].positional { next += 1 }
            guard next < parameters.count else {
                throw args.error("extra argument in call to \(name); expected \(self)", at: item)
            }
            if parameters[next].variadic {
                let rest = args.items.filter { $0.label == nil }.drop { $0.range != item.range }
                let range = SourceRange(rest.first!.range.start, rest.last!.range.end)
                slots[next] = .init(label: nil, value: .array(rest.map(\.value)), range: range)
                next += 1
                break
            }
            slots[next] = item
            next += 1
        }
        for item in args.items {
            guard let label = item.label else { continue }
            guard let i = parameters.firstIndex(where: { $0.name == label }) else {
                let hint =
                    Interpreter.nearest(label, among: parameters.map(\.name)).map { " (did you mean '\($0):'?)" } ?? ""
                throw args.error("\(name) has no parameter '\(label):'\(hint); expected \(self)", at: item)
            }
            guard slots[i] == nil else {
                throw args.error("\(name) got two values for '\(label)'; expected \(self)", at: item)
            }
            slots[i] = item
        }
        for (i, p) in parameters.enumerated() where slots[i] == nil && p.defaultText == nil && !p.variadic {
            throw args.error("missing argument for parameter '\(p.name)' in call to \(name); expected \(self)")
        }
        return slots
    }
}

/// A parameter with its conversion to `T`: `Param<Int>.int("dim")`, `Param<Double>.double("lr", default: 0.01)`.
public struct Param<T> {
    public let spec: Signature.Parameter
    public let convert: (Value) throws -> T
    public let fallback: T?

    /// `convert` throws a `ConversionError` with the reason (the binder adds where).
    public init(
        _ name: String, positional: Bool = true, variadic: Bool = false, type: String, default fallback: T? = nil,
        defaultText: String? = nil, _ convert: @escaping (Value) throws -> T
    ) {
        spec = Signature.Parameter(
            name: name, positional: positional, variadic: variadic, typeName: type,
            defaultText: fallback == nil ? nil : (defaultText ?? fallback.map { "\($0)" }))
        self.convert = convert
        self.fallback = fallback
    }

    /// The same parameter given only by its label (`lr:`), never by position.
    public var labeled: Param<T> {
        Param(
            spec.name, positional: false, variadic: spec.variadic, type: spec.typeName, default: fallback,
            defaultText: spec.defaultText, convert)
    }

    /// The argument in `item` (or the default) as a `T`, with the caret under the argument.
    public func value(_ item: Arguments.Item?, _ args: Arguments) throws -> T {
        guard let item, !(item.value.isNil && fallback != nil) else {
            if let fallback { return fallback }
            if spec.variadic { return try convert(.array([])) }
            throw args.error("missing argument for parameter '\(spec.name)' in call to \(args.callee)")
        }
        do {
            return try convert(item.value)
        } catch let e as ConversionError {
            throw args.error("\(args.callee): '\(spec.name)' \(e.reason)", at: item)
        }
    }
}

/// Why a value does not convert; the binder says which argument. Thrown from a function's body,
/// it is reported at the call.
public struct ConversionError: Error, CustomStringConvertible {
    public var description: String { reason }
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    /// "must be an Int, not Double".
    public static func expected(_ what: String, _ v: Value) -> ConversionError {
        ConversionError("must be \(what), not \(v.typeName)")
    }
}

public extension Param where T == Int {
    static func int(_ name: String, default d: Int? = nil) -> Param {
        Param(name, type: "Int", default: d) { v in
            guard case .int(let i) = v else { throw ConversionError.expected("an Int", v) }
            return i
        }
    }
}

public extension Param where T == Int? {
    static func int(_ name: String, optional: Void) -> Param {
        Param(name, type: "Int?", default: .some(nil), defaultText: "nil") { v in
            guard case .int(let i) = v else { throw ConversionError.expected("an Int", v) }
            return i
        }
    }
}

public extension Param where T == Double {
    static func double(_ name: String, default d: Double? = nil) -> Param {
        Param(name, type: "Double", default: d, defaultText: d.map(Value.format)) { v in
            guard let d = v.asNumber else { throw ConversionError.expected("a number", v) }
            return d
        }
    }
}

/// A number that remembers whether it was written as an Int (`arange(4)` counts in int64,
/// `arange(4.0)` in float32, as PyTorch infers the type from its arguments).
public struct Number {
    public let value: Double
    public let isInt: Bool

    static func from(_ v: Value) throws -> Number {
        switch v {
        case .int(let i): return Number(value: Double(i), isInt: true)
        case .double(let d): return Number(value: d, isInt: false)
        default: throw ConversionError.expected("a number", v)
        }
    }
}

public extension Param where T == Number {
    static func number(_ name: String, default d: Int? = nil) -> Param {
        Param(
            name, type: "Int or Double", default: d.map { Number(value: Double($0), isInt: true) },
            defaultText: d.map(String.init)
        ) { try Number.from($0) }
    }
}

public extension Param where T == Number? {
    static func number(_ name: String, optional: Void) -> Param {
        Param(name, type: "(Int or Double)?", default: .some(nil), defaultText: "nil") { try Number.from($0) }
    }
}

public extension Param where T == Double? {
    static func double(_ name: String, optional: Void) -> Param {
        Param(name, type: "Double?", default: .some(nil), defaultText: "nil") { v in
            guard let d = v.asNumber else { throw ConversionError.expected("a number", v) }
            return d
        }
    }
}

public extension Param where T == Bool {
    static func bool(_ name: String, default d: Bool? = nil) -> Param {
        Param(name, type: "Bool", default: d) { v in
            guard case .bool(let b) = v else { throw ConversionError.expected("a Bool", v) }
            return b
        }
    }
}

public extension Param where T == String {
    static func string(_ name: String, default d: String? = nil) -> Param {
        Param(name, type: "String", default: d, defaultText: d.map { "\"\($0)\"" }) { v in
            guard case .string(let s) = v else { throw ConversionError.expected("a String", v) }
            return s
        }
    }
}

public extension Param where T == String? {
    static func string(_ name: String, optional: Void) -> Param {
        Param(name, type: "String?", default: .some(nil), defaultText: "nil") { v in
            guard case .string(let s) = v else { throw ConversionError.expected("a String", v) }
            return s
        }
    }
}

public extension Param where T == Value? {
    /// Any value or nothing.
    static func any(_ name: String, optional: Void, type: String = "Any?") -> Param {
        Param(name, type: type, default: .some(nil), defaultText: "nil") { $0 }
    }
}

public extension Param where T == [Value]? {
    /// An array of any values, or nothing.
    static func array(_ name: String) -> Param {
        Param(name, positional: false, type: "[Any]?", default: .some(nil), defaultText: "nil") { v in
            guard case .array(let items) = v else { throw ConversionError.expected("an array", v) }
            return items
        }
    }
}

public extension Param where T == [Value] {
    /// Every remaining unlabelled argument.
    static func values(_ name: String) -> Param {
        Param(name, variadic: true, type: "Any") { v in
            guard case .array(let items) = v else { throw ConversionError.expected("values", v) }
            return items
        }
    }
}

public extension Param where T == Value {
    /// Any value, unconverted.
    static func any(_ name: String, type: String = "Any") -> Param {
        Param(name, type: type) { $0 }
    }
}

/// Every host function, method and type a notebook can name, with its signature and a line of
/// documentation, grouped in the tables the reference lists.
public final class HostLibrary {
    public struct Entry {
        public let table: String
        public let signature: Signature
        public let doc: String
        /// For methods: the type they belong to (`Tensor`); nil for free functions and types.
        public let receiver: String?
        /// A property (`x.shape`), shown without parentheses.
        public let isProperty: Bool

        /// `Tensor.sum(_ dim: Int? = nil, keepDim: Bool = false)`, `Tensor.shape`.
        public var title: String {
            (receiver.map { "\($0)." } ?? "") + (isProperty ? signature.name : signature.description)
        }
    }

    public private(set) var entries: [Entry] = []
    public init() {}

    public func record(
        _ table: String, _ signature: Signature, doc: String, receiver: String? = nil, isProperty: Bool = false
    ) {
        entries.append(Entry(table: table, signature: signature, doc: doc, receiver: receiver, isProperty: isProperty))
    }

    /// Documents members that a host type answers by itself (properties, and methods bound by
    /// hand): `library.members("Module methods", "Module", [("parameters()", "…"), ("training", "…")])`.
    /// A name ending in `()` is a method without parameters; anything else a property.
    public func members(_ table: String, _ receiver: String, _ list: [(String, String)]) {
        for (name, doc) in list {
            let isMethod = name.hasSuffix("()")
            record(
                table, Signature(isMethod ? String(name.dropLast(2)) : name, []), doc: doc, receiver: receiver,
                isProperty: !isMethod)
        }
    }

    /// Every name (free functions and types by name, methods as `Type.name`).
    public var names: Set<String> {
        Set(entries.map { e in e.receiver.map { "\($0).\(e.signature.name)" } ?? e.signature.name })
    }

    /// The reference as plain text, table by table.
    public var reference: String {
        var out = ""
        var tables: [String] = []
        for e in entries where !tables.contains(e.table) { tables.append(e.table) }
        for table in tables {
            out += "## \(table)\n\n"
            for e in entries where e.table == table {
                out += e.title + "\n    " + e.doc + "\n"
            }
            out += "\n"
        }
        return out
    }

    /// Declares a host function or method of typed parameters and returns what converts a call's
    /// arguments to them: `let bind = library.declare("Tensors", "zeros", "…", shape, dtype)`.
    public func declare<each T>(
        _ table: String, _ name: String, _ doc: String, _ params: repeat Param<each T>,
        receiver: String? = nil
    ) -> (Arguments) throws -> (repeat each T) {
        var specs: [Signature.Parameter] = []
        for p in repeat each params { specs.append(p.spec) }
        let signature = Signature(name, specs)
        record(table, signature, doc: doc, receiver: receiver)
        // A call without arguments takes every default: bound once, here.
        let defaults = try?
            (repeat (each params).value(
                nil,
                Arguments([], range: SourceRange(.init(line: 0, column: 0), .init(line: 0, column: 0)), callee: name)))
        return { args in
            if args.items.isEmpty, let defaults { return defaults }
            let slots = try signature.bind(args)
            var i = 0
            func next<U>(_ p: Param<U>) throws -> U {
                defer { i += 1 }
                return try p.value(slots[i], args)
            }
            return (repeat try next(each params))
        }
    }

    /// Like `declare`, with a first parameter handed over apart (the input of a tensor function
    /// whose method form has it as `self`).
    public func declare<First, each T>(
        _ table: String, _ name: String, _ doc: String, first: Param<First>,
        _ params: repeat Param<each T>
    ) -> (Arguments) throws -> (First, (repeat each T)) {
        var specs: [Signature.Parameter] = [first.spec]
        for p in repeat each params { specs.append(p.spec) }
        let signature = Signature(name, specs)
        record(table, signature, doc: doc)
        return { args in
            let slots = try signature.bind(args)
            var i = 1
            func next<U>(_ p: Param<U>) throws -> U {
                defer { i += 1 }
                return try p.value(slots[i], args)
            }
            return (try first.value(slots[0], args), (repeat try next(each params)))
        }
    }

    /// A host function of typed parameters, declared and implemented in one place.
    public func function<each T>(
        _ table: String, _ name: String, _ doc: String, _ params: repeat Param<each T>,
        body: @escaping (repeat each T) throws -> Value
    ) -> Function {
        let bind = declare(table, name, doc, repeat each params)
        return Function(name) { args in
            let values = try bind(args)
            return try body(repeat each values)
        }
    }
}
