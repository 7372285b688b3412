import Foundation
import XCTest

@testable import TensorEngine

/// Reads the PyTorch goldens copied from the shared goldens folder into Fixtures/.
enum Fixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func json(_ name: String) -> [String: Any] {
        let data = try! Data(contentsOf: folder.appendingPathComponent(name))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static let rng = json("rng.json")["rng"] as! [String: Any]
    static let x2 = json("x2fit.json")["x2_fit"] as! [String: Any]
    static let backprop = json("backprop.json")["hello_backprop"] as! [String: Any]
}

/// Walks a dictionary path such as ["torch", "2", "rand(20)"].
func lookup(_ root: [String: Any], _ path: String...) -> Any {
    var node: Any = root
    for key in path {
        guard let dict = node as? [String: Any], let next = dict[key] else {
            fatalError("fixture has no key \(key) in path \(path)")
        }
        node = next
    }
    return node
}

/// float32 bit patterns of a recorded item (`"f32": ["0x3e6ae540", …]`).
func f32Bits(_ item: Any) -> [UInt32] {
    let dict = item as! [String: Any]
    if let list = dict["f32"] as? [String] { return list.map { UInt32($0.dropFirst(2), radix: 16)! } }
    return [UInt32((dict["f32"] as! String).dropFirst(2), radix: 16)!]
}

func f64Bits(_ item: Any) -> [UInt64] {
    ((item as! [String: Any])["f64"] as! [String]).map { UInt64($0.dropFirst(2), radix: 16)! }
}

func ints(_ item: Any) -> [Int] { (item as! [Any]).map { ($0 as! NSNumber).intValue } }

func doubles(_ item: Any) -> [Double] {
    if let dict = item as? [String: Any] { return doubles(dict["values"] ?? dict["value"]!) }
    if let list = item as? [Any] { return list.map { ($0 as! NSNumber).doubleValue } }
    return [(item as! NSNumber).doubleValue]
}

/// Asserts that a float32 tensor holds exactly the recorded bits.
func assertBits(_ t: Tensor, _ expected: [UInt32], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    let got = t.floats.map(\.bitPattern)
    XCTAssertEqual(got.count, expected.count, "\(what): element count", file: file, line: line)
    for (i, (g, e)) in zip(got, expected).enumerated() where g != e {
        XCTFail(
            "\(what)[\(i)]: got \(Float(bitPattern: g)) (0x\(String(g, radix: 16))), PyTorch \(Float(bitPattern: e)) (0x\(String(e, radix: 16)))",
            file: file, line: line)
        return
    }
}

/// Asserts that values agree within `ulps` units in the last place of float32.
func assertULP(
    _ t: Tensor, _ expected: [UInt32], ulps: Int, _ what: String, file: StaticString = #filePath, line: UInt = #line
) {
    let got = t.floats
    XCTAssertEqual(got.count, expected.count, "\(what): element count", file: file, line: line)
    for (i, (g, e)) in zip(got, expected.map { Float(bitPattern: $0) }).enumerated() {
        let distance = Swift.abs(Int(Int32(bitPattern: g.bitPattern)) - Int(Int32(bitPattern: e.bitPattern)))
        if distance > ulps || g.sign != e.sign && g != e {
            XCTFail("\(what)[\(i)]: got \(g), PyTorch \(e) (\(distance) ulps apart)", file: file, line: line)
            return
        }
    }
}
