print(7.0 / 2)         // expect: 3.5
print(0.1 + 0.2)       // expect: 0.30000000000000004
print(1e-3 * 2)        // expect: 0.002
print(2.5e2)           // expect: 250.0
