print(1 < 2, 2 <= 2, 3 > 4, 4 >= 5, 1 == 1.0, "a" != "b")  // expect: true true false false true true
