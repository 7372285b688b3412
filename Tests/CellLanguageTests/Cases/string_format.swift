print(String(format: "%.4f", 0.27388))          // expect: 0.2739
print(String(format: "%d items, %.1f%%", 3, 99.5)) // expect: 3 items, 99.5%
print(String(format: "%6.2f|", 3.14159))        // expect:   3.14|
