let x = 1
class A: x {}   // expect error: 'x' is not a class and cannot be inherited from
