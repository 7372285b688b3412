import Foundation

/// A tree-walking interpreter. State lives in `globals` and carries from cell to cell; the host
/// program adds its functions and types there with `define`.
public final class Interpreter {
    public let globals = Scope()
    /// Every declared host function, for the reference (`runbook help api`).
    public let library = HostLibrary()
    /// Where `print` writes.
    public var output: (String) -> Void = { Swift.print($0, terminator: "") }
    /// Called every `checkpointInterval` loop iterations and function calls: throw to stop a
    /// runaway cell.
    public var checkpoint: () throws -> Void = {}
    /// How many ticks pass between two calls of `checkpoint` (a clock read is dearer than a step).
    public static let checkpointInterval = 64
    var ticksLeft = Interpreter.checkpointInterval

    /// Drops every global value and host hook, ending the reference cycles a run makes
    /// (functions that refer to themselves, host tables that refer to their host): a process
    /// that runs many notebooks (fuzzing, sweeps) gets its memory back. The interpreter is
    /// unusable afterwards.
    public func releaseEverything() {
        for binding in globals.bindings.values { binding.value = .nil }
        globals.bindings = [:]
        checkpoint = {}
        reserveMemory = nil
        output = { _ in }
        loopProgress = nil
        permutation = nil
    }

    /// One loop iteration or call at `site`: every so often, the host's checkpoint.
    @inline(__always) func tick(at site: @autoclosure () -> SourceRange) throws {
        ticksLeft &-= 1
        if ticksLeft <= 0 {
            ticksLeft = Interpreter.checkpointInterval
            checkpointSite = site()
            try checkpoint()
        }
    }
    /// Asked before a string or array of a megabyte or more is made (`bytes`): throws when the
    /// host's memory budget would be passed. A value doubled in a loop grows faster than any
    /// watchdog looks.
    public var reserveMemory: ((_ bytes: Int) throws -> Void)?

    func reserve(_ bytes: Int, at range: SourceRange) throws {
        guard bytes >= 1 << 20, let reserveMemory else { return }
        do { try reserveMemory(bytes) } catch let d as Diagnostic { throw Diagnostic(d.message, at: range) }
    }

    /// The loop or call at which `checkpoint` was last called: where to report a stopped cell.
    public var checkpointSite: SourceRange?
    /// A `for` loop running: its variable's name ("loop" for a pattern), its step (from 0) and
    /// its length when known.
    public struct Loop {
        public var name: String
        public var step: Int
        public var total: Int?
    }
    /// The `for` loops running, outermost first: where a warning happened, and for progress bars.
    public internal(set) var loops: [Loop] = []
    /// The step (from 0) of each `for` loop running, outermost first.
    public var loopSteps: [Int] { loops.map(\.step) }
    /// Where the innermost call in progress was written: the place for errors raised when the
    /// engine calls back into cell code (a cell-defined module's `forward`).
    public internal(set) var callSite: SourceRange?
    /// A random order of 0..<n from the host's seeded generator, for `shuffled()` and `shuffle()`.
    public var permutation: ((Int) throws -> [Int])?
    /// Told how far a long `for` loop outside any call has come (one over a data loader, or of
    /// 1,000 steps or more; not one inside another that reports): (done, total), about a
    /// hundred times per loop.
    public var loopProgress: ((Int, Int) -> Void)?
    /// Whether a loop running reports its progress (loops inside it do not).
    var reporting = false
    var depth = 0
    static let maxDepth = 400

    enum Flow {
        case normal, breakLoop, continueLoop
        case returnValue(Value, SourceRange)
    }

    public init() {
        Builtins.install(in: self)
    }

    public func define(_ name: String, _ value: Value) {
        globals.define(name, value, mutable: false)
    }

    /// Declares a host function of typed parameters in the reference's `table` and defines it.
    public func define<each T>(
        _ table: String, _ name: String, _ doc: String, _ params: repeat Param<each T>,
        body: @escaping (repeat each T) throws -> Value
    ) {
        define(name, .function(library.function(table, name, doc, repeat each params, body: body)))
    }

    public func define(_ name: String, _ body: @escaping (Arguments) throws -> Value) {
        define(name, .function(Function(name, body)))
    }

    /// Runs a parsed cell. Returns the value of its last statement when that is an expression
    /// (what a notebook displays), nil otherwise.
    @discardableResult
    public func run(_ program: [Stmt]) throws -> Value? {
        try Resolver.resolve(program) { [globals] name in globals.bindings[name].map { !$0.mutable } }
        for (i, stmt) in program.enumerated() {
            if i == program.count - 1, case .expression(let e) = stmt.kind {
                let v = try evaluate(e, globals)
                if case .nil = v { return nil }
                if case .tuple(let items) = v, items.isEmpty { return nil }
                return v
            }
            switch try execute(stmt, globals) {
            case .normal: continue
            case .breakLoop, .continueLoop:
                throw Diagnostic("'break' and 'continue' are only allowed inside a loop", at: stmt.range)
            case .returnValue:
                throw Diagnostic("'return' is only allowed inside a function", at: stmt.range)
            }
        }
        return nil
    }

    // MARK: - Statements

    func executeBlock(_ statements: [Stmt], _ scope: Scope) throws -> Flow {
        for s in statements {
            let flow = try execute(s, scope)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    func execute(_ stmt: Stmt, _ scope: Scope) throws -> Flow {
        switch stmt.kind {
        case .expression(let e):
            _ = try evaluate(e, scope)
        case .binding(let mutable, let pattern, let type, let valueExpr):
            var value: Value = .nil
            if let valueExpr {
                value = try evaluate(valueExpr, scope)
            } else if !mutable {
                throw Diagnostic("'let' needs a value", at: stmt.range)
            }
            // `var c: Tensor` without a value is checked when it is first assigned, as Swift lets it be.
            if let type, valueExpr != nil {
                value = try conform(value, to: type, scope, at: valueExpr?.range ?? stmt.range)
            }
            // `let name = …` run again in its block's scope (a loop): its slot's binding, rebound.
            if let slot = stmt.slot, slot < scope.slots.count, let b = scope.slots[slot] {
                b.value = value
                b.mutable = mutable
                b.type = type
                b.isBound = true
                return .normal
            }
            try bind(pattern, value, scope, mutable: mutable, type: type, at: valueExpr?.range ?? stmt.range)
        case .assign(let target, let op, let valueExpr):
            var value = try evaluate(valueExpr, scope)
            if op != "=" {
                let current = try evaluate(target, scope)
                guard let operation = BinaryOperator(rawValue: String(op.dropLast())) else {
                    throw Diagnostic("unknown operator '\(op)'", at: stmt.range)
                }
                // A tensor is updated in place (Python's `__iadd__`): every name holding it sees
                // the change; a bare name is not rebound, a subscript or property is stored back.
                if case .object(let o) = current,
                    try wrap(stmt.range, { try o.updateInPlace(operation.rawValue, value) })
                {
                    if case .identifier = target.kind { return .normal }
                    value = current
                } else {
                    value = try binary(operation, current, value, at: stmt.range)
                }
            }
            try assign(target, value, scope)
        case .if(let condition, let then, let otherwise):
            if try truth(condition, scope) {
                return try executeBlock(then, Scope(parent: scope, layout: stmt.layouts.first))
            } else if let otherwise {
                return try executeBlock(otherwise, Scope(parent: scope, layout: stmt.layouts.dropFirst().first))
            }
        case .while(let condition, let body):
            let layout = stmt.layouts.first
            let reused = stmt.capturesScope ? nil : Scope(parent: scope, layout: layout)
            while try truth(condition, scope) {
                try tick(at: stmt.range)
                reused?.unbindAll()
                let flow = try executeBlock(body, reused ?? Scope(parent: scope, layout: layout))
                switch flow {
                case .breakLoop: return .normal
                case .returnValue: return flow
                default: continue
                }
            }
        case .for(let pattern, let sequenceExpr, let body, let mutable):
            let sequence = try evaluate(sequenceExpr, scope)
            let next = try iterator(sequence, at: sequenceExpr.range)
            let total = Interpreter.count(sequence)
            // A progress report for the outermost long loop outside any call: a data loader's,
            // or one of a thousand steps or more.
            var isLoader = false
            if case .object = sequence { isLoader = total != nil }
            let report =
                depth == 0 && !reporting && (isLoader || (total ?? 0) >= 1000) ? loopProgress : nil
            if report != nil { reporting = true }
            defer { if report != nil { reporting = false } }
            var done = 0
            var name = "loop"
            if case .name(let n, _) = pattern { name = n }
            loops.append(Loop(name: name, step: 0, total: total))
            defer { loops.removeLast() }
            defer { if let report, let total { report(total, total) } }  // before the loop is gone
            // A body that no closure, function or class can capture reuses one scope.
            let layout = stmt.layouts.first
            let reused = stmt.capturesScope ? nil : Scope(parent: scope, layout: layout)
            while let item = try next() {
                try tick(at: stmt.range)
                if let report, let total, done % Swift.max(1, total / 100) == 0 { report(done, total) }
                loops[loops.count - 1].step = done
                done += 1
                let inner: Scope
                if let reused {
                    reused.unbindAll()
                    inner = reused
                } else {
                    inner = Scope(parent: scope, layout: layout)
                }
                try bind(pattern, item, inner, mutable: mutable, type: nil, at: sequenceExpr.range)
                let flow = try executeBlock(body, inner)
                switch flow {
                case .breakLoop: return .normal
                case .returnValue: return flow
                default: continue
                }
            }
        case .break: return .breakLoop
        case .continue: return .continueLoop
        case .return(let e):
            return .returnValue(try e.map { try evaluate($0, scope) } ?? .nil, e?.range ?? stmt.range)
        case .function(let decl):
            scope.define(decl.name, .function(Function(name: decl.name, body: .user(decl, scope))), mutable: false)
        case .class(let decl):
            var superclass: Value?
            if let (name, range) = decl.superclass {
                guard let s = scope.lookup(name)?.value else {
                    throw Diagnostic("cannot find type '\(name)' in scope", at: range)
                }
                switch s {
                case .class, .object: superclass = s
                default: throw Diagnostic("'\(name)' is not a class and cannot be inherited from", at: range)
                }
            }
            scope.define(
                decl.name, .class(ClassValue(name: decl.name, decl: decl, superclass: superclass, scope: scope)),
                mutable: false)
        }
        return .normal
    }

    /// How many Ints a range holds; nil when that is not an Int (0...Int.max).
    static func rangeCount(_ lo: Int, _ hi: Int, closed: Bool) -> Int? {
        let (d, overflow) = hi.subtractingReportingOverflow(lo)
        guard !overflow else { return nil }
        if !closed { return Swift.max(0, d) }
        let (n, overflow2) = d.addingReportingOverflow(1)
        return overflow2 ? nil : Swift.max(0, n)
    }

    static func count(_ sequence: Value) -> Int? {
        switch sequence {
        case .range(let lo?, let hi?, let closed): return Interpreter.rangeCount(lo, hi, closed: closed)
        case .array(let items): return items.count
        case .object(let o):  // a data loader: its batches
            if o.typeName == "DataLoader", case .int(let n)? = try? o.member("count") { return n }
            return nil
        default: return nil
        }
    }

    func truth(_ e: Expr, _ scope: Scope) throws -> Bool {
        let v = try evaluate(e, scope)
        if case .object(let o) = v, let b = try wrap(e.range, { try o.condition() }) { return b }
        guard case .bool(let b) = v else {
            throw Diagnostic("condition must be a Bool, not \(v.typeName)", at: e.range)
        }
        return b
    }

    /// A function producing successive values of `sequence` for `for … in`.
    func iterator(_ sequence: Value, at range: SourceRange) throws -> () throws -> Value? {
        switch sequence {
        case .range(let lo, let hi, let closed):
            guard let lo, let hi else { throw Diagnostic("cannot iterate over a range without both bounds", at: range) }
            // Never past the end, even when it is Int.max (no `i + 1` that overflows).
            guard closed || hi > Int.min else { return { nil } }
            var next: Int? = lo
            let end = closed ? hi : hi - 1
            return { () -> Value? in
                guard let i = next, i <= end else { return nil }
                next = i == end ? nil : i + 1
                return .int(i)
            }
        case .array(let items), .tuple(let items):
            var i = 0
            return { () -> Value? in
                guard i < items.count else { return nil }
                defer { i += 1 }
                return items[i]
            }
        case .dictionary(let pairs):
            var i = 0
            return { () -> Value? in
                guard i < pairs.count else { return nil }
                defer { i += 1 }
                return .tuple([pairs[i].key, pairs[i].value])
            }
        case .string(let s):
            var it = s.makeIterator()
            return { it.next().map { .string(String($0)) } }
        case .object(let o):
            if let next = try o.makeIterator() { return next }
        case .instance(let inst):
            if let base = inst.base, let next = try base.makeIterator() { return next }
        default:
            break
        }
        throw Diagnostic("cannot iterate over a value of type \(sequence.typeName)", at: range)
    }

    func bind(
        _ pattern: Pattern, _ value: Value, _ scope: Scope, mutable: Bool, type: TypeAnnotation?, at range: SourceRange
    ) throws {
        switch pattern {
        case .wildcard: return
        case .name(let name, _):
            scope.define(name, value, mutable: mutable, type: type)
        case .tuple(let patterns):
            let items: [Value]
            switch value {
            case .tuple(let xs), .array(let xs): items = xs
            default:
                throw Diagnostic(
                    "cannot destructure a value of type \(value.typeName) into \(patterns.count) names", at: range)
            }
            guard items.count == patterns.count else {
                throw Diagnostic("cannot destructure \(items.count) values into \(patterns.count) names", at: range)
            }
            var elementTypes: [TypeAnnotation?] = Array(repeating: nil, count: items.count)
            if case .tuple(let ts)? = type, ts.count == items.count { elementTypes = ts }
            for (i, (p, v)) in zip(patterns, items).enumerated() {
                try bind(p, v, scope, mutable: mutable, type: elementTypes[i], at: range)
            }
        }
    }

    // MARK: - Assignment

    func assign(_ target: Expr, _ value: Value, _ scope: Scope) throws {
        switch target.kind {
        case .identifier(let name):
            let binding: Scope.Binding
            switch resolve(name, scope) {
            case .binding(let b): binding = b
            case .member(let inst): return try setField(inst, name, value, at: target.range)
            case nil: throw Diagnostic("cannot find '\(name)' in scope", at: target.range)
            }
            guard binding.mutable else {
                throw Diagnostic("cannot assign to value: '\(name)' is a 'let' constant", at: target.range)
            }
            binding.value = try binding.type.map { try conform(value, to: $0, scope, at: target.range) } ?? value
        case .member(let baseExpr, let name):
            let base = try evaluate(baseExpr, scope)
            switch base {
            case .instance(let inst):
                try setField(inst, name, value, at: target.range)
            case .object(let o):
                guard try wrap(target.range, { try o.setMember(name, value) }) else {
                    throw Diagnostic("cannot assign to property '\(name)' of \(o.typeName)", at: target.range)
                }
            default:
                throw Diagnostic("cannot assign to property '\(name)' of \(base.typeName)", at: target.range)
            }
        case .subscript(let baseExpr, let argExprs):
            let base = try evaluate(baseExpr, scope)
            let args = try arguments(argExprs, scope, range: target.range, callee: "subscript")
            switch base {
            case .array(var items):
                let index = try arrayIndex(args, count: items.count)
                items[index] = value
                try assign(baseExpr, .array(items), scope)
            case .dictionary(var pairs):
                guard args.count == 1 else { throw args.error("a dictionary is indexed by one key") }
                let key = args.items[0].value
                if let i = pairs.firstIndex(where: { Interpreter.equal($0.key, key) }) {
                    if case .nil = value { pairs.remove(at: i) } else { pairs[i].value = value }
                } else if !(value.isNil) {
                    pairs.append((key, value))
                }
                try assign(baseExpr, .dictionary(pairs), scope)
            case .object(let o):
                try wrap(target.range) { try o.subscriptSet(args, value) }
            case .instance(let inst) where inst.base != nil:
                try wrap(target.range) { try inst.base!.subscriptSet(args, value) }
            default:
                throw Diagnostic("cannot assign through a subscript of \(base.typeName)", at: target.range)
            }
        case .tuple(let targets):
            guard case .tuple(let items) = value, items.count == targets.count else {
                throw Diagnostic(
                    "cannot assign \(value.typeName) to a tuple of \(targets.count) targets", at: target.range)
            }
            for (t, v) in zip(targets, items) { try assign(t, v, scope) }
        default:
            throw Diagnostic("cannot assign to this expression", at: target.range)
        }
    }

    func setField(_ inst: Instance, _ name: String, _ value: Value, at range: SourceRange) throws {
        if let i = inst.fields.firstIndex(where: { $0.name == name }) {
            guard inst.fields[i].mutable || initializing.contains(ObjectIdentifier(inst)) else {
                throw Diagnostic("cannot assign to property: '\(name)' is a 'let' constant", at: range)
            }
            inst.fields[i].value = value
        } else if let base = inst.base, try wrap(range, { try base.setMember(name, value) }) {
            return
        } else {
            throw Diagnostic("value of type '\(inst.cls.name)' has no member '\(name)'", at: range)
        }
        try wrap(range) { try inst.base?.fieldDidChange(name, value) }
    }

    var initializing = Set<ObjectIdentifier>()

    enum Resolution {
        case binding(Scope.Binding)
        case member(Instance)
    }

    /// Finds what a bare name means: locals first, then (inside a method) the fields and methods
    /// of `self`, then enclosing scopes — Swift's order.
    func resolve(_ name: String, _ scope: Scope) -> Resolution? {
        var s: Scope? = scope
        while let current = s {
            if let b = current.bindings[name], b.isBound { return .binding(b) }
            if let inst = current.selfInstance, inst.field(name) != nil || inst.cls.method(name) != nil {
                return .member(inst)
            }
            s = current.parent
        }
        return nil
    }

    // MARK: - Expressions

    func evaluate(_ e: Expr, _ scope: Scope) throws -> Value {
        switch e.kind {
        case .int(let v): return .int(v)
        case .double(let v): return .double(v)
        case .bool(let v): return .bool(v)
        case .nil: return .nil
        case .string(let parts):
            var s = ""
            for part in parts {
                switch part {
                case .text(let t): s += t
                case .expr(let x): s += try evaluate(x, scope).printed
                }
            }
            return .string(s)
        case .identifier(let name):
            // A local: its block's scope is `depth` scopes up, its binding in slot `index` there.
            if let (depth, index) = e.local {
                var s = scope
                for _ in 0..<depth { s = s.parent ?? s }
                if index < s.slots.count, let b = s.slots[index], b.isBound { return b.value }
            }
            if e.global {
                if let b = e.binding { return b.value }
                if let b = globals.bindings[name] {
                    e.binding = b
                    return b.value
                }
            }
            switch resolve(name, scope) {
            case .binding(let b): return b.value
            case .member(let inst): return try member(.instance(inst), name, at: e.range)
            case nil:
                // Declared in an enclosing block, but further down (Swift's compile-time error).
                if e.local != nil {
                    throw Diagnostic("use of local variable '\(name)' before its declaration", at: e.range)
                }
                throw Diagnostic(
                    "cannot find '\(name)' in scope" + suggestion(name, among: visibleNames(scope)), at: e.range)
            }
        case .self:
            guard let b = scope.lookup("self") else {
                throw Diagnostic("'self' is only available inside a class", at: e.range)
            }
            return b.value
        case .array(let items):
            return .array(try items.map { try evaluate($0, scope) })
        case .dictionary(let pairs):
            var out: [(key: Value, value: Value)] = []
            for (k, v) in pairs {
                let key = try evaluate(k, scope), value = try evaluate(v, scope)
                if let i = out.firstIndex(where: { Interpreter.equal($0.key, key) }) {
                    out[i].value = value
                } else {
                    out.append((key, value))
                }
            }
            return .dictionary(out)
        case .forceUnwrap(let inner):
            let v = try evaluate(inner, scope)
            if case .nil = v { throw Diagnostic("unexpectedly found nil while unwrapping a value", at: e.range) }
            return v
        case .tuple(let items):
            return .tuple(try items.map { try evaluate($0, scope) })
        case .prefix(let op, let operand):
            let v = try evaluate(operand, scope)
            return try prefix(op, v, at: e.range)
        case .binary(.and, let l, let r):
            return .bool(try truth(l, scope) ? try truth(r, scope) : false)
        case .binary(.or, let l, let r):
            return .bool(try truth(l, scope) ? true : try truth(r, scope))
        case .binary(.nilCoalescing, let l, let r):
            let v = try evaluate(l, scope)
            if case .nil = v { return try evaluate(r, scope) }
            return v
        case .binary(let op, let l, let r):
            return try binary(op, try evaluate(l, scope), try evaluate(r, scope), at: e.range)
        case .ternary(let c, let a, let b):
            return try truth(c, scope) ? try evaluate(a, scope) : try evaluate(b, scope)
        case .range(let lo, let hi, let closed):
            func bound(_ x: Expr?) throws -> Int? {
                guard let x else { return nil }
                let v = try evaluate(x, scope)
                guard case .int(let i) = v else {
                    throw Diagnostic("range bounds must be Int, not \(v.typeName)", at: x.range)
                }
                return i
            }
            let l = try bound(lo), h = try bound(hi)
            if let l, let h, closed ? h < l : h < l {
                throw Diagnostic("range requires lowerBound <= upperBound, got \(l) and \(h)", at: e.range)
            }
            return .range(lower: l, upper: h, closed: closed)
        case .call(let calleeExpr, let argExprs):
            return try evaluateCall(e, calleeExpr, argExprs, scope)
        case .member(let baseExpr, let name):
            let base = try evaluate(baseExpr, scope)
            return try member(base, name, at: e.range)
        case .subscript(let baseExpr, let argExprs):
            let base = try evaluate(baseExpr, scope)
            let args = try arguments(argExprs, scope, range: e.range, callee: "subscript")
            return try subscriptGet(base, args, at: e.range)
        case .closure(let params, let body):
            return .function(Function(name: "closure", body: .closure(params: params, body: body, scope, e.layout)))
        }
    }

    func arguments(_ exprs: [Argument], _ scope: Scope, range: SourceRange, callee: String) throws -> Arguments {
        Arguments(
            try exprs.map { .init(label: $0.label, value: try evaluate($0.value, scope), range: $0.value.range) },
            range: range, callee: callee)
    }

    static let mutatingArrayMethods: Set<String> = [
        "append", "removeLast", "removeFirst", "insert", "remove", "removeAll", "sort", "reverse", "shuffle",
    ]

    /// Whether an expression reads as a type: `Int`, `(Tensor, Tensor)`, `[Double]`, `[String: Int]`.
    static func isTypeExpression(_ e: Expr) -> Bool {
        switch e.kind {
        case .identifier(let name): return name.first?.isUppercase == true
        case .tuple(let items): return items.allSatisfy(isTypeExpression)
        case .array(let items): return items.count == 1 && isTypeExpression(items[0])
        case .dictionary(let pairs):
            return pairs.count == 1 && isTypeExpression(pairs[0].0) && isTypeExpression(pairs[0].1)
        default: return false
        }
    }

    func evaluateCall(_ e: Expr, _ calleeExpr: Expr, _ argExprs: [Argument], _ scope: Scope) throws -> Value {
        // Mutating methods on arrays write the new array back to where it came from.
        if case .member(let baseExpr, let name) = calleeExpr.kind, calleeExpr.namesMutatingArrayMethod {
            // A variable's array is taken out of its binding while it changes, so that appending
            // in a loop does not copy the whole array each time.
            if case .identifier(let v) = baseExpr.kind, case .binding(let binding)? = resolve(v, scope),
                case .array(var items) = binding.value
            {
                guard binding.mutable else {
                    throw Diagnostic(
                        "cannot use mutating member '\(name)' on '\(v)': it is a 'let' constant", at: calleeExpr.range)
                }
                let args = try arguments(argExprs, scope, range: e.range, callee: name)
                binding.value = .nil
                defer { binding.value = .array(items) }
                return try Builtins.mutateArray(&items, name, args, self)
            }
            let base = try evaluate(baseExpr, scope)
            if case .array(var items) = base {
                let args = try arguments(argExprs, scope, range: e.range, callee: name)
                let result = try Builtins.mutateArray(&items, name, args, self)
                try assign(baseExpr, .array(items), scope)
                return result
            }
        }
        // `[Int]()`, `[(Tensor, Tensor)]()`, `[String: Int]()`: an empty array or dictionary.
        if case .array(let items) = calleeExpr.kind, items.count == 1, Interpreter.isTypeExpression(items[0]),
            argExprs.isEmpty
        {
            return .array([])
        }
        if case .dictionary(let pairs) = calleeExpr.kind, pairs.count == 1, Interpreter.isTypeExpression(pairs[0].0),
            Interpreter.isTypeExpression(pairs[0].1), argExprs.isEmpty
        {
            return .dictionary([])
        }
        // `object.method(…)` on a host object: called directly, without a bound function value.
        if case .member(let baseExpr, let method) = calleeExpr.kind {
            let base = try evaluate(baseExpr, scope)
            let args = try arguments(argExprs, scope, range: e.range, callee: method)
            if case .object(let o) = base {
                try tick(at: args.range)
                let outer = callSite
                callSite = args.range
                defer { callSite = outer }
                if let result = try wrap(calleeExpr.range, { try o.callMethod(method, args) }) { return result }
            }
            return try call(try member(base, method, at: calleeExpr.range), args)
        }
        let callee = try evaluate(calleeExpr, scope)
        var name = "function"
        switch calleeExpr.kind {
        case .identifier(let n): name = n
        case .member(_, let n): name = n
        default: break
        }
        let args = try arguments(argExprs, scope, range: e.range, callee: name)
        return try call(callee, args)
    }

    /// Calls a function, class, instance or host object with arguments.
    public func call(_ callee: Value, _ args: Arguments) throws -> Value {
        try tick(at: args.range)
        let outer = callSite
        callSite = args.range
        defer { callSite = outer }
        switch callee {
        case .function(let f):
            return try call(f, args)
        case .class(let cls):
            return try instantiate(cls, args)
        case .instance(let inst):
            if let m = inst.cls.method("callAsFunction") {
                return try callUser(m, args, closure: inst.cls.scope, boundSelf: inst)
            }
            if let base = inst.base { return try wrap(args.range) { try base.call(args) } }
            throw args.error("cannot call value of type '\(inst.cls.name)'")
        case .object(let o):
            return try wrap(args.range) { try o.call(args) }
        default:
            throw args.error("cannot call value of non-function type '\(callee.typeName)'")
        }
    }

    func call(_ f: Function, _ args: Arguments) throws -> Value {
        switch f.body {
        case .host(let body):
            return try wrap(args.range) { try body(args) }
        case .user(let decl, let closure):
            return try callUser(decl, args, closure: closure, boundSelf: f.boundSelf)
        case .closure(let params, let body, let closure, let layout):
            // Closures count toward the call depth as functions do (recursion through a closure).
            depth += 1
            defer { depth -= 1 }
            guard depth < Interpreter.maxDepth else {
                throw args.error("maximum call depth exceeded in a closure (runaway recursion?)")
            }
            let scope = Scope(parent: closure, layout: layout)
            let values = args.items.map(\.value)
            if params.isEmpty {
                for (i, v) in values.enumerated() { scope.define("$\(i)", v, mutable: false) }
            } else {
                guard params.count == values.count else {
                    throw args.error(
                        "closure expects \(params.count) argument\(params.count == 1 ? "" : "s"), got \(values.count)")
                }
                for (p, v) in zip(params, values) { scope.define(p, v, mutable: false) }
            }
            // A single expression is the closure's value.
            if body.count == 1, case .expression(let x) = body[0].kind { return try evaluate(x, scope) }
            if case .returnValue(let v, _) = try executeBlock(body, scope) { return v }
            return .nil
        }
    }

    /// Calls a method of an instance by name (how host bases call back into cell code).
    public func callMethod(_ inst: Instance, _ name: String, _ args: Arguments) throws -> Value {
        guard let m = inst.cls.method(name) else {
            throw args.error("value of type '\(inst.cls.name)' has no method '\(name)'")
        }
        return try callUser(m, args, closure: inst.cls.scope, boundSelf: inst)
    }

    func callUser(_ decl: FunctionDecl, _ args: Arguments, closure: Scope, boundSelf: Instance?) throws -> Value {
        depth += 1
        defer { depth -= 1 }
        guard depth < Interpreter.maxDepth else {
            throw args.error("maximum call depth exceeded in '\(decl.name)' (runaway recursion?)")
        }
        let scope = Scope(parent: closure, layout: decl.layout)
        if let boundSelf {
            scope.define("self", .instance(boundSelf), mutable: false)
            scope.selfInstance = boundSelf
        }
        // The same binder as host functions: `_ x` by position, others by their label.
        let slots = try decl.bindingSignature.bind(args)
        for (p, slot) in zip(decl.parameters, slots) {
            var value: Value
            if let slot {
                value = slot.value
            } else if let d = p.defaultValue {
                value = try evaluate(d, scope)
            } else {
                throw args.error(
                    "missing argument for parameter '\(p.label ?? p.name)' in call to \(decl.name); expected \(decl.signature)"
                )
            }
            if let t = p.type { value = try conform(value, to: t, scope, at: slot?.range ?? args.range) }
            scope.define(p.name, value, mutable: false)
        }
        var result: Value = .nil
        var resultRange = decl.range
        if case .returnValue(let v, let r) = try executeBlock(decl.body, scope) {
            result = v
            resultRange = r
        }
        if let rt = decl.returnType { result = try conform(result, to: rt, scope, at: resultRange) }
        return result
    }

    func instantiate(_ cls: ClassValue, _ args: Arguments) throws -> Value {
        let inst = Instance(cls: cls)
        initializing.insert(ObjectIdentifier(inst))
        defer { initializing.remove(ObjectIdentifier(inst)) }
        // The host base first, so that fields can be registered with it as they are set.
        var root: Value? = cls.superclass
        while case .class(let parent)? = root { root = parent.superclass }
        if case .object(let hostClass)? = root {
            guard let base = try wrap(args.range, { try hostClass.makeBase(for: inst, interpreter: self) }) else {
                throw args.error("cannot inherit from \(hostClass.typeName)")
            }
            inst.base = base
        }
        try initializeFields(cls, inst)
        if let initializer = cls.method("init") {
            _ = try callUser(initializer, args, closure: cls.scope, boundSelf: inst)
        } else if args.count > 0 {
            throw args.error("\(cls.name)() takes no arguments (declare an init)")
        }
        return .instance(inst)
    }

    func initializeFields(_ cls: ClassValue, _ inst: Instance) throws {
        if case .class(let parent)? = cls.superclass { try initializeFields(parent, inst) }
        let scope = Scope(parent: cls.scope)
        scope.define("self", .instance(inst), mutable: false)
        scope.selfInstance = inst
        for member in cls.decl.members {
            guard case .binding(let mutable, let pattern, let type, let valueExpr) = member.kind else { continue }
            guard case .name(let name, _) = pattern else {
                throw Diagnostic("class properties must be single names", at: member.range)
            }
            var value = try valueExpr.map { try evaluate($0, scope) } ?? .nil
            if let type { value = try conform(value, to: type, scope, at: member.range) }
            inst.fields.append((name, value, mutable))
            try wrap(member.range) { try inst.base?.fieldDidChange(name, value) }
        }
    }

    /// Runs a host call, turning any non-diagnostic error into a diagnostic at `range`.
    @discardableResult
    func wrap<T>(_ range: SourceRange, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let d as Diagnostic {
            throw d
        } catch let list as DiagnosticList {
            throw list
        } catch {
            throw Diagnostic(String(describing: error), at: range)
        }
    }

    // MARK: - Operators

    func prefix(_ op: String, _ v: Value, at range: SourceRange) throws -> Value {
        switch (op, v) {
        case ("-", .int(let i)):
            guard i != Int.min else { throw Diagnostic("arithmetic overflow in '-'", at: range) }
            return .int(-i)
        case ("-", .double(let d)): return .double(-d)
        case ("+", .int), ("+", .double): return v
        case ("!", .bool(let b)): return .bool(!b)
        case (_, .object(let o)):
            if let r = try wrap(range, { try o.prefix(op) }) { return r }
        default: break
        }
        throw Diagnostic("unary operator '\(op)' cannot be applied to an operand of type \(v.typeName)", at: range)
    }

    func binary(_ op: BinaryOperator, _ l: Value, _ r: Value, at range: SourceRange) throws -> Value {
        if op == .identical || op == .notIdentical {
            let same: Bool
            switch (l, r) {
            case (.object(let a), .object(let b)): same = a === b
            case (.instance(let a), .instance(let b)): same = a === b
            case (.nil, .nil): same = true
            case (.object, _), (.instance, _), (.nil, _): same = false
            default:
                throw Diagnostic(
                    "'\(op.rawValue)' compares class instances (tensors, modules, objects), not \(l.typeName)",
                    at: range)
            }
            return .bool(op == .identical ? same : !same)
        }
        switch (l, r) {
        case (.int(let a), .int(let b)):
            switch op {
            case .add: return try overflow(a.addingReportingOverflow(b), op, range)
            case .subtract: return try overflow(a.subtractingReportingOverflow(b), op, range)
            case .multiply: return try overflow(a.multipliedReportingOverflow(by: b), op, range)
            case .divide, .remainder:
                guard b != 0 else { throw Diagnostic("division by zero", at: range) }
                // Int.min / -1 does not fit (and Int.min % -1 traps the same way in Swift).
                guard !(a == Int.min && b == -1) else {
                    throw Diagnostic("arithmetic overflow in '\(op.rawValue)'", at: range)
                }
                return .int(op == .divide ? a / b : a % b)
            default: if let c = Interpreter.compare(op, a, b) { return .bool(c) }
            }
        case (.int, .double), (.double, .int), (.double, .double):
            let a = l.asNumber!, b = r.asNumber!
            switch op {
            case .add: return .double(a + b)
            case .subtract: return .double(a - b)
            case .multiply: return .double(a * b)
            case .divide: return .double(a / b)
            case .remainder: return .double(a.truncatingRemainder(dividingBy: b))
            default: if let c = Interpreter.compare(op, a, b) { return .bool(c) }
            }
        case (.string(let a), .string(let b)):
            if op == .add {
                try reserve(a.utf8.count + b.utf8.count, at: range)
                return .string(a + b)
            }
            if let c = Interpreter.compare(op, a, b) { return .bool(c) }
        case (.array(let a), .array(let b)) where op == .add:
            try reserve((a.count + b.count) * MemoryLayout<Value>.stride, at: range)
            return .array(a + b)
        case (.object(let o), _):
            if let v = try wrap(range, { try o.binary(op.rawValue, r, reversed: false) }) { return v }
        case (_, .object(let o)):
            if let v = try wrap(range, { try o.binary(op.rawValue, l, reversed: true) }) { return v }
        default:
            break
        }
        if op == .equal || op == .notEqual {
            let equal = Interpreter.equal(l, r)
            return .bool(op == .equal ? equal : !equal)
        }
        throw Diagnostic(
            "binary operator '\(op.rawValue)' cannot be applied to operands of type \(l.typeName) and \(r.typeName)",
            at: range)
    }

    /// `a op b` for a comparison operator; nil for any other operator.
    static func compare<T: Comparable>(_ op: BinaryOperator, _ a: T, _ b: T) -> Bool? {
        switch op {
        case .equal: return a == b
        case .notEqual: return a != b
        case .less: return a < b
        case .lessOrEqual: return a <= b
        case .greater: return a > b
        case .greaterOrEqual: return a >= b
        default: return nil
        }
    }

    func overflow(_ r: (partialValue: Int, overflow: Bool), _ op: BinaryOperator, _ range: SourceRange) throws -> Value
    {
        if r.overflow { throw Diagnostic("arithmetic overflow in '\(op.rawValue)'", at: range) }
        return .int(r.partialValue)
    }

    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.nil, .nil): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.int, _), (.double, _):
            guard let x = a.asNumber, let y = b.asNumber else { return false }
            return x == y
        case (.array(let x), .array(let y)), (.tuple(let x), .tuple(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.dictionary(let x), .dictionary(let y)):
            return x.count == y.count
                && x.allSatisfy { p in y.contains { equal($0.key, p.key) && equal($0.value, p.value) } }
        case (.instance(let x), .instance(let y)): return x === y
        case (.object(let x), .object(let y)): return x === y
        default: return false
        }
    }

    // MARK: - Members and subscripts

    /// Every name a bare identifier could mean here.
    func visibleNames(_ scope: Scope) -> [String] {
        var names: [String] = []
        var s: Scope? = scope
        while let current = s {
            names += current.bindings.filter { $0.value.isBound }.keys
            if let inst = current.selfInstance { names += inst.fields.map(\.name) + Array(inst.cls.methods.keys) }
            s = current.parent
        }
        return names
    }

    /// "; did you mean 'relu'?" for the closest known name: the camelCase spelling of a snake_case
    /// name (`requires_grad` → `requiresGrad`), else one within a small edit distance.
    func suggestion(_ name: String, among names: [String]) -> String {
        guard let best = Interpreter.nearest(name, among: names) else { return "" }
        return "; did you mean '\(best)'?"
    }

    static func nearest(_ name: String, among names: [String]) -> String? {
        let camel = name.split(separator: "_", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }
            .joined()
        let trailing = name.hasSuffix("_") && !camel.hasSuffix("_") ? camel + "_" : camel
        if trailing != name, names.contains(trailing) { return trailing }
        if camel != name, names.contains(camel) { return camel }
        let lower = name.lowercased()
        // Ranked by distance ignoring case, then with case, then by name.
        var best: (name: String, rank: (Int, Int))?
        let limit = name.count < 3 ? 0 : Swift.max(1, Swift.min(3, name.count / 3))
        for candidate in Set(names) where !candidate.isEmpty {
            let d = editDistance(lower, candidate.lowercased())
            guard d <= limit else { continue }
            let rank = (d, editDistance(name, candidate))
            if let b = best, b.rank < rank || (b.rank == rank && b.name < candidate) { continue }
            best = (candidate, rank)
        }
        return best?.name
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        var row = Array(0...y.count)
        for i in 1...x.count {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: y.count, by: 1) {
                let current = row[j]
                row[j] = Swift.min(row[j] + 1, row[j - 1] + 1, previous + (x[i - 1] == y[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[y.count]
    }

    func member(_ base: Value, _ name: String, at range: SourceRange) throws -> Value {
        switch base {
        case .instance(let inst):
            if let v = inst.field(name) { return v }
            if let m = inst.cls.method(name) {
                return .function(Function(name: name, body: .user(m, inst.cls.scope), boundSelf: inst))
            }
            if let b = inst.base, let v = try wrap(range, { try b.member(name) }) { return v }
            throw Diagnostic("value of type '\(inst.cls.name)' has no member '\(name)'", at: range)
        case .object(let o):
            if let v = try wrap(range, { try o.member(name) }) { return v }
            throw Diagnostic(
                "value of type '\(o.typeName)' has no member '\(name)'" + suggestion(name, among: o.memberNames),
                at: range)
        default:
            if let v = try Builtins.member(base, name, interpreter: self, at: range) { return v }
            throw Diagnostic("value of type '\(base.typeName)' has no member '\(name)'", at: range)
        }
    }

    func arrayIndex(_ args: Arguments, count: Int) throws -> Int {
        guard args.count == 1, case .int(let i) = args.items[0].value else {
            throw args.error("an array index must be a single Int")
        }
        guard i >= 0 && i < count else {
            throw args.error("index \(i) is out of range for an array of \(count) elements")
        }
        return i
    }

    func subscriptGet(_ base: Value, _ args: Arguments, at range: SourceRange) throws -> Value {
        switch base {
        case .array(let items), .tuple(let items):
            if args.count == 1, case .range(let lo, let hi, let closed) = args.items[0].value {
                let l = lo ?? 0
                let h = hi.map { closed ? $0.addingReportingOverflow(1).partialValue : $0 } ?? items.count
                guard l >= 0, h <= items.count, l <= h else {
                    throw args.error("range \(l)..<\(h) is out of bounds for \(items.count) elements")
                }
                return .array(Array(items[l..<h]))
            }
            return items[try arrayIndex(args, count: items.count)]
        case .string(let s):
            let chars = Array(s)
            return .string(String(chars[try arrayIndex(args, count: chars.count)]))
        case .dictionary(let pairs):
            guard args.count == 1 else { throw args.error("a dictionary is indexed by one key") }
            return pairs.first { Interpreter.equal($0.key, args.items[0].value) }?.value ?? .nil
        case .object(let o):
            return try wrap(range) { try o.subscriptGet(args) }
        case .instance(let inst) where inst.base != nil:
            return try wrap(range) { try inst.base!.subscriptGet(args) }
        default:
            throw Diagnostic("value of type '\(base.typeName)' has no subscripts", at: range)
        }
    }

    // MARK: - Types

    /// Checks `value` against an annotation (converting an Int to Double where a Double is declared).
    func conform(_ value: Value, to type: TypeAnnotation, _ scope: Scope, at range: SourceRange) throws -> Value {
        func fail() -> Diagnostic {
            Diagnostic("cannot convert value of type \(value.typeName) to \(type)", at: range)
        }
        switch type {
        case .optional(let inner):
            if case .nil = value { return value }
            return try conform(value, to: inner, scope, at: range)
        case .array(let inner):
            guard case .array(let items) = value else { throw fail() }
            return .array(try items.map { try conform($0, to: inner, scope, at: range) })
        case .dictionary(let keyType, let valueType):
            guard case .dictionary(let pairs) = value else { throw fail() }
            return .dictionary(
                try pairs.map {
                    (
                        try conform($0.key, to: keyType, scope, at: range),
                        try conform($0.value, to: valueType, scope, at: range)
                    )
                })
        case .function:
            // Checked only as callable: the parameters and result are checked when it runs.
            switch value {
            case .function, .class: return value
            default: throw fail()
            }
        case .tuple(let inner):
            guard case .tuple(let items) = value, items.count == inner.count else { throw fail() }
            return .tuple(try zip(items, inner).map { try conform($0, to: $1, scope, at: range) })
        case .named(let name):
            switch (name, value) {
            case ("Any", _), ("Function", .function): return value
            case ("Int", .int), ("Bool", .bool), ("String", .string): return value
            case ("Double", .double), ("Float", .double): return value
            case ("Double", .int(let i)), ("Float", .int(let i)): return .double(Double(i))
            case ("Int", _), ("Bool", _), ("String", _), ("Double", _), ("Float", _), ("Function", _): throw fail()
            default: break
            }
            guard let t = scope.lookup(name)?.value else {
                throw Diagnostic("cannot find type '\(name)' in scope", at: range)
            }
            switch t {
            case .class(let cls):
                if case .instance(let inst) = value {
                    var c: ClassValue? = inst.cls
                    while let k = c {
                        if k === cls { return value }
                        if case .class(let p)? = k.superclass { c = p } else { c = nil }
                    }
                }
                throw fail()
            case .object(let o):
                if let ok = o.isType(of: value) { if ok { return value } else { throw fail() } }
                if case .instance(let inst) = value, let base = inst.base, o.isType(of: .object(base)) == true {
                    return value
                }
                throw Diagnostic("'\(name)' is not a type", at: range)
            default:
                throw Diagnostic("'\(name)' is not a type", at: range)
            }
        }
    }
}
