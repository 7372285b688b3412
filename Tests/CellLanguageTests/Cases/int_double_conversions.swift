print(Int(3.9), Double(2), Int("12"), Int(true))   // expect: 3 2.0 12 1
