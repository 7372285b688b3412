let a = 1
a = 2   // expect error: cannot assign to value: 'a' is a 'let' constant
