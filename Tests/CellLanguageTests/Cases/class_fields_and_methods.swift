class Counter {
    var count = 0
    func tick() { count += 1 }
}
let c = Counter()
c.tick()
c.tick()
print(c.count)   // expect: 2
