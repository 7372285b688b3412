class A {}
class B: A {}
func take(_ a: A) -> String { return "ok" }
print(take(B()))   // expect: ok
print(take(3))   // expect error: cannot convert value of type Int to A
