class Doubler {
    func callAsFunction(_ x: Int) -> Int { return 2 * x }
}
let d = Doubler()
print(d(21))   // expect: 42
