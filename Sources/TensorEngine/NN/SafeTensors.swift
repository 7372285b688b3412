import Foundation

/// Saving and loading parameters in the safetensors format (what PyTorch users share weights
/// in): an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape
/// and byte range, then the raw little-endian data.
public enum SafeTensors {
    static let dtypes: [DType: String] = [.float32: "F32", .float64: "F64", .int64: "I64"]

    /// The bytes of a file holding `tensors` (names sorted, data in that order).
    public static func encode(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]
    ) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var body = Data()
        for (name, t) in tensors.sorted(by: { $0.name < $1.name }) {
            guard let code = dtypes[t.dtype] else {
                throw TensorError("safetensors: cannot store \(t.dtype) tensor '\(name)'")
            }
            let c = t.contiguousData()
            let bytes = withExtendedLifetime(c) {
                Data(bytes: c.storage.raw.advanced(by: c.offset * t.dtype.itemSize), count: t.count * t.dtype.itemSize)
            }
            header[name] = ["dtype": code, "shape": t.shape, "data_offsets": [body.count, body.count + bytes.count]]
            body.append(bytes)
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }  // pad with spaces, as the reference writer does
        var out = Data()
        var n = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        return out + json + body
    }

    /// Every tensor in a safetensors file, by name.
    public static func decode(_ data: Data, path: String = "safetensors") throws -> [String: Tensor] {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw TensorError("\(path): too short to be a safetensors file") }
        let n = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n > 0, n <= UInt64(bytes.count - 8), n < 100_000_000 else {
            throw TensorError("\(path): header length \(n) does not fit in the file of \(bytes.count) bytes")
        }
        let headerEnd = 8 + Int(n)
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])) as? [String: Any] else {
            throw TensorError("\(path): the header is not a JSON object")
        }
        var out: [String: Tensor] = [:]
        let dataStart = headerEnd
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let code = entry["dtype"] as? String,
                let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else {
                throw TensorError("\(path): tensor '\(name)' has a malformed header entry")
            }
            guard let dtype = dtypes.first(where: { $0.value == code })?.key else {
                throw TensorError("\(path): tensor '\(name)' has dtype \(code); supported are F32, F64 and I64")
            }
            let count = shape.reduce(1, *)
            guard offsets[0] >= 0, offsets[1] - offsets[0] == count * dtype.itemSize,
                dataStart + offsets[1] <= bytes.count
            else {
                throw TensorError(
                    "\(path): tensor '\(name)' of shape \(shape) and dtype \(code) does not match its byte range \(offsets)"
                )
            }
            let t = try Tensor.zeros(shape, dtype: dtype)
            bytes.withUnsafeBytes { raw in
                t.storage.raw.copyMemory(
                    from: raw.baseAddress! + dataStart + offsets[0], byteCount: offsets[1] - offsets[0])
            }
            out[name] = t
        }
        return out
    }
}

extension Module {
    /// The parameters as a safetensors file (names as in `state_dict`).
    public func safetensors(metadata: [String: String] = [:]) throws -> Data {
        try SafeTensors.encode(namedParameters.map { ($0.name, $0.tensor.detach()) }, metadata: metadata)
    }

    /// Copies parameters from a safetensors file into this module. Every parameter must be
    /// present with its shape and type; extra tensors in the file are an error too.
    public func loadSafetensors(_ data: Data, path: String = "safetensors") throws {
        let tensors = try SafeTensors.decode(data, path: path)
        let params = namedParameters
        let missing = params.map(\.name).filter { tensors[$0] == nil }
        let unexpected = Set(tensors.keys).subtracting(params.map(\.name)).sorted()
        guard missing.isEmpty, unexpected.isEmpty else {
            throw TensorError(
                "\(path): missing \(missing.isEmpty ? "none" : missing.joined(separator: ", ")); unexpected \(unexpected.isEmpty ? "none" : unexpected.joined(separator: ", "))"
            )
        }
        for (name, p) in params {
            let t = tensors[name]!
            guard t.shape == p.shape, t.dtype == p.dtype else {
                throw TensorError(
                    "\(path): '\(name)' is \(t.dtype) \(t.shape) in the file but \(p.dtype) \(p.shape) in the module")
            }
            try noGrad { try p.copy_(t) }
        }
    }
}
