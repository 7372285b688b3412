/// The names one block declares, each with a slot index (set by the resolver), so that the
/// interpreter reads a local from its block's scope by index instead of by hashing its name.
public final class SlotLayout {
    var index: [String: Int] = [:]
}

/// A lexical scope: names bound to values, with a parent for lookups. A block's scope also keeps
/// its bindings in slots, by the block's layout.
public final class Scope {
    final class Binding {
        var value: Value
        var mutable: Bool
        var type: TypeAnnotation?
        /// False once its scope starts a new loop iteration, until it is bound again.
        var isBound = true
        init(value: Value, mutable: Bool, type: TypeAnnotation?) {
            self.value = value
            self.mutable = mutable
            self.type = type
        }
    }

    var bindings: [String: Binding] = [:]
    let parent: Scope?
    /// In a method's scope: the instance whose fields and methods bare names also reach.
    var selfInstance: Instance?

    /// The bindings of the names in `layout`, by index (nil until bound here).
    var slots: [Binding?]
    let layout: SlotLayout?

    public init(parent: Scope? = nil) {
        self.parent = parent
        layout = nil
        slots = []
    }

    init(parent: Scope, layout: SlotLayout?) {
        self.parent = parent
        self.layout = layout
        slots = [Binding?](repeating: nil, count: layout?.index.count ?? 0)
    }

    func lookup(_ name: String) -> Binding? {
        var scope: Scope? = self
        while let s = scope {
            if let b = s.bindings[name], b.isBound { return b }
            scope = s.parent
        }
        return nil
    }

    /// Binds `name` here. A name already bound here keeps its binding object, updated (the
    /// resolver's cached global bindings stay valid when a later cell redefines a global).
    func define(_ name: String, _ value: Value, mutable: Bool, type: TypeAnnotation? = nil) {
        if let b = bindings[name] {
            b.value = value
            b.mutable = mutable
            b.type = type
            b.isBound = true
        } else {
            let b = Binding(value: value, mutable: mutable, type: type)
            bindings[name] = b
            if let i = layout?.index[name] { slots[i] = b }
        }
    }

    /// Starts a loop iteration in a reused scope: every name here is unbound (the binding objects
    /// stay, to be bound again without allocating).
    func unbindAll() {
        for b in bindings.values {
            b.isBound = false
            b.value = .nil
        }
    }

    /// The value bound to `name` here or in an enclosing scope.
    public func value(of name: String) -> Value? { lookup(name)?.value }

}
