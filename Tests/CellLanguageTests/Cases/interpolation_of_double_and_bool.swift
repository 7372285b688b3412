let loss = 0.25
print("loss = \(loss), done = \(loss < 1)")   // expect: loss = 0.25, done = true
