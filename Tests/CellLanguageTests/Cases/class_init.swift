class Point {
    var x = 0
    var y = 0
    init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
    func norm2() -> Int { return x * x + y * y }
}
print(Point(x: 3, y: 4).norm2())   // expect: 25
