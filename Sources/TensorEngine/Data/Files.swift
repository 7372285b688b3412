import CZlib
import Foundation

/// Reading the data files: gzip, IDX (the MNIST format) and the MNIST 5k CSV.
public enum DataFiles {
    /// The bytes of a file, gunzipped when it is gzip (by its magic number, not its name).
    public static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TensorError("\(path): cannot read the file (missing or unreadable)")
        }
        let bytes = [UInt8](data)
        return bytes.starts(with: [0x1F, 0x8B]) ? try gunzip(bytes, path: path) : bytes
    }

    public static func gunzip(_ input: [UInt8], path: String) throws -> [UInt8] {
        var stream = z_stream()
        guard czlib_inflate_init_gzip(&stream) == Z_OK else {
            throw TensorError("\(path): cannot start gzip decompression")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(input.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var status: Int32 = Z_OK
        var input = input
        try input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(inBuf.count)
            repeat {
                try chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(outBuf.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    guard status == Z_OK || status == Z_STREAM_END else {
                        throw TensorError("\(path): corrupt gzip data (zlib error \(status))")
                    }
                    output.append(contentsOf: outBuf[0..<(outBuf.count - Int(stream.avail_out))])
                }
                if status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0 {
                    throw TensorError("\(path): truncated gzip data")
                }
            } while status != Z_STREAM_END
        }
        return output
    }

    /// An IDX file of unsigned bytes: its dimensions and data. Checks the magic number, the
    /// element type and that the data fills the dimensions exactly.
    public static func idx(_ path: String) throws -> (dims: [Int], data: [UInt8]) {
        let bytes = try read(path)
        guard bytes.count >= 4 else { throw TensorError("\(path): not an IDX file (only \(bytes.count) bytes)") }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw TensorError("\(path): not an IDX file (magic number starts \(bytes[0]) \(bytes[1]), expected 0 0)")
        }
        guard bytes[2] == 0x08 else {
            throw TensorError("\(path): IDX element type 0x\(String(bytes[2], radix: 16)) is not unsigned bytes (0x08)")
        }
        let rank = Int(bytes[3])
        guard rank >= 1, rank <= 4, bytes.count >= 4 + 4 * rank else {
            throw TensorError("\(path): IDX header is truncated (\(rank) dimensions)")
        }
        let dims = (0..<rank).map { i -> Int in
            let o = 4 + 4 * i
            return Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
        }
        let expected = dims.reduce(1, *), have = bytes.count - 4 - 4 * rank
        guard have == expected else {
            throw TensorError(
                "\(path): IDX dimensions \(dims) need \(expected) bytes of data, the file has \(have)"
                    + (have < expected ? " (truncated)" : ""))
        }
        return (dims, Array(bytes[(4 + 4 * rank)...]))
    }

    /// The MNIST 5k CSV: each row 784 pixel values (0–255) then the label.
    public static func mnistCSV(_ path: String) throws -> (images: [UInt8], labels: [UInt8]) {
        let bytes = try read(path)
        var images = [UInt8](), labels = [UInt8]()
        images.reserveCapacity(bytes.count / 2)
        var row = [Int](), value = 0, inNumber = false, line = 1
        func endRow() throws {
            guard row.count == 785 else {
                throw TensorError("\(path):\(line): expected 785 columns (784 pixels and a label), found \(row.count)")
            }
            for v in row.prefix(784) {
                guard v <= 255 else { throw TensorError("\(path):\(line): pixel value \(v) is outside 0…255") }
                images.append(UInt8(v))
            }
            guard row[784] <= 9 else { throw TensorError("\(path):\(line): label \(row[784]) is not a digit") }
            labels.append(UInt8(row[784]))
            row.removeAll(keepingCapacity: true)
        }
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = value * 10 + Int(b - UInt8(ascii: "0"))
                inNumber = true
                if value > 100_000 { throw TensorError("\(path):\(line): number too large") }
            case UInt8(ascii: ","):
                row.append(value)
                value = 0
                inNumber = false
            case UInt8(ascii: "\n"):
                if inNumber || !row.isEmpty {
                    row.append(value)
                    try endRow()
                }
                value = 0
                inNumber = false
                line += 1
            case UInt8(ascii: "\r"), UInt8(ascii: " "):
                continue
            default:
                throw TensorError("\(path):\(line): unexpected character '\(Character(UnicodeScalar(b)))'")
            }
        }
        if inNumber || !row.isEmpty {
            row.append(value)
            try endRow()
        }
        return (images, labels)
    }
}
