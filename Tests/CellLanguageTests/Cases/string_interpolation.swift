let name = "net"
let n = 3
print("\(name) has \(n * 2) layers")   // expect: net has 6 layers
