let s = "abc   // expect error: unterminated string literal
