print(Array(0..<4), Array(1...3).count, Array("ab"))   // expect: [0, 1, 2, 3] 3 ["a", "b"]
