func forever(_ n: Int) -> Int {
    return forever(n + 1)   // expect error: maximum call depth exceeded in 'forever' (runaway recursion?)
}
print(forever(0))
