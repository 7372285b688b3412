print(String(42) + "!")   // expect: 42!
print(String(0.5))        // expect: 0.5
