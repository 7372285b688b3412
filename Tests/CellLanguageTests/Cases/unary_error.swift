print(-"a")   // expect error: unary operator '-' cannot be applied to an operand of type String
