import CellLanguage
import Foundation
import TensorEngine

/// The data sets a notebook may read (the runner declares them; cells have no other file
/// access), loaders over them, the MNIST layers, and saving weights into the report.
extension EngineBindings {
    func installData(collector: FigureCollector) {
        let i = interpreter, b = self
        i.define(
            "Dataset",
            .object(
                TypeObject(
                    "Dataset", self,
                    construct: { args in
                        throw args.error("make a data set with MNIST5k(train:) or FashionMNIST(train:)")
                    }, isType: { if case .object(let o) = $0 { return o is DatasetObject } else { return false } })))
        let train = Param<Bool>.bool("train", default: true)
        i.define(
            "Data", "FashionMNIST", "Fashion-MNIST's 60,000 training or 10,000 test images (28×28) and labels", train
        ) {
            .object(DatasetObject(try Datasets.fashionMNIST(train: $0), b))
        }
        i.define(
            "Data", "MNIST5k", "5,000 MNIST digits (28×28), split into 4,000 training and 1,000 test images", train
        ) {
            .object(DatasetObject(try Datasets.mnist5k(train: $0), b))
        }
        let dataset = Param<ImageDataset>("dataset", type: "Dataset") { v in
            guard case .object(let d as DatasetObject) = v else {
                throw ConversionError.expected("a data set such as MNIST5k()", v)
            }
            return d.dataset
        }
        let flag = { (name: String) in Param<Bool>.bool(name, default: false).labeled }
        i.define(
            "Data",
            "DataLoader", "(images, labels) batches of a data set, shuffled by the torch generator as PyTorch's",
            dataset, Param<Int>.int("batchSize", default: 1), flag("shuffle"), flag("dropLast"), flag("flatten")
        ) { d, size, sh, drop, flat in
            .object(
                LoaderObject(
                    try DataLoader(d, batchSize: size, shuffle: sh, dropLast: drop, flatten: flat, generator: b.torch),
                    b))
        }
        library.members(
            "Data", "Dataset",
            [
                ("count", "the number of images"), ("labels", "the labels as an int64 tensor"),
                ("normalize", "normalize(mean:std:): images are normalised as they are batched"),
                ("statistics()", "(mean, std) of the pixels"), ("extended()", "the images and their one-pixel shifts"),
                ("batch", "batch(_ indices, flatten:): (images, labels) of the given images"),
            ])
        library.members("Data", "DataLoader", [("count", "batches per epoch"), ("dataset", "the data set it loads")])
        i.define(
            "Data",
            "saveWeights", "writes a module's parameters as safetensors beside the report",
            Param<Module>.module("module", b),
            Param<String>.string("fileName")
        ) { module, name in
            guard name.range(of: "^[A-Za-z0-9][A-Za-z0-9_.-]*\\.safetensors$", options: .regularExpression) != nil
            else {
                throw TensorError(
                    "saveWeights: the file name must be a plain name ending in .safetensors (it is written beside the report)"
                )
            }
            let data = try module.safetensors(metadata: ["writer": "Runbook"])
            guard !collector.files.contains(where: { $0.fileName == name }) else {
                throw TensorError("saveWeights: '\(name)' is already written by this cell")
            }
            if let cell = collector.earlier[name] {
                throw TensorError(
                    "saveWeights: '\(name)' is already written by cell \(cell); give this file another name")
            }
            collector.files.append(FigureFile(fileName: name, data: data, alt: "weights", caption: nil, isImage: false))
            return .nil
        }
    }
}

/// A data set in a cell: `count`, `normalize(mean:std:)`, `extended()`, `ds[i]` → (image, label).
final class DatasetObject: HostObject {
    let dataset: ImageDataset
    unowned let bindings: EngineBindings
    init(_ d: ImageDataset, _ b: EngineBindings) {
        dataset = d
        bindings = b
    }

    var typeName: String { "Dataset" }
    var displayText: String {
        "Dataset \(dataset.name): \(dataset.count) images of \(dataset.rows)×\(dataset.columns)"
            + (dataset.normalization.map { String(format: ", normalized with mean %.4f and std %.4f", $0.mean, $0.std) }
                ?? "")
    }

    func member(_ name: String) throws -> Value? {
        let b = bindings, d = dataset
        switch name {
        case "count": return .int(d.count)
        case "labels": return b.wrap(try Tensor(d.labels.map(Int.init)))
        case "normalize":
            return .function(
                Function(name) { args in
                    let p = try args.bind(["mean", "std"])
                    let std = try b.double(p["std"], args, "std")
                    guard std > 0 else { throw args.error("normalize: std must be positive") }
                    d.normalization = (Float(try b.double(p["mean"], args, "mean")), Float(std))
                    return .object(self)
                })
        case "statistics":
            return .function(
                Function(name) { args in
                    try args.none()
                    let s = d.pixelStatistics()
                    return .tuple([.double(s.mean), .double(s.std)])
                })
        case "extended":
            return .function(
                Function(name) { args in
                    try args.none()
                    return .object(DatasetObject(try d.extended(), b))
                })
        case "batch":
            return .function(
                Function(name) { args in
                    let p = try args.bind(["_ indices", "flatten="])
                    guard case .array(let items) = p["indices"]! else {
                        throw args.error("batch: expects an array of Ints")
                    }
                    let idx = try items.map { try b.int($0, args, "index") }
                    let (x, y) = try d.batch(
                        idx, flatten: try p["flatten"].map { try b.bool($0, args, "flatten") } ?? false)
                    return .tuple([b.wrap(x), b.wrap(y)])
                })
        default: return nil
        }
    }

    func subscriptGet(_ args: Arguments) throws -> Value {
        guard args.count == 1, case .int(let i) = args.items[0].value else {
            throw args.error("a data set is indexed by one Int")
        }
        let (x, y) = try dataset.batch([i])
        return .tuple([bindings.wrap(try x.select(0)), .int(Int(try y.item()))])
    }
}

/// A loader in a cell: iterate for (images, labels) batches; `count` batches an epoch.
final class LoaderObject: HostObject {
    let loader: DataLoader
    unowned let bindings: EngineBindings
    init(_ l: DataLoader, _ b: EngineBindings) {
        loader = l
        bindings = b
    }
    var typeName: String { "DataLoader" }
    var displayText: String {
        "DataLoader(\(loader.dataset.name), batchSize: \(loader.batchSize), shuffle: \(loader.shuffle))"
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "count": return .int(loader.batchCount)
        case "dataset": return .object(DatasetObject(loader.dataset, bindings))
        default: return nil
        }
    }

    func makeIterator() throws -> (() throws -> Value?)? {
        var it = loader.makeIterator()
        return { [self] in
            guard let (x, y) = it.next() else { return nil }
            return .tuple([bindings.wrap(x), bindings.wrap(y)])
        }
    }
}
