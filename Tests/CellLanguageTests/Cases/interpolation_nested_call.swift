func double(_ x: Int) -> Int { return 2 * x }
print("result: \(double(double(3)))")  // expect: result: 12
