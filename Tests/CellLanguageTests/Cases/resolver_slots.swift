// Locals live in slots of their block's scope; these must still mean what Swift means.
func outer() -> Int {
    var total = 0
    for i in 0..<3 {
        func inner(_ k: Int) -> Int { return k + i + total }
        total = inner(10)
    }
    return total
}
print(outer())                                    // expect: 33
let x = 1
func shadow() -> Int {
    let a = x                                     // the global: the local x is not declared yet
    let x = 5
    return a + x
}
print(shadow(), shadow())                         // expect: 6 6
func fib(_ n: Int) -> Int { return n < 2 ? n : fib(n - 1) + fib(n - 2) }
print(fib(10))                                    // expect: 55
var counters: [() -> Int] = []
for i in 0..<3 { counters.append({ i * 10 }) }
print(counters.map { $0() })                      // expect: [0, 10, 20]
var seen: [Int] = []
for i in 0..<3 {
    let square = i * i
    seen.append(square)
    if i == 2 { seen.append(later) }              // expect error: use of local variable 'later' before its declaration
    let later = square
}
