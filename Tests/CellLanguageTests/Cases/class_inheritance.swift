class Animal {
    var name = "animal"
    func speak() -> String { return name + " makes a sound" }
}
class Dog: Animal {
    func fetch() -> String { return name + " fetches" }
}
let d = Dog()
print(d.speak())   // expect: animal makes a sound
print(d.fetch())   // expect: animal fetches
