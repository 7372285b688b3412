let a = 20
a * 2   // expect: 40
