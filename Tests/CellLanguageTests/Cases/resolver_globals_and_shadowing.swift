// Globals are found once per use and still see later assignments; locals shadow them.
var scale = 2
func scaled(_ x: Int) -> Int { return x * scale }
print(scaled(3))                                  // expect: 6
scale = 10
print(scaled(3))                                  // expect: 30
func shadow() -> Int {
    let scale = 5
    return scale
}
print(shadow(), scale)                            // expect: 5 10
var total = 0
for i in 1...3 {
    let step = i * scale
    total += step
}
print(total)                                      // expect: 60
let fs = [1, 2].map { n in { n * 100 } }          // closures keep their own iteration's scope
print(fs[0](), fs[1]())                           // expect: 100 200
