print(1_000_000 + 1)  // expect: 1000001
