print(1.0 / 0)   // expect: inf
