let a = 1 < 2 < 3   // expect error: adjacent comparison operators are not allowed; use '&&'
