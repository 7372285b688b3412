let a = 1, b = "two"
var c = 3.0, (d, e) = (4, 5)
c += 1
print(a, b, c, d, e)                              // expect: 1 two 4.0 4 5
class P {
    let x = 1, y = 2
}
print(P().x + P().y)                              // expect: 3
