let a = 1
}   // expect error: unexpected '}'
let b = 2
