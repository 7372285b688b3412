// A module that holds itself: parameters, printing and eval() end (PyTorch's print would recurse).
class Net: Module {
    let layer = Linear(1, 1)
    var inner: Module? = nil
}
let n = Net()
n.inner = n
print(n.parameters().count)                       // expect: 2
print(n)
// expect: Net(
// expect:   (layer): Linear(in_features=1, out_features=1, bias=True)
// expect:   (inner): Net(…)
// expect: )
n.eval()
print(n.training)                                 // expect: false
