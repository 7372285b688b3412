// The resolver reports what can never run before the cell starts: nothing is printed.
print("not printed")
let rate = 0.1
func train() {
    rate = 0.2                                    // expect error: cannot assign to value: 'rate' is a 'let' constant
}
for i in 0..<3 {
    let f = { break }                             // expect error: 'break' and 'continue' are only allowed inside a loop
}
