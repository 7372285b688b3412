var xs = [Int]()
for i in 0..<2000 { xs.append(i * 2) }
print(xs.count, xs[1999])   // expect: 2000 3998
