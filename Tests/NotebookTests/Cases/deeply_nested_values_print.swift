// A value nested 100,000 deep prints its first 100 levels (and is freed without recursion).
var a: Any = 0
for _ in 0..<100000 { a = [a] }
let shown = "\(a)"
print(shown.count, shown.hasPrefix("[[[[["), shown.contains("[…]"))   // expect: 203 true true
