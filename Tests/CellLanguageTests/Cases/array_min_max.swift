print(min(3, 1, 2), max([4, 9, 2]), min(1.5, 2))   // expect: 1 9 1.5
