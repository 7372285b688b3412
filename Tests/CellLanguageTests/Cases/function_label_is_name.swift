func greet(name: String) -> String { return "hi " + name }
print(greet(name: "ada"))   // expect: hi ada
