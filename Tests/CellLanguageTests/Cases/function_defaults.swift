func make(_ n: Int, bias: Bool = true, scale: Double = 1.0) -> String {
    return "\(n) \(bias) \(scale)"
}
print(make(3))                  // expect: 3 true 1.0
print(make(3, scale: 2))        // expect: 3 true 2.0
print(make(3, bias: false))     // expect: 3 false 1.0
