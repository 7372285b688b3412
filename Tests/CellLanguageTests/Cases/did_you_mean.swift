let learningRate = 0.1
print(learningRat)                                // expect error: cannot find 'learningRat' in scope; did you mean 'learningRate'?
