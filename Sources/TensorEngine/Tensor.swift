import CParallel
import Foundation

/// The element type of a tensor. Floating point is float32 unless asked otherwise; int64 holds
/// indices and labels; bool holds comparison results (stored as 0/1 int64 internally).
public enum DType: String, Sendable, CustomStringConvertible {
    case float32, float64, int64, bool

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
    var itemSize: Int { self == .float32 ? 4 : 8 }
    public var description: String { "torch.\(rawValue)" }

    /// PyTorch's type promotion for the four types we have.
    static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .float64 || b == .float64 { return .float64 }
        if a == .float32 || b == .float32 { return .float32 }
        return .int64
    }
}

/// An error from the engine: a bad shape, a bad argument, a misuse of autograd.
/// The message names the operation and the shapes involved.
public struct TensorError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Contiguous memory shared by a tensor and its views: one heap object, the elements stored
/// right after its header (16-byte aligned), so a new tensor costs one allocation, not two.
final class Storage: ManagedBuffer<Storage.Header, SIMD4<Float>> {
    struct Header {
        let dtype: DType
        let count: Int
    }

    /// Zero-filled memory, or (for outputs a kernel writes in full) memory left as it is.
    static func make(dtype: DType, count: Int, zeroed: Bool = true) -> Storage {
        let bytes = max(count, 1) * dtype.itemSize
        let storage = unsafeDowncast(
            create(minimumCapacity: (bytes + 15) / 16) { _ in Header(dtype: dtype, count: count) },
            to: Storage.self)
        if zeroed { storage.raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes) }
        return storage
    }

    var dtype: DType { header.dtype }
    var count: Int { header.count }
    var raw: UnsafeMutableRawPointer { withUnsafeMutablePointerToElements { UnsafeMutableRawPointer($0) } }
    var floats: UnsafeMutablePointer<Float> { raw.assumingMemoryBound(to: Float.self) }
    var doubles: UnsafeMutablePointer<Double> { raw.assumingMemoryBound(to: Double.self) }
    var ints: UnsafeMutablePointer<Int64> { raw.assumingMemoryBound(to: Int64.self) }
}

/// Shared stride arrays for vectors and for matrices up to 256 columns: most tensors of the
/// tutorials are one of these, and sharing saves an allocation per new tensor.
private let unitStrides = [1]
private let matrixStrides: [[Int]] = (0...256).map { [$0, 1] }

/// Largest single allocation, in bytes; a request above it is a `TensorError`, not an abort.
nonisolated(unsafe) public var tensorAllocationLimit = 4 << 30

/// The most memory a notebook may hold (`runbook --memory`): an allocation of a megabyte or
/// more that would pass it is an error before it is made.
nonisolated(unsafe) public var tensorMemoryBudget = 8 << 30

/// The bytes the process's heap holds now: malloc's own count of tensors, arrays, strings, frames.
public func heapBytesInUse() -> Int { Int(runbook_heap_bytes()) }

extension Tensor {
    /// Checks that `count` more elements of `dtype` fit the memory budget, before allocating them.
    /// NOTE: what the heap holds (tensors, arrays, strings, frames alike) is malloc's own count,
    /// read only for allocations of a megabyte or more: the many small ones cost nothing.
    public static func reserve(_ count: Int, _ dtype: DType, for op: @autoclosure () -> String) throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard overflow || bytes >= 1 << 20 else { return }
        let inUse = Int(runbook_heap_bytes())
        guard !overflow, bytes <= tensorMemoryBudget - inUse else {
            throw TensorError(
                "\(op()): out of the memory budget: it needs \(describeBytes(overflow ? Int.max : bytes)) and the notebook "
                    + "already holds \(describeBytes(inUse)) of \(describeBytes(tensorMemoryBudget)) (raise it with --memory)"
            )
        }
    }

    public static func describeBytes(_ n: Int) -> String {
        n >= 1 << 30
            ? String(format: "%.1f GiB", Double(n) / Double(1 << 30))
            : String(format: "%.1f MiB", Double(n) / Double(1 << 20))
    }
}

/// An n-dimensional array with shape, strides and an offset into shared storage, and the
/// autograd state PyTorch keeps on a tensor (`requiresGrad`, `grad`, `gradFn`).
///
/// A `Tensor` is a reference: views (`view`, `transpose`, slices) share storage with their base,
/// and in-place operations (`add_`, `normal_`, …) change every view, as in PyTorch.
public final class Tensor {
    var storage: Storage
    public let shape: [Int]
    public let strides: [Int]
    var offset: Int
    /// True when the elements are laid out row-major without gaps (known when the tensor is
    /// made: kernels ask it on every call).
    public let isContiguous: Bool

    /// The gradient accumulated by `backward()` (leaf tensors only, as in PyTorch).
    public var grad: Tensor?
    /// The node that produced this tensor, when it was computed from tensors that require grad.
    public internal(set) var gradFn: GradFn?
    var _requiresGrad = false
    /// Printed as `Parameter containing:` and used by `Module` to find parameters.
    public var isParameter = false
    /// Bookkeeping of a running `backward()`: the call that last visited this tensor, and the
    /// gradient gathered for it so far.
    var backwardMark = 0
    var pendingGrad: Tensor?

    init(storage: Storage, shape: [Int], strides: [Int], offset: Int) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        isContiguous = Tensor.isContiguous(shape: shape, strides: strides)
    }

    /// A new contiguous tensor filled with zeros.
    convenience init(zeros shape: [Int], dtype: DType) throws {
        if shape.contains(where: { $0 < 0 }) { throw TensorError("negative dimension in shape \(shape)") }
        let n = try Tensor.elementCount(shape)
        if n * dtype.itemSize > tensorAllocationLimit {
            throw TensorError(
                "allocation of \(n * dtype.itemSize) bytes for shape \(shape) exceeds the limit of \(tensorAllocationLimit) bytes"
            )
        }
        try Tensor.reserve(n, dtype, for: "a tensor of shape \(shape)")
        self.init(
            storage: Storage.make(dtype: dtype, count: n), shape: shape,
            strides: Tensor.contiguousStrides(shape), offset: 0)
    }

    /// A contiguous tensor whose contents the caller writes in full; internal callers guarantee
    /// a sane shape.
    /// The number of elements of a shape, or an error when it (or its bytes) does not fit an Int.
    static func elementCount(_ shape: [Int]) throws -> Int {
        var n = 1
        for d in shape {
            let (m, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow, m <= Int.max / 8 else {
                throw TensorError("shape \(shape) has more elements than memory can hold")
            }
            n = m
        }
        return n
    }

    init(uninitialized shape: [Int], dtype: DType) {
        let n = shape.reduce(1, *)
        self.storage = Storage.make(dtype: dtype, count: n, zeroed: false)
        self.shape = shape
        self.strides = Tensor.contiguousStrides(shape)
        self.offset = 0
        isContiguous = true
    }

    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        switch shape.count {
        case 0: return []
        case 1: return unitStrides
        case 2: return shape[1] < matrixStrides.count ? matrixStrides[shape[1]] : [shape[1], 1]
        default:
            var strides = [Int](repeating: 1, count: shape.count)
            var s = 1, i = shape.count - 1
            while i >= 0 {
                strides[i] = s
                s *= shape[i]
                i -= 1
            }
            return strides
        }
    }

    public var dtype: DType { storage.dtype }
    public var rank: Int { shape.count }
    public var count: Int { shape.reduce(1, *) }

    static func isContiguous(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) where shape[i] != 1 {
            if strides[i] != expected { return false }
            expected *= shape[i]
        }
        return true
    }

    /// Whether gradients flow to this tensor. Setting it is allowed on leaves only.
    public var requiresGrad: Bool {
        get { _requiresGrad || gradFn != nil }
        set { _requiresGrad = newValue }
    }

    /// True for tensors not produced by a differentiable operation.
    public var isLeaf: Bool { gradFn == nil }

    func setRequiresGrad(_ flag: Bool) throws -> Tensor {
        if !isLeaf { throw TensorError("requiresGrad can only be changed on leaf tensors") }
        if flag && !dtype.isFloatingPoint {
            throw TensorError("only floating point tensors can require gradients, got \(dtype)")
        }
        _requiresGrad = flag
        return self
    }

    /// Sets `requiresGrad` and returns the tensor, for chaining: `Tensor([1, 2]).requiringGrad()`.
    @discardableResult
    public func requiringGrad(_ flag: Bool = true) throws -> Tensor { try setRequiresGrad(flag) }

    /// A view of the same storage that is cut off from the graph (PyTorch's `detach()` and `.data`).
    public func detach() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset)
    }

    public var data: Tensor { detach() }

    // MARK: - Element access

    /// Visits the storage offset of every element in row-major order.
    func forEachOffset(_ body: (Int) -> Void) {
        let n = count
        if n == 0 { return }
        if isContiguous {
            for i in 0..<n { body(offset + i) }
            return
        }
        let r = rank
        var index = [Int](repeating: 0, count: r)
        var off = offset
        for _ in 0..<n {
            body(off)
            var d = r - 1
            while d >= 0 {
                index[d] += 1
                off += strides[d]
                if index[d] < shape[d] { break }
                off -= strides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }

    /// Reads one element at a storage offset as a Double.
    @inline(__always) func load(_ off: Int) -> Double {
        switch dtype {
        case .float32: return Double(storage.floats[off])
        case .float64: return storage.doubles[off]
        case .int64, .bool: return Double(storage.ints[off])
        }
    }

    @inline(__always) func store(_ off: Int, _ value: Double) {
        switch dtype {
        case .float32: storage.floats[off] = Float(value)
        case .float64: storage.doubles[off] = value
        // NOTE: NaN, ±inf and values outside Int64 become Int64.min, as x86's conversion gives
        // PyTorch (never a trap).
        case .int64: storage.ints[off] = value >= -0x1p63 && value < 0x1p63 ? Int64(value) : Int64.min
        case .bool: storage.ints[off] = value != 0 ? 1 : 0
        }
    }

    /// Every element in row-major order, widened to Double (exact for float32).
    public var scalars: [Double] {
        var out = [Double]()
        out.reserveCapacity(count)
        forEachOffset { out.append(load($0)) }
        return out
    }

    /// Every element as Float, in row-major order.
    public var floats: [Float] { scalars.map { Float($0) } }

    /// Every element as Int64, in row-major order (int64 and bool tensors).
    public var integers: [Int64] {
        if dtype == .int64 || dtype == .bool {
            var out = [Int64]()
            out.reserveCapacity(count)
            forEachOffset { out.append(storage.ints[$0]) }
            return out
        }
        return scalars.map { Int64($0) }
    }

    /// The single element of a one-element tensor (PyTorch's `item()`).
    public func item() throws -> Double {
        guard count == 1 else {
            throw TensorError(
                "item(): a tensor with \(count) elements (shape \(shape)) cannot be converted to a scalar")
        }
        return load(offset)
    }

    /// A contiguous tensor with the same values: `self` when already contiguous.
    func contiguousData() -> Tensor {
        if isContiguous && offset == 0 && storage.count == count { return self }
        let out = Tensor(uninitialized: shape, dtype: dtype)
        switch dtype {
        case .float32: gather(Float.self, into: out)
        case .float64: gather(Double.self, into: out)
        case .int64, .bool: gather(Int64.self, into: out)
        }
        return out
    }

    /// Copies the elements in row-major order into `out` (contiguous, same shape): transposed
    /// matrices by 32×32 blocks, everything else row by row.
    func gather<T>(_: T.Type, into out: Tensor) {
        let src = pointer(T.self), dst = out.pointer(T.self)
        if isContiguous {
            dst.update(from: src, count: count)
            return
        }
        if rank == 2 {
            let (r, c, sr, sc) = (shape[0], shape[1], strides[0], strides[1])
            for i0 in Swift.stride(from: 0, to: r, by: 32) {
                for j0 in Swift.stride(from: 0, to: c, by: 32) {
                    for i in i0..<Swift.min(i0 + 32, r) {
                        for j in j0..<Swift.min(j0 + 32, c) { dst[i * c + j] = src[i * sr + j * sc] }
                    }
                }
            }
            return
        }
        forEachRow(shape, strides, strides) { o, off, _, n, stride, _ in
            for j in 0..<n { dst[o + j] = src[off + j * stride] }
        }
    }

    /// Copies `source` (broadcast to this shape) into this tensor's elements, converting the type.
    func assign(from source: Tensor) throws {
        let src = try source.broadcast(to: shape)
        if dtype == .float32 && src.dtype == .float32 {
            let values = src.contiguousData(), p = values.pointer(Float.self), q = storage.floats
            defer { withExtendedLifetime(values) {} }  // p points into it
            var i = 0
            forEachOffset {
                q[$0] = p[i]
                i += 1
            }
            return
        }
        let values = src.scalars
        var i = 0
        forEachOffset {
            store($0, values[i])
            i += 1
        }
    }
}

// MARK: - Creation

extension Tensor {
    /// A tensor from values and a shape; `shape` defaults to one dimension.
    public convenience init(_ values: [Float], shape: [Int]? = nil) throws {
        let shape = shape ?? [values.count]
        guard shape.reduce(1, *) == values.count else {
            throw TensorError("tensor: \(values.count) values do not fill shape \(shape)")
        }
        try self.init(zeros: shape, dtype: .float32)
        values.withUnsafeBufferPointer { storage.floats.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A tensor of the given type from Double values (rounded to float32 when `dtype` is float32).
    public convenience init(_ values: [Double], shape: [Int]? = nil, dtype: DType) throws {
        let shape = shape ?? [values.count]
        guard shape.reduce(1, *) == values.count else {
            throw TensorError("tensor: \(values.count) values do not fill shape \(shape)")
        }
        try self.init(zeros: shape, dtype: dtype)
        for (i, v) in values.enumerated() { store(i, v) }
    }

    /// An int64 tensor (every Int exactly: not through Double, which holds 53 bits).
    public convenience init(_ values: [Int], shape: [Int]? = nil) throws {
        let shape = shape ?? [values.count]
        guard shape.reduce(1, *) == values.count else {
            throw TensorError("tensor: \(values.count) values do not fill shape \(shape)")
        }
        try self.init(zeros: shape, dtype: .int64)
        for (i, v) in values.enumerated() { storage.ints[i] = Int64(v) }
    }

    /// A 0-dimensional tensor holding one number.
    public convenience init(scalar: Double, dtype: DType = .float32) {
        self.init(uninitialized: [], dtype: dtype)
        store(0, scalar)
    }

    public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try Tensor(zeros: shape, dtype: dtype)
    }

    public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, 1, dtype: dtype)
    }

    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) throws -> Tensor {
        let t = try Tensor(zeros: shape, dtype: dtype)
        for i in 0..<t.count { t.store(i, value) }
        return t
    }

    /// Values from `start` up to (not including) `end` by `step`; int64 when all three are whole
    /// numbers, as `torch.arange`.
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType? = nil) throws -> Tensor {
        guard step != 0, start.isFinite, end.isFinite, step.isFinite else {
            throw TensorError("arange: start, end and step must be finite, and step nonzero")
        }
        let steps = ((end - start) / step).rounded(.up)
        guard steps < Double(tensorAllocationLimit) else {
            throw TensorError("arange: \(steps) values exceed the limit of \(tensorAllocationLimit) bytes")
        }
        let n = Swift.max(0, Int(steps))
        let isWhole = start.rounded() == start && end.rounded() == end && step.rounded() == step
        let t = try Tensor(zeros: [n], dtype: dtype ?? (isWhole ? .int64 : .float32))
        for i in 0..<n { t.store(i, start + Double(i) * step) }
        return t
    }

    /// `count` evenly spaced values from `start` to `end`, computed in double as numpy's
    /// `linspace` does (`i * step + start`, last value exactly `end`), then rounded to `dtype`.
    /// `torch.linspace`: computed in the tensor's type from both ends — start + step·i for the
    /// first half, end − step·(n−1−i) for the second — as ATen's linspace kernel.
    /// NOTE: ATen's kernel is compiled with floating-point contraction, so each value is one fused
    /// multiply-add (one rounding): bit-identical to PyTorch 2.15 (2,000 of 2,000 points of
    /// linspace(−π, π, 2000); numpy's formula gave 1,396).
    public static func linspace(_ start: Double, _ end: Double, count: Int, dtype: DType = .float32) throws -> Tensor {
        guard count >= 0 else { throw TensorError("linspace: count must be non-negative, got \(count)") }
        let t = try Tensor(zeros: [count], dtype: dtype)
        func fill<T: BinaryFloatingPoint>(_: T.Type, _ store: (Int, T) -> Void) {
            let s = T(start), e = T(end)
            let step = count > 1 ? (e - s) / T(count - 1) : 0
            for i in 0..<count {
                store(i, i < count / 2 ? s.addingProduct(step, T(i)) : e.addingProduct(-step, T(count - i - 1)))
            }
        }
        switch dtype {
        case .float32: fill(Float.self) { t.storage.floats[$0] = $1 }
        default: fill(Double.self) { t.store($0, $1) }
        }
        return t
    }

    /// `np.linspace`: start + i·step in float64, the last value exactly `end`.
    public static func numpyLinspace(
        _ start: Double, _ end: Double, count: Int, dtype: DType = .float64
    ) throws
        -> Tensor
    {
        guard count >= 0 else { throw TensorError("linspace: count must be non-negative, got \(count)") }
        let t = try Tensor(zeros: [count], dtype: dtype)
        let step = count > 1 ? (end - start) / Double(count - 1) : 0
        for i in 0..<count { t.store(i, Double(i) * step + start) }
        if count > 1 { t.store(count - 1, end) }
        return t
    }

    /// A new tensor with the same values, converted to `dtype`. Between floating-point types it
    /// is part of the graph, as PyTorch's `to` (ToCopyBackward0: the gradient converted back).
    public func to(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let out = Tensor(uninitialized: shape, dtype: dtype)
        var i = 0
        forEachOffset {
            out.store(i, load($0))
            i += 1
        }
        guard dtype.isFloatingPoint && self.dtype.isFloatingPoint else { return out }
        let from = self.dtype
        return record(out, "ToCopyBackward0", [self]) { g in [g.to(from)] }
    }

    /// A contiguous copy that is part of the graph (PyTorch's `clone()`).
    public func clone() -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: dtype)
        let c = contiguousData()
        withExtendedLifetime(c) { out.storage.raw.copyMemory(from: c.storage.raw, byteCount: count * dtype.itemSize) }
        return record(out, "CloneBackward0", [self]) { g in [g] }
    }

    /// A contiguous tensor with this shape and type, for a kernel to fill completely.
    func uninitializedLike() -> Tensor { Tensor(uninitialized: shape, dtype: dtype) }
}

extension Tensor {
    /// The first element that is NaN or infinite, in row-major order; nil when every one is finite
    /// (always nil for integer tensors). Float32 data is scanned eight lanes at a time.
    public var firstNonFinite: Double? {
        guard dtype.isFloatingPoint else { return nil }
        if count == 1, let v = try? item() { return v.isFinite ? nil : v }
        guard dtype == .float32 && isContiguous else { return scalars.first { !$0.isFinite } }
        defer { withExtendedLifetime(self) {} }
        let p = pointer(Float.self), n = count
        var acc = SIMD8<Float>(repeating: 0), i = 0
        // x − x is 0 for a finite x and NaN otherwise.
        while i + 8 <= n {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            acc += v - v
            i += 8
        }
        var tail: Float = 0
        while i < n {
            tail += p[i] - p[i]
            i += 1
        }
        if acc.sum().isFinite && tail.isFinite { return nil }
        return scalars.first { !$0.isFinite }
    }
}
