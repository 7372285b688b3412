print(round(1.58140001, 4), round(0.850571215, 4), round(2.5))   // expect: 1.5814 0.8506 2.0
