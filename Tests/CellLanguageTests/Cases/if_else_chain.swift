func grade(_ s: Int) -> String {
    if s >= 90 {
        return "A"
    } else if s >= 80 {
        return "B"
    } else {
        return "C"
    }
}
print(grade(95), grade(85), grade(10))   // expect: A B C
