import Foundation

/// The language's own functions and the members of its built-in values (arrays, strings, tuples,
/// numbers). Nothing here knows about tensors.
enum Builtins {
    static func install(in interp: Interpreter) {
        let library = interp.library
        library.record(
            "Language",
            Signature(
                "print",
                [
                    .init(name: "items", positional: true, variadic: true, typeName: "Any", defaultText: nil),
                    .init(
                        name: "separator", positional: false, variadic: false, typeName: "String", defaultText: "\" \""),
                    .init(
                        name: "terminator", positional: false, variadic: false, typeName: "String",
                        defaultText: "\"\\n\""),
                ]),
            doc: "writes the items to the cell's output")
        interp.define("print") { [unowned interp] args in
            let sep = try args["separator"].map { try string($0, args) } ?? " "
            let term = try args["terminator"].map { try string($0, args) } ?? "\n"
            for item in args.items where item.label != nil && item.label != "separator" && item.label != "terminator" {
                throw args.error("print has no parameter '\(item.label!):'", at: item)
            }
            interp.output(args.positional.map(\.value.printed).joined(separator: sep) + term)
            return .nil
        }
        library.record(
            "Language",
            Signature(
                "String", [.init(name: "value", positional: true, variadic: false, typeName: "Any", defaultText: nil)]),
            doc: "the value as text; String(format: \"%.4f\", x) formats numbers as printf")
        interp.define("String") { args in
            if let format = args["format"] {
                return .string(try self.format(try string(format, args), args.positional.map(\.value), args))
            }
            let p = try args.bind(["_ value"])
            return .string(p["value"]!.printed)
        }
        interp.define(
            "Language",
            "Int", "a number or Bool as an Int (truncating); a String parsed, nil if it is not one",
            Param<Value>.any("value")
        ) { v in
            switch v {
            case .int: return v
            case .double(let d):
                guard d.isFinite, Swift.abs(d) < 9.2e18 else { throw ConversionError("cannot convert \(d) to Int") }
                return .int(Int(d))
            case .bool(let b): return .int(b ? 1 : 0)
            case .string(let s): return Int(s).map(Value.int) ?? .nil
            default: throw ConversionError("cannot convert \(v.typeName) to Int")
            }
        }
        for name in ["Double", "Float"] {
            interp.define(
                "Language",
                name, "a number as \(name) (Float is Double in cells); a String parsed, nil if it is not one",
                Param<Value>.any("value")
            ) { v in
                switch v {
                case .int(let i): return .double(Double(i))
                case .double: return v
                case .string(let s): return Double(s).map(Value.double) ?? .nil
                default: throw ConversionError("cannot convert \(v.typeName) to \(name)")
                }
            }
        }
        let bindArray = library.declare(
            "Language", "Array", "the elements of a sequence (a range, a tensor, a loader …) as an array",
            Param<Value>.any("sequence"))
        interp.define("Array") { [unowned interp] args in
            let next = try interp.iterator(try bindArray(args), at: args.range)
            var items: [Value] = []
            while let x = try next() {
                items.append(x)
                if items.count > 10_000_000 { throw args.error("Array: too many elements") }
            }
            return .array(items)
        }
        interp.define("Language", "abs", "the magnitude of a number", Param<Value>.any("x", type: "Int or Double")) {
            v in
            switch v {
            case .int(let i):
                guard i != Int.min else {
                    throw ConversionError("abs: arithmetic overflow (the magnitude of Int.min is not an Int)")
                }
                return .int(Swift.abs(i))
            case .double(let d): return .double(Swift.abs(d))
            default: throw ConversionError("abs expects a number, not \(v.typeName)")
            }
        }
        for (name, pick) in [
            ("min", { (a: Double, b: Double) in a <= b }), ("max", { (a: Double, b: Double) in a >= b }),
        ] {
            interp.define(
                "Language",
                name, "the \(name == "min" ? "smallest" : "largest") of numbers (or of one array)",
                Param<[Value]>.values("values")
            ) { given in
                var values = given
                if values.count == 1, case .array(let items) = values[0] { values = items }
                guard var best = values.first else { throw ConversionError("\(name) needs at least one value") }
                for v in values.dropFirst() {
                    guard let a = best.asNumber, let b = v.asNumber else {
                        throw ConversionError("\(name) expects numbers")
                    }
                    if !pick(a, b) { best = v }
                }
                return best
            }
        }
        interp.define(
            "Language",
            "round", "to the nearest whole number (ties to even), or to digits decimals", Param<Double>.double("x"),
            Param<Int?>.int("digits", optional: ())
        ) { x, digits in
            guard let digits else { return .double(x.rounded(.toNearestOrEven)) }
            guard digits >= 0, digits < 17 else {
                throw ConversionError("round: digits must be an Int between 0 and 16")
            }
            // Correctly rounded like Python's round(x, n): through the exact decimal expansion.
            return .double(Double(String(format: "%.\(digits)f", x))!)
        }
        let math: [(String, String, (Double) -> Double)] = [
            ("sqrt", "square root", Foundation.sqrt), ("exp", "e to the x", Foundation.exp),
            ("log", "natural logarithm", Foundation.log),
            ("sin", "sine", Foundation.sin), ("cos", "cosine", Foundation.cos),
            ("tanh", "hyperbolic tangent", Foundation.tanh),
            ("floor", "largest whole number not above x", Foundation.floor),
            ("ceil", "smallest whole number not below x", Foundation.ceil),
        ]
        for (name, doc, f) in math {
            interp.define("Language", name, doc, Param<Double>.double("x")) { .double(f($0)) }
        }
        interp.define("Language", "pow", "x to the power y", Param<Double>.double("x"), Param<Double>.double("y")) {
            .double(Foundation.pow($0, $1))
        }
        interp.define("pi", .double(Double.pi))
        interp.define(
            "Language",
            "stride", "from, from + by, … up to (to:) or through (through:) an end", Param<Value>.any("from").labeled,
            Param<Value?>.any("to", optional: ()).labeled, Param<Value?>.any("through", optional: ()).labeled,
            Param<Value>.any("by").labeled
        ) { fromValue, to, through, byValue in
            guard let from = fromValue.asNumber, let by = byValue.asNumber, let end = (through ?? to)?.asNumber,
                by != 0,
                (through == nil) != (to == nil)
            else {
                throw ConversionError(
                    "use stride(from:to:by:) or stride(from:through:by:) with numbers and a nonzero step")
            }
            let inclusive = through != nil
            var items: [Value] = []
            if case .int(var x) = fromValue, case .int(let step) = byValue, case .int(let last) = through ?? to {
                // In Ints (a Double cannot hold every Int), stopping before the step would overflow.
                while step > 0 ? (inclusive ? x <= last : x < last) : (inclusive ? x >= last : x > last) {
                    items.append(.int(x))
                    if items.count > 10_000_000 { throw ConversionError("stride produces too many values") }
                    let (next, overflow) = x.addingReportingOverflow(step)
                    if overflow { break }
                    x = next
                }
                return .array(items)
            }
            var x = from, i = 0.0
            while by > 0 ? (inclusive ? x <= end : x < end) : (inclusive ? x >= end : x > end) {
                items.append(.double(x))
                i += 1
                x = from + i * by
                if items.count > 10_000_000 { throw ConversionError("stride produces too many values") }
            }
            return .array(items)
        }
        let bindZip = library.declare(
            "Language", "zip", "pairs of the elements of two sequences, up to the shorter",
            Param<Value>.any("a"), Param<Value>.any("b"))
        interp.define("zip") { [unowned interp] args in
            let (a, b) = try bindZip(args)
            let nextA = try interp.iterator(a, at: args.items[0].range)
            let nextB = try interp.iterator(b, at: args.items[1].range)
            var pairs: [Value] = []
            while let x = try nextA(), let y = try nextB() { pairs.append(.tuple([x, y])) }
            return .array(pairs)
        }
        interp.define("Language", "type", "the name of a value's type", Param<Value>.any("of").labeled) {
            .string($0.typeName)
        }
        library.members(
            "Language", "Double",
            [
                ("pi", "π (also Float.pi, and pi alone)"), ("infinity", "∞"), ("nan", "not a number"),
                ("greatestFiniteMagnitude", "the largest finite Double"),
                ("ulpOfOne", "the gap between 1 and the next Double"),
                ("squareRoot()", "x.squareRoot(): the square root"),
                ("rounded()", "x.rounded(): to the nearest whole number"),
                ("magnitude", "x.magnitude: the absolute value"), ("isNaN", "x.isNaN: whether it is not a number"),
                ("isFinite", "x.isFinite: neither infinite nor NaN"),
            ])
        library.members("Language", "Int", [("max", "the largest Int"), ("min", "the smallest Int")])
        library.members(
            "Array methods", "Array",
            [
                ("count", "the number of elements"), ("isEmpty", "whether there are none"),
                ("first", "the first element, or nil"),
                ("last", "the last element, or nil"), ("indices", "0..<count"),
                ("enumerated()", "(index, element) pairs"),
                ("reversed()", "the elements in reverse order"),
                ("sorted", "sorted(), or sorted(by: >) with a comparison"),
                ("shuffled()", "the elements in an order drawn from the notebook's seeded generator"),
                ("contains", "contains(_ element): whether it is there"),
                ("joined", "joined(separator:): the elements as text"),
                ("map", "map { … }: each element transformed"), ("filter", "filter { … }: the elements kept"),
                ("forEach", "forEach { … }: runs the closure on each"),
                ("reduce", "reduce(0, +): the elements combined"),
                ("min()", "the smallest element, or nil"), ("max()", "the largest element, or nil"),
                ("firstIndex", "firstIndex(of:): where an element first is, or nil"),
                ("lastIndex", "lastIndex(of:): where it last is, or nil"),
                ("append", "append(_ x) or append(contentsOf:), on a var"), ("insert", "insert(_ x, at:), on a var"),
                ("remove", "remove(at:), on a var"), ("removeLast()", "removes and returns the last element"),
                ("removeFirst()", "removes and returns the first element"), ("removeAll()", "removes every element"),
                ("reverse()", "reverses in place"), ("sort()", "sorts in place"),
                ("shuffle()", "shuffles in place (seeded)"),
            ])
        library.members(
            "Language", "Tuple",
            [
                ("values", "the first of the (values, indices) results of max, min, sort and topk"),
                ("indices", "the second of the (values, indices) results"),
            ])
    }

    static func number(_ v: Value, _ args: Arguments) throws -> Double {
        guard let d = v.asNumber else { throw args.error("\(args.callee) expects a number, not \(v.typeName)") }
        return d
    }

    static func string(_ v: Value, _ args: Arguments) throws -> String {
        guard case .string(let s) = v else { throw args.error("\(args.callee) expects a String, not \(v.typeName)") }
        return s
    }

    /// printf-style formatting of Ints and Doubles: `String(format: "%.4f", x)`.
    static func format(_ format: String, _ values: [Value], _ args: Arguments) throws -> String {
        var out = ""
        var rest = Substring(format)
        var index = 0
        while let percent = rest.firstIndex(of: "%") {
            out += rest[..<percent]
            rest = rest[rest.index(after: percent)...]
            if rest.first == "%" {
                out += "%"
                rest = rest.dropFirst()
                continue
            }
            // Only flags, a width and a precision may stand between % and the conversion: never
            // `*` (an argument not passed), `@`/`S` (a pointer) or a length modifier, and no
            // width or precision over 100 (Foundation would read or write past what it was given).
            guard let end = rest.firstIndex(where: { "dfegsxiEGX".contains($0) }),
                rest[..<end].allSatisfy({ "-+ 0#.".contains($0) || $0.isASCII && $0.isNumber }),
                rest[..<end].split(separator: ".", omittingEmptySubsequences: false).count <= 2,
                rest[..<end].split(separator: ".").allSatisfy({ Int($0.filter(\.isNumber)).map { $0 <= 100 } ?? true })
            else {
                throw args.error(
                    "invalid format string '\(format)': use %d, %i, %x, %f, %e, %g or %s, with flags, a width and a precision (up to 100)"
                )
            }
            let spec = "%" + rest[...end]
            rest = rest[rest.index(after: end)...]
            guard index < values.count else { throw args.error("format string '\(format)' needs more arguments") }
            let v = values[index]
            index += 1
            switch spec.last! {
            case "d", "i", "x", "X":
                guard case .int(let i) = v else { throw args.error("'\(spec)' expects an Int, not \(v.typeName)") }
                out += String(format: spec, i)
            case "s": out += v.printed
            default:
                guard let d = v.asNumber else { throw args.error("'\(spec)' expects a number, not \(v.typeName)") }
                out += String(format: spec, d)
            }
        }
        guard index == values.count else {
            throw args.error("format string '\(format)' has more arguments than conversions")
        }
        return out + rest
    }

    /// The items in an order drawn from the host's seeded generator (a notebook's runs repeat).
    static func shuffled(_ items: [Value], _ interpreter: Interpreter, _ args: Arguments) throws -> [Value] {
        guard let order = interpreter.permutation else {
            throw args.error("shuffling needs the notebook's random generator")
        }
        return try order(items.count).map { items[$0] }
    }

    static func mutateArray(
        _ items: inout [Value], _ name: String, _ args: Arguments, _ interpreter: Interpreter
    ) throws -> Value {
        switch name {
        case "append":
            if let c = args["contentsOf"] {
                guard case .array(let more) = c else { throw args.error("append(contentsOf:) expects an array") }
                items += more
            } else {
                items.append(try args.bind(["_ element"])["element"]!)
            }
            return .nil
        case "insert":
            let p = try args.bind(["_ element", "at"])
            guard case .int(let i) = p["at"]!, i >= 0, i <= items.count else {
                throw args.error("insert: index out of range")
            }
            items.insert(p["element"]!, at: i)
            return .nil
        case "remove":
            guard case .int(let i) = try args.bind(["at"])["at"]!, i >= 0, i < items.count else {
                throw args.error("remove: index out of range")
            }
            return items.remove(at: i)
        case "removeLast", "removeFirst":
            try args.none()
            guard !items.isEmpty else { throw args.error("\(name) on an empty array") }
            return name == "removeLast" ? items.removeLast() : items.removeFirst()
        case "removeAll":
            try args.none()
            items.removeAll()
            return .nil
        case "reverse":
            items.reverse()
            return .nil
        case "sort":
            items = try sorted(items, args)
            return .nil
        case "shuffle":
            try args.none()
            items = try shuffled(items, interpreter, args)
            return .nil
        default:
            throw args.error("arrays have no method '\(name)'")
        }
    }

    static func sorted(_ items: [Value], _ args: Arguments) throws -> [Value] {
        let numbers = items.compactMap(\.asNumber)
        if numbers.count == items.count {
            return zip(items, numbers).sorted { $0.1 < $1.1 }.map(\.0)
        }
        let strings = items.compactMap { v -> String? in if case .string(let s) = v { return s } else { return nil } }
        guard strings.count == items.count else { throw args.error("sort needs an array of numbers or of strings") }
        return strings.sorted().map(Value.string)
    }

    static func member(_ base: Value, _ name: String, interpreter: Interpreter, at range: SourceRange) throws -> Value?
    {
        func method(_ body: @escaping (Arguments) throws -> Value) -> Value { .function(Function(name, body)) }
        switch base {
        case .array(let items):
            switch name {
            case "count": return .int(items.count)
            case "isEmpty": return .bool(items.isEmpty)
            case "first": return items.first ?? .nil
            case "last": return items.last ?? .nil
            case "indices": return .range(lower: 0, upper: items.count, closed: false)
            case "enumerated":
                return method { _ in .array(items.enumerated().map { .tuple([.int($0.offset), $0.element]) }) }
            case "reversed": return method { _ in .array(items.reversed()) }
            case "sorted":
                return method { [unowned interpreter] args in
                    guard let by = try args.bind(["by="])["by"] else { return .array(try sorted(items, args)) }
                    // `sorted(by: >)`, `sorted { $0.1 < $1.1 }`: the closure says whether a comes first.
                    return .array(
                        try items.sorted { a, b in
                            let r = try interpreter.call(
                                by,
                                Arguments(
                                    [
                                        .init(label: nil, value: a, range: args.range),
                                        .init(label: nil, value: b, range: args.range),
                                    ], range: args.range, callee: "sorted"))
                            guard case .bool(let first) = r else {
                                throw args.error("sorted(by:) needs a closure that returns a Bool")
                            }
                            return first
                        })
                }
            case "shuffled":
                return method { [unowned interpreter] args in
                    try args.none()
                    return .array(try shuffled(items, interpreter, args))
                }
            case "min", "max":
                return method { args in
                    try args.none()
                    guard var best = items.first else { return .nil }
                    for v in items.dropFirst() {
                        guard let a = best.asNumber, let b = v.asNumber else {
                            guard case .string(let x) = best, case .string(let y) = v else {
                                throw args.error("\(name)() needs numbers or strings")
                            }
                            if name == "min" ? y < x : y > x { best = v }
                            continue
                        }
                        if name == "min" ? b < a : b > a { best = v }
                    }
                    return best
                }
            case "firstIndex", "lastIndex":
                return method { args in
                    let x = try args.bind(["of"])["of"]!
                    let found =
                        name == "firstIndex"
                        ? items.firstIndex { Interpreter.equal($0, x) } : items.lastIndex { Interpreter.equal($0, x) }
                    return found.map(Value.int) ?? .nil
                }
            case "contains":
                return method { args in
                    let x = try args.bind(["_ element"])["element"]!
                    return .bool(items.contains { Interpreter.equal($0, x) })
                }
            case "joined":
                return method { args in
                    let sep = try args.bind(["separator="])["separator"].map { try string($0, args) } ?? ""
                    return .string(items.map(\.printed).joined(separator: sep))
                }
            case "map", "filter", "forEach":
                return method { [unowned interpreter] args in
                    let f = try args.bind(["_ transform"])["transform"]!
                    var out: [Value] = []
                    for item in items {
                        let r = try interpreter.call(
                            f,
                            Arguments(
                                [.init(label: nil, value: item, range: args.range)], range: args.range, callee: name))
                        switch name {
                        case "map": out.append(r)
                        case "filter":
                            guard case .bool(let keep) = r else {
                                throw args.error("filter's closure must return a Bool")
                            }
                            if keep { out.append(item) }
                        default: break
                        }
                    }
                    return name == "forEach" ? .nil : .array(out)
                }
            case "reduce":
                return method { [unowned interpreter] args in
                    let p = try args.bind(["_ initial", "_ combine"])
                    var acc = p["initial"]!
                    for item in items {
                        acc = try interpreter.call(
                            p["combine"]!,
                            Arguments(
                                [
                                    .init(label: nil, value: acc, range: args.range),
                                    .init(label: nil, value: item, range: args.range),
                                ],
                                range: args.range, callee: name))
                    }
                    return acc
                }
            default: return nil
            }
        case .dictionary(let pairs):
            switch name {
            case "count": return .int(pairs.count)
            case "isEmpty": return .bool(pairs.isEmpty)
            case "keys": return .array(pairs.map(\.key))
            case "values": return .array(pairs.map(\.value))
            default: return nil
            }
        case .tuple(let items):
            // The engine's `(values:, indices:)` results of max, min, sort and topk.
            if items.count == 2, name == "values" || name == "indices" { return items[name == "values" ? 0 : 1] }
            if let i = Int(name) {
                guard i < items.count else { throw Diagnostic("tuple has no element \(i)", at: range) }
                return items[i]
            }
            if name == "count" { return .int(items.count) }
            return nil
        case .string(let s):
            switch name {
            case "count": return .int(s.count)
            case "isEmpty": return .bool(s.isEmpty)
            case "uppercased": return method { _ in .string(s.uppercased()) }
            case "lowercased": return method { _ in .string(s.lowercased()) }
            case "hasPrefix":
                return method { args in .bool(s.hasPrefix(try string(try args.bind(["_ prefix"])["prefix"]!, args))) }
            case "contains":
                return method { args in .bool(s.contains(try string(try args.bind(["_ other"])["other"]!, args))) }
            case "hasSuffix":
                return method { args in .bool(s.hasSuffix(try string(try args.bind(["_ suffix"])["suffix"]!, args))) }
            default: return nil
            }
        case .range(let lo, let hi, let closed):
            guard let lo, let hi else { return nil }
            guard let count = Interpreter.rangeCount(lo, hi, closed: closed) else {
                throw Diagnostic(
                    "the range \(lo)\(closed ? "..." : "..<")\(hi) holds more than Int.max values", at: range)
            }
            switch name {
            case "count": return .int(count)
            case "lowerBound": return .int(lo)
            case "upperBound": return .int(hi)
            case "map", "filter", "forEach", "reversed", "contains":
                guard count <= 10_000_000 else {
                    throw Diagnostic(
                        "\(name) on a range of \(count) values: at most 10,000,000 (use a for loop)", at: range)
                }
                return try member(.array((0..<count).map { .int(lo + $0) }), name, interpreter: interpreter, at: range)
            default: return nil
            }
        case .int(let i):
            switch name {
            case "isMultiple":
                return method { args in
                    guard case .int(let d) = try args.bind(["of"])["of"]!, d != 0 else {
                        throw args.error("isMultiple(of:) expects a nonzero Int")
                    }
                    return .bool(i % d == 0)
                }
            default: return nil
            }
        case .double(let d):
            switch name {
            case "rounded": return method { _ in .double(d.rounded()) }
            case "squareRoot": return method { _ in .double(d.squareRoot()) }
            case "magnitude": return .double(Swift.abs(d))
            case "isNaN": return .bool(d.isNaN)
            case "isFinite": return .bool(d.isFinite)
            case "isInfinite": return .bool(d.isInfinite)
            default: return nil
            }
        case .function(let f) where f.name == "Double" || f.name == "Float":
            // Static members of the number types; Float is Double in cells.
            switch name {
            case "pi": return .double(Double.pi)
            case "infinity": return .double(Double.infinity)
            case "nan": return .double(Double.nan)
            case "greatestFiniteMagnitude": return .double(Double.greatestFiniteMagnitude)
            case "leastNonzeroMagnitude": return .double(Double.leastNonzeroMagnitude)
            case "ulpOfOne": return .double(Double.ulpOfOne)
            default: return nil
            }
        case .function(let f) where f.name == "Int":
            switch name {
            case "max": return .int(Int.max)
            case "min": return .int(Int.min)
            default: return nil
            }
        default:
            return nil
        }
    }
}
