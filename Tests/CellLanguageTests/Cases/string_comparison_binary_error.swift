print("a" * 2)   // expect error: binary operator '*' cannot be applied to operands of type String and Int
