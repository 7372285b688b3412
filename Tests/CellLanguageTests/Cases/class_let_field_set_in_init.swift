class Layer {
    let size: Int = 0
    init(_ size: Int) { self.size = size }
}
let l = Layer(5)
print(l.size)   // expect: 5
l.size = 6   // expect error: cannot assign to property: 'size' is a 'let' constant
