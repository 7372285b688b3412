var i = 0
while true {
    i += 1
    if i == 4 { break }
}
print(i)   // expect: 4
