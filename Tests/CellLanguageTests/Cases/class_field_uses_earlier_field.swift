class Net {
    let width = 4
    let doubled = self.width * 2
}
print(Net().doubled)   // expect: 8
