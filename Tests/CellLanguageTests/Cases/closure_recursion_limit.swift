var f: (Int) -> Int = { n in n }
f = { n in n == 0 ? 0 : 1 + f(n - 1) }            // expect error: maximum call depth exceeded in a closure (runaway recursion?)
print(f(100000))
