let a = 1 /* never closed   // expect error: unterminated '/*' comment
