var ages = ["ada": 36, "alan": 41]
ages["grace"] = 85
print(ages["ada"]!, ages.count, ages["nobody"] ?? 0)   // expect: 36 3 0
for (name, age) in ages { print(name, age) }
// expect: ada 36
// expect: alan 41
// expect: grace 85
