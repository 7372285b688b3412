func boom() -> Bool {
    print("evaluated")
    return true
}
print(false && boom())   // expect: false
print(true || boom())    // expect: true
print(true && boom())
// expect: evaluated
// expect: true
