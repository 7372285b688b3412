var loss = 1.0
loss *= 0.5
print(loss)  // expect: 0.5
