print([1, 2] == [1, 2], (1, "a") == (1, "b"), nil == nil)   // expect: true false true
