print(stride(from: 0.0, through: 1.0, by: 0.5))   // expect: [0.0, 0.5, 1.0]
