func scale(_ x: Double, by factor: Double) -> Double { return x * factor }
print(scale(3, by: 2))   // expect: 6.0
