// An error in calling a cell-defined forward points at the call that led to it, not at 0:0.
class Net: Module {
    let l = Linear(1, 1)
    func forward(_ x: Tensor, _ y: Tensor) -> Tensor { return l(x) }
}
let s = Sequential(Net())
print(s(tensor([[1.0]])))                         // expect error: missing argument for parameter 'y' in call to forward; expected forward(_ x: Tensor, _ y: Tensor)
