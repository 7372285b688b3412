func f(_ x: Int) {
    x = 2   // expect error: cannot assign to value: 'x' is a 'let' constant
}
f(1)
