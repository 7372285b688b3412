import Crypto
import Foundation

/// Which parameter values a sweep runs: a grid (every combination), zipped lists (paired, not
/// crossed) and seeds, from `runbook sweep --grid/--zip/--seeds` or the front matter's `sweep:`.
public struct SweepSpec: Equatable {
    public var grid: [Axis] = []
    public var zip: [Axis] = []
    /// Each point runs once per seed; nil: once, with the notebook's seed.
    public var seeds: [Int]?

    public struct Axis: Equatable {
        public var name: String
        /// As `--set` takes them.
        public var values: [String]
        public init(name: String, values: [String]) { (self.name, self.values) = (name, values) }
    }

    public init(grid: [Axis] = [], zip: [Axis] = [], seeds: [Int]? = nil) {
        (self.grid, self.zip, self.seeds) = (grid, zip, seeds)
    }

    public var isEmpty: Bool { grid.isEmpty && zip.isEmpty && seeds == nil }

    /// The most points one sweep may have.
    public static let maxPoints = 10_000

    /// `name=v1,v2,…` as one axis.
    public static func axis(_ text: String, option: String) throws -> Axis {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw UsageError("\(option) expects name=v1,v2,…, got '\(text)'")
        }
        let values = text[text.index(after: eq)...].split(separator: ",", omittingEmptySubsequences: false).map(
            String.init)
        guard !values.contains(where: \.isEmpty) else {
            throw UsageError("\(option) '\(text)': a value is empty")
        }
        return Axis(name: String(text[..<eq]), values: values)
    }

    /// `--seeds N` (seeds 0…N-1) or `--seeds a,b,c`.
    public static func seeds(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let numbers = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !numbers.contains(nil) else {
            throw UsageError("--seeds takes a count (3) or a list of seeds (3,7,11), not '\(text)'")
        }
        let seeds = parts.count == 1 ? Array(0..<max(0, numbers[0]!)) : numbers.map { $0! }
        guard (1...1000).contains(seeds.count) else { throw UsageError("--seeds: 1 to 1000 seeds") }
        for s in seeds where !(0..<(1 << 32)).contains(s) {
            throw UsageError("--seeds: \(s) is not a seed (0 to 4294967295: numpy's generator takes 32 bits)")
        }
        guard Set(seeds).count == seeds.count else { throw UsageError("--seeds: a seed is given twice") }
        return seeds
    }

    /// The points, in order: the grid's first parameter varies slowest, seeds fastest.
    /// Checks every name and value against the notebook's parameters.
    public func points(for document: NotebookDocument, fixed: [String] = [], seed: Int? = nil) throws -> [SweepPoint] {
        var seen = Set<String>()
        for axis in grid + zip {
            guard let p = document.parameters.first(where: { $0.name == axis.name }) else {
                let known = document.parameters.map(\.name).joined(separator: ", ")
                throw UsageError(
                    "\(document.path): no parameter '\(axis.name)' to sweep (parameters: \(known.isEmpty ? "none" : known))"
                )
            }
            guard seen.insert(axis.name).inserted else {
                throw UsageError("sweep: parameter '\(axis.name)' is swept twice")
            }
            for v in axis.values where p.value.parsingLike(v) == nil {
                throw UsageError("\(document.path): parameter '\(axis.name)' is \(p.value.typeName), and '\(v)' is not")
            }
        }
        if let first = zip.first, let other = zip.first(where: { $0.values.count != first.values.count }) {
            throw UsageError(
                "sweep: zipped parameters need as many values each ('\(first.name)' has \(first.values.count), '\(other.name)' \(other.values.count))"
            )
        }
        let fixedNames = fixed.map { $0.prefix { $0 != "=" } }
        if let both = fixedNames.first(where: { seen.contains(String($0)) }) {
            throw UsageError("sweep: '\(both)' is both set (--set) and swept")
        }
        var combinations: [[String]] = [[]]
        for axis in grid {
            combinations = combinations.flatMap { c in axis.values.map { c + ["\(axis.name)=\($0)"] } }
        }
        if let first = zip.first {
            combinations = combinations.flatMap { c in
                first.values.indices.map { i in c + zip.map { "\($0.name)=\($0.values[i])" } }
            }
        }
        let seedList: [Int?] = seeds ?? [seed]
        guard combinations.count * seedList.count <= Self.maxPoints else {
            throw UsageError(
                "sweep: \(combinations.count * seedList.count) points; at most \(Self.maxPoints) in one sweep")
        }
        var points: [SweepPoint] = []
        for c in combinations {
            for s in seedList { points.append(SweepPoint(index: points.count, set: fixed + c, seed: s)) }
        }
        // Each override must be one the notebook takes.
        if let first = points.first { _ = try Runner.parameters(document, overrides: first.set) }
        return points
    }
}

/// One run of a sweep: the notebook with these `--set` overrides and seed.
public struct SweepPoint: Codable, Equatable, Sendable {
    public var index: Int
    /// `name=value` overrides, as `--set` takes them.
    public var set: [String]
    /// The seed of both generators; nil: the notebook's own.
    public var seed: Int?

    public init(index: Int, set: [String], seed: Int?) { (self.index, self.set, self.seed) = (index, set, seed) }

    /// The value this point gives `name` (nil when it leaves it as the notebook has it).
    public func value(_ name: String) -> String? {
        set.last { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    /// The command that runs this point alone, as an ordinary run.
    public func command(notebook: String) -> String {
        (["runbook", shellQuoted(notebook)] + set.flatMap { ["--set", shellQuoted($0)] }
            + (seed.map { ["--seed", String($0)] } ?? [])).joined(separator: " ")
    }
}

/// Quotes a word for a POSIX shell when it needs it.
package func shellQuoted(_ s: String) -> String {
    let plain = s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=,:+@%".contains($0)) }
    return plain && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// `manifest.json`: what a sweep runs, written before any point runs. A point task (a local
/// process, a Slurm array task, a Kubernetes indexed pod) reads it and runs its point.
public struct SweepManifest: Codable, Equatable {
    public var notebook: String
    public var title: String
    /// SHA-256 of the notebook's bytes: a point refuses to run a notebook that changed since.
    public var notebookHash: String
    /// The swept parameters, in order, and "seed" when seeds are swept.
    public var varying: [String]
    public var threads: Int
    public var memory: String
    public var points: [SweepPoint]
    /// SHA-256 of this manifest written with an empty `hash`.
    public var hash = ""

    public init(
        notebook: String, title: String, notebookHash: String, varying: [String], threads: Int, memory: String,
        points: [SweepPoint]
    ) {
        (self.notebook, self.title, self.notebookHash, self.varying) = (notebook, title, notebookHash, varying)
        (self.threads, self.memory, self.points) = (threads, memory, points)
        hash = Self.sha256(Self.encode(self))
    }

    /// The plan of a sweep over `document` (read from `source`).
    public static func plan(
        _ document: NotebookDocument, source: Data, spec: SweepSpec, fixed: [String], seed: Int?, threads: Int,
        memory: String
    ) throws -> SweepManifest {
        let points = try spec.points(for: document, fixed: fixed, seed: seed)
        let varying = (spec.grid + spec.zip).map(\.name) + (spec.seeds.map { $0.count > 1 ? ["seed"] : [] } ?? [])
        return SweepManifest(
            notebook: document.path, title: document.title, notebookHash: sha256(source), varying: varying,
            threads: threads, memory: memory, points: points)
    }

    public var data: Data { Self.encode(self) }

    public static func read(_ url: URL) throws -> SweepManifest {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw UsageError("no sweep manifest at '\(url.relativePath)'")
        }
        guard let m = try? JSONDecoder().decode(SweepManifest.self, from: data) else {
            throw UsageError("'\(url.relativePath)' is not a sweep manifest")
        }
        var unhashed = m
        unhashed.hash = ""
        guard sha256(encode(unhashed)) == m.hash else {
            throw UsageError(
                "'\(url.relativePath)' was changed by hand (its hash does not match); plan the sweep again")
        }
        return m
    }

    static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? encoder.encode(value)).map { $0 + Data("\n".utf8) } ?? Data()
    }

    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// `points/<k>/point.json`: how one point's run went, beside its report.
public struct SweepPointResult: Codable, Equatable {
    public enum Status: String, Codable { case ok, failed }
    public var point: SweepPoint
    public var notebookHash: String
    public var status: Status
    /// The first line of the error, for the comparison's table.
    public var error: String?
    public var metrics: [Metric]

    public init(point: SweepPoint, notebookHash: String, status: Status, error: String?, metrics: [Metric]) {
        (self.point, self.notebookHash, self.status, self.error, self.metrics) = (
            point, notebookHash, status, error, metrics
        )
    }

    public var data: Data { SweepManifest.encode(self) }

    static func decode(_ data: Data) -> SweepPointResult? {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try? decoder.decode(SweepPointResult.self, from: data)
    }

    /// The result in `folder/points/<k>/point.json`, if it belongs to this manifest's point.
    public static func read(_ folder: URL, _ manifest: SweepManifest, _ index: Int) -> SweepPointResult? {
        let url = folder.appendingPathComponent("points/\(index)/point.json")
        guard let data = FileManager.default.contents(atPath: url.path), let r = decode(data),
            r.point == manifest.points[index], r.notebookHash == manifest.notebookHash
        else { return nil }
        return r
    }
}

/// The task index of a point job from the scheduler's environment: Slurm's array task id,
/// `RUNBOOK_TASK_INDEX` (any other launcher), or Kubernetes' indexed-job completion index.
public func taskIndexFromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
    for name in ["RUNBOOK_TASK_INDEX", "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"] {
        if let v = environment[name], let i = Int(v) { return i }
    }
    return nil
}
