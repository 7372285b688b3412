print(sqrt(16.0), abs(-3), pow(2.0, 10.0), floor(2.7), ceil(2.1))   // expect: 4.0 3 1024.0 2.0 3.0
