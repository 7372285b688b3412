// A loop that ends at Int.max stops there (no step past the end that overflows).
for i in (Int.max - 2)...Int.max { print(i) }
// expect: 9223372036854775805
// expect: 9223372036854775806
// expect: 9223372036854775807
print((Int.max - 1)...Int.max)                    // expect: 9223372036854775806...9223372036854775807
