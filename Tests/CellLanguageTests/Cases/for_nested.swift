var pairs = 0
for i in 0..<3 {
    for j in 0..<3 {
        if j == i { continue }
        pairs += 1
    }
}
print(pairs)   // expect: 6
