class A { func f() -> Int { return 1 } }
class B: A { func f() -> Int { return 2 } }
print(B().f())   // expect: 2
