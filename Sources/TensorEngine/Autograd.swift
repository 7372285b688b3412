/// Reverse-mode automatic differentiation, micrograd style: every differentiable op builds its
/// output and, right beside it, the closure that turns the output's gradient into its inputs'.

/// Whether operations record the graph. `noGrad { … }` turns it off for a block.
nonisolated(unsafe) var gradEnabled = true

/// Numbers each `backward()` call, to mark the nodes it has visited.
nonisolated(unsafe) var backwardGeneration = 0

/// Runs `body` without recording gradients (PyTorch's `torch.no_grad()`).
@discardableResult
public func noGrad<T>(_ body: () throws -> T) rethrows -> T {
    let saved = gradEnabled
    gradEnabled = false
    defer { gradEnabled = saved }
    return try body()
}

/// Whether new operations record the graph right now.
public var isGradEnabled: Bool { gradEnabled }

/// A node of the graph: the operation that produced a tensor, its inputs, and its backward.
public final class GradFn {
    /// PyTorch's name for the node (`AddmmBackward0`, `MseLossBackward0`, …).
    public internal(set) var name: String
    var inputs: [Tensor]
    /// Maps the output's gradient to one gradient per input (nil where none flows).
    var backward: ((Tensor) throws -> [Tensor?])?

    init(name: String, inputs: [Tensor], backward: @escaping (Tensor) throws -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }

    /// Frees a deep graph without deep recursion, as PyTorch frees graphs iteratively (a
    /// `total = total + loss` over 30,000 steps chains 30,000 nodes): nodes free their inputs
    /// inside one another up to `maximumNesting` deep; below that they set their inputs aside,
    /// and the outermost node frees those one by one as it unwinds.
    /// NOTE: graphs are built and freed on the thread that runs cells; the pool's workers free no
    /// node.
    deinit {
        if graphFreeNesting >= GradFn.maximumNesting {
            graphFreeDeferred.append((inputs, backward))
            return
        }
        graphFreeNesting += 1
        inputs = []
        backward = nil
        graphFreeNesting -= 1
        guard graphFreeNesting == 0, !graphFreeDeferred.isEmpty else { return }
        graphFreeNesting = 1
        while let set = graphFreeDeferred.popLast() { _ = set }
        graphFreeNesting = 0
    }

    static let maximumNesting = 128
}

/// How many nodes are freeing their inputs inside one another right now, and the inputs (and
/// backward closures, which hold tensors too) set aside to be freed when that unwinds.
nonisolated(unsafe) var graphFreeNesting = 0
nonisolated(unsafe) var graphFreeDeferred: [([Tensor], ((Tensor) throws -> [Tensor?])?)] = []

extension Tensor {
    /// Attaches a backward to `out` when grad mode is on and an input requires grad.
    @discardableResult
    /// NOTE: a backward closure that reads the op's own output holds it `unowned(unsafe)`: a
    /// strong reference would be a cycle (output → gradFn → closure → output) that keeps every
    /// graph never backwarded alive; the closure runs only from `backward()`, which holds the
    /// output while it calls it, so the reference is always valid then (and costs no check).
    func record(
        _ out: Tensor, _ name: String, _ inputs: [Tensor],
        _ backward: @escaping (Tensor) throws -> [Tensor?]
    ) -> Tensor {
        if gradEnabled && inputs.contains(where: { $0.requiresGrad }) {
            out.gradFn = GradFn(name: name, inputs: inputs, backward: backward)
        }
        return out
    }

    /// Computes the gradient of this tensor with respect to every leaf that requires grad and
    /// accumulates it into their `grad`. Without `gradient`, the tensor must hold one element.
    /// The graph is freed afterwards (a second `backward()` through it is an error) unless
    /// `retainGraph`, as PyTorch's `retain_graph=True`.
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        guard requiresGrad else {
            throw TensorError("backward: element 0 of tensors does not require grad and does not have a grad_fn")
        }
        let seed: Tensor
        if let gradient {
            guard gradient.shape == shape else {
                throw TensorError("backward: gradient has shape \(gradient.shape), but the tensor has shape \(shape)")
            }
            seed = gradient
        } else {
            guard count == 1 else {
                throw TensorError(
                    "backward: grad can be implicitly created only for scalar outputs, got shape \(shape)")
            }
            seed = try Tensor.ones(shape, dtype: dtype)
        }
        try noGrad {
            // Topological order by depth-first search, then walk it in reverse. Visit marks and
            // pending gradients live on the tensors themselves (no hashing in the hot path).
            backwardGeneration &+= 1
            let generation = backwardGeneration
            var order: [Tensor] = []
            var stack: [(Tensor, Bool)] = [(self, false)]
            while let (t, expanded) = stack.popLast() {
                if expanded {
                    order.append(t)
                    continue
                }
                guard let fn = t.gradFn, t.backwardMark != generation else { continue }
                t.backwardMark = generation
                stack.append((t, true))
                for input in fn.inputs where input.gradFn != nil { stack.append((input, false)) }
            }
            pendingGrad = seed
            if isLeaf {
                pendingGrad = nil
                var copy = seed.contiguousCopy()
                try accumulateGrad(&copy)
            }
            defer { for t in order { t.pendingGrad = nil } }
            for t in order.reversed() {
                guard let fn = t.gradFn, let g = t.pendingGrad else { continue }
                t.pendingGrad = nil
                guard let backward = fn.backward else {
                    throw TensorError(
                        "backward: trying to backward through the graph a second time (its buffers were freed by the first backward())"
                    )
                }
                var inputGrads = try backward(g)
                for index in inputGrads.indices where index < fn.inputs.count {
                    let input = fn.inputs[index]
                    guard input.requiresGrad, var reduced = try inputGrads[index]?.sumTo(input.shape) else { continue }
                    inputGrads[index] = nil  // so a gradient no one else holds can become `grad` as it is
                    if input.isLeaf {
                        try input.accumulateGrad(&reduced)
                    } else if let existing = input.pendingGrad {
                        input.pendingGrad = try existing + reduced
                    } else {
                        input.pendingGrad = reduced
                    }
                }
                if !retainGraph {
                    fn.backward = nil
                    fn.inputs = []
                }
            }
        }
    }

    /// Adds `g` into `grad`: the first gradient is stored, later ones are added in place. As in
    /// PyTorch's AccumulateGrad, a first gradient that nothing else references (tensor and
    /// memory) is kept as it is; anything shared is copied, so `grad` never aliases another tensor.
    func accumulateGrad(_ g: inout Tensor) throws {
        if let grad {
            try grad.add_(g)
            return
        }
        if g.dtype == dtype && g.offset == 0 && g.isContiguous && g.count == g.storage.count
            && isKnownUniquelyReferenced(&g) && isKnownUniquelyReferenced(&g.storage)
        {
            grad = g
        } else {
            grad = g.dtype == dtype ? g.contiguousCopy() : g.to(dtype)
        }
    }

    /// A fresh contiguous copy, never sharing storage with `self`.
    func contiguousCopy() -> Tensor {
        let c = contiguousData()
        if c !== self { return c }
        let out = Tensor(uninitialized: shape, dtype: dtype)
        out.storage.raw.copyMemory(
            from: storage.raw.advanced(by: offset * dtype.itemSize),
            byteCount: count * dtype.itemSize)
        return out
    }

    /// Sums a broadcast gradient back down to `target` (the inverse of broadcasting).
    func sumTo(_ target: [Int]) throws -> Tensor {
        if shape == target { return self }
        var g = self
        while g.rank > target.count { g = try g.sum(dim: 0) }
        for d in 0..<target.count where target[d] == 1 && g.shape[d] != 1 {
            g = try g.sum(dim: d, keepDim: true)
        }
        return g
    }
}
