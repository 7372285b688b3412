let a = 5
print(-a, +a, !true, !(a > 3))   // expect: -5 5 false false
