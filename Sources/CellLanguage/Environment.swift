/// A lexical scope: names bound to values, with a parent for lookups.
public final class Scope {
    final class Binding {
        var value: Value
        let mutable: Bool
        let type: TypeAnnotation?
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

    public init(parent: Scope? = nil) { self.parent = parent }

    func lookup(_ name: String) -> Binding? {
        var scope: Scope? = self
        while let s = scope {
            if let b = s.bindings[name] { return b }
            scope = s.parent
        }
        return nil
    }

    func define(_ name: String, _ value: Value, mutable: Bool, type: TypeAnnotation? = nil) {
        bindings[name] = Binding(value: value, mutable: mutable, type: type)
    }

    /// The value bound to `name` here or in an enclosing scope.
    public func value(of name: String) -> Value? { lookup(name)?.value }

}
