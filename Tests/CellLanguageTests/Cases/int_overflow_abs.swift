print(abs(Int.min))                               // expect error: abs: arithmetic overflow (the magnitude of Int.min is not an Int)
