func f() -> Int {
    return "no"   // expect error: cannot convert value of type String to Int
}
print(f())
