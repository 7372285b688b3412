class Box {
    var value = 1
    func set(_ v: Int) { self.value = v }
}
let b = Box()
b.set(9)
print(b.value)   // expect: 9
