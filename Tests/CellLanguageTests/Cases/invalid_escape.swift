let s = "a\qb"   // expect error: invalid escape sequence '\q' in string literal
