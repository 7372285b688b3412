// What PyTorch users type from habit in Swift: static constants, `for var`, typed empty
// collections, operators as functions, Array's min/max/firstIndex.
print(Double.pi, Float.pi, Double.infinity, -Double.infinity, Int.max)  // expect: 3.141592653589793 3.141592653589793 inf -inf 9223372036854775807
print(Double.nan.isNaN, (1.0 / 0.0).isFinite)       // expect: true false
for var p in [1, 2] {
    p += 10
    print(p)
}
// expect: 11
// expect: 12
var pairs = [(Int, String)]()
pairs.append((1, "a"))
var table = [String: Int]()
table["x"] = 1
print(pairs, table, [[Double]]().count)           // expect: [(1, "a")] ["x": 1] 0
let losses = [0.5, 0.25, 0.75]
print(losses.min()!, losses.max()!, losses.reduce(0, +))   // expect: 0.25 0.75 1.5
print([3, 1, 2].sorted(by: >), [1, 2, 3].reduce(1, *))      // expect: [3, 2, 1] 6
print(losses.firstIndex(of: 0.75)!, [1, 2, 1].lastIndex(of: 1)!, [1].firstIndex(of: 5) == nil)  // expect: 2 2 true
print(["b", "a"].min()!)                          // expect: a
for (i, x) in zip(0..<3, ["a", "b"]) { print(i, x) }
// expect: 0 a
// expect: 1 b
