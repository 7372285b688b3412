import CellLanguage
import Foundation
import TensorEngine

/// The data sets a notebook may read (the runner declares them; cells have no other file
/// access), loaders over them, the MNIST layers, and saving weights into the report.
extension EngineBindings {
    func installData(collector: FigureCollector) {
        let i = interpreter
        func dataset(_ make: @escaping (Bool) throws -> ImageDataset) -> (Arguments) throws -> Value {
            { args in
                let train = try args.bind(["train="])["train"].map { try self.bool($0, args, "train") } ?? true
                return .object(DatasetObject(try make(train), self))
            }
        }
        i.define("Dataset", .object(TypeObject("Dataset", self, construct: { args in
            throw args.error("make a data set with MNIST5k(train:) or FashionMNIST(train:)")
        }, isType: { if case .object(let o) = $0 { return o is DatasetObject } else { return false } })))
        i.define("FashionMNIST", dataset { try Datasets.fashionMNIST(train: $0) })
        i.define("MNIST5k", dataset { try Datasets.mnist5k(train: $0) })
        i.define("DataLoader") { args in
            let p = try args.bind(["_ dataset", "batchSize", "shuffle=", "dropLast=", "flatten="])
            guard case .object(let d as DatasetObject) = p["dataset"]! else { throw args.error("DataLoader: expects a data set such as MNIST5k()") }
            func flag(_ k: String) throws -> Bool { try p[k].map { try self.bool($0, args, k) } ?? false }
            let loader = try DataLoader(d.dataset, batchSize: try self.int(p["batchSize"], args, "batchSize"), shuffle: try flag("shuffle"),
                                        dropLast: try flag("dropLast"), flatten: try flag("flatten"), generator: self.torch)
            return .object(LoaderObject(loader, self))
        }
        i.define("saveWeights") { args in
            let p = try args.bind(["_ module", "_ fileName"])
            guard case .string(let name) = p["fileName"]!,
                  name.range(of: "^[A-Za-z0-9][A-Za-z0-9_.-]*\\.safetensors$", options: .regularExpression) != nil else {
                throw args.error("saveWeights: the file name must be a plain name ending in .safetensors (it is written beside the report)")
            }
            let data = try self.module(p["module"]!, args).safetensors(metadata: ["writer": "Runbook"])
            guard !collector.files.contains(where: { $0.fileName == name }) else { throw args.error("saveWeights: '\(name)' is already written by this cell") }
            collector.files.append(FigureFile(fileName: name, data: data, alt: "weights", caption: nil, isImage: false))
            return .nil
        }
    }
}

/// A data set in a cell: `count`, `normalize(mean:std:)`, `extended()`, `ds[i]` → (image, label).
final class DatasetObject: HostObject {
    let dataset: ImageDataset
    unowned let bindings: EngineBindings
    init(_ d: ImageDataset, _ b: EngineBindings) { dataset = d; bindings = b }

    var typeName: String { "Dataset" }
    var displayText: String {
        "Dataset \(dataset.name): \(dataset.count) images of \(dataset.rows)×\(dataset.columns)"
            + (dataset.normalization.map { String(format: ", normalized with mean %.4f and std %.4f", $0.mean, $0.std) } ?? "")
    }

    func member(_ name: String) throws -> Value? {
        let b = bindings, d = dataset
        switch name {
        case "count": return .int(d.count)
        case "labels": return b.wrap(try Tensor(d.labels.map(Int.init)))
        case "normalize":
            return .function(Function(name) { args in
                let p = try args.bind(["mean", "std"])
                let std = try b.double(p["std"], args, "std")
                guard std > 0 else { throw args.error("normalize: std must be positive") }
                d.normalization = (Float(try b.double(p["mean"], args, "mean")), Float(std))
                return .object(self)
            })
        case "statistics":
            return .function(Function(name) { args in
                _ = try args.bind([])
                let s = d.pixelStatistics()
                return .tuple([.double(s.mean), .double(s.std)])
            })
        case "extended":
            return .function(Function(name) { args in _ = try args.bind([]); return .object(DatasetObject(try d.extended(), b)) })
        case "batch":
            return .function(Function(name) { args in
                let p = try args.bind(["_ indices", "flatten="])
                guard case .array(let items) = p["indices"]! else { throw args.error("batch: expects an array of Ints") }
                let idx = try items.map { try b.int($0, args, "index") }
                let (x, y) = try d.batch(idx, flatten: try p["flatten"].map { try b.bool($0, args, "flatten") } ?? false)
                return .tuple([b.wrap(x), b.wrap(y)])
            })
        default: return nil
        }
    }

    func subscriptGet(_ args: Arguments) throws -> Value {
        guard args.count == 1, case .int(let i) = args.items[0].value else { throw args.error("a data set is indexed by one Int") }
        let (x, y) = try dataset.batch([i])
        return .tuple([bindings.wrap(try x.select(0)), .int(Int(try y.item()))])
    }
}

/// A loader in a cell: iterate for (images, labels) batches; `count` batches an epoch.
final class LoaderObject: HostObject {
    let loader: DataLoader
    unowned let bindings: EngineBindings
    init(_ l: DataLoader, _ b: EngineBindings) { loader = l; bindings = b }
    var typeName: String { "DataLoader" }
    var displayText: String { "DataLoader(\(loader.dataset.name), batchSize: \(loader.batchSize), shuffle: \(loader.shuffle))" }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "count": return .int(loader.batchCount)
        case "dataset": return .object(DatasetObject(loader.dataset, bindings))
        default: return nil
        }
    }

    func makeIterator() throws -> (() throws -> Value?)? {
        var it = loader.makeIterator()
        let total = loader.batchCount
        var done = 0
        return { [self] in
            guard let (x, y) = it.next() else { return nil }
            done += 1
            bindings.progress?(done, total)
            return .tuple([bindings.wrap(x), bindings.wrap(y)])
        }
    }
}
