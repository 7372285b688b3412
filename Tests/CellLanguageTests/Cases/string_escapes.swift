print("a\tb\\c\"d\"")  // expect: a	b\c"d"
