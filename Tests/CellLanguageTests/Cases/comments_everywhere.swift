/* a block comment
   over lines */ let a = 2 // trailing
print(a /* inline */ * 3)   // expect: 6
