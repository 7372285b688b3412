let d = ["a": 1]
print(d["b"]!)   // expect error: unexpectedly found nil while unwrapping a value
