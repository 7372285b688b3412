let x = 3.0
let y = x ** 2                                    // expect error: '**' is not an operator in Swift: write x.pow(2) or pow(x, 2)
