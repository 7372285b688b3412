var xs = [1, 2, 3]
let last = xs.removeLast()
xs.insert(9, at: 0)
let gone = xs.remove(at: 1)
print(last, gone, xs)   // expect: 3 1 [9, 2]
