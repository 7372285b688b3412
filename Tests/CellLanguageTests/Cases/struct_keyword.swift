struct Pair {
    var a = 1
    var b = 2
}
let p = Pair()
print(p.a + p.b)   // expect: 3
