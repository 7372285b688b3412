// Layers print, losses compute and optimizers step as torch.nn and torch.optim
// (twin: the .py beside this file).
print(Sequential(Linear(2, 3), LeakyReLU(), ELU(), GELU(), Softplus(), Identity(), BatchNorm1d(3)))
// expect: Sequential(
// expect:   (0): Linear(in_features=2, out_features=3, bias=True)
// expect:   (1): LeakyReLU(negative_slope=0.01)
// expect:   (2): ELU(alpha=1.0)
// expect:   (3): GELU(approximate='none')
// expect:   (4): Softplus(beta=1.0, threshold=20.0)
// expect:   (5): Identity()
// expect:   (6): BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
// expect: )
manualSeed(0)
let emb = Embedding(4, 2)
print(emb, emb(tensor([3, 0, 3])))
// expect: Embedding(4, 2) tensor([[ 0.4033,  0.8380],
// expect:         [ 1.5410, -0.2934],
// expect:         [ 0.4033,  0.8380]], grad_fn=<EmbeddingBackward0>)
let y = tensor([0.5, -1.0, 2.0])
let t = tensor([0.0, 0.0, 1.0])
print(L1Loss()(y, t), HuberLoss(delta: 0.75)(y, t), SmoothL1Loss(reduction: "sum")(y, t), BCEWithLogitsLoss()(y, t))
// expect: tensor(0.8333) tensor(0.3542) tensor(1.1250) tensor(0.4714)
let bn = BatchNorm1d(2)
let out = bn(tensor([[1.0, 2.0], [3.0, 6.0], [5.0, 1.0]]))
print(out, bn.runningMean, bn.runningVar)
// expect: tensor([[-1.2247e+00, -4.6291e-01],
// expect:         [-5.9605e-08,  1.3887e+00],
// expect:         [ 1.2247e+00, -9.2582e-01]], grad_fn=<NativeBatchNormBackward0>) tensor([0.3000, 0.3000]) tensor([1.3000, 1.6000])
bn.eval()
print(bn(tensor([[1.0, 2.0]])))                   // expect: tensor([[0.6139, 1.3440]], grad_fn=<NativeBatchNormBackward0>)

func trajectory(_ make: ([Tensor]) -> Any, steps: Int = 5) -> Tensor {
    manualSeed(1)
    let w = randn(3, requiresGrad: true)
    let opt = make([w])
    for _ in 0..<steps {
        let loss = (w - tensor([1.0, -2.0, 0.5])).pow(2).sum()
        opt.zeroGrad()
        loss.backward()
        opt.step()
    }
    return w
}
print(trajectory { AdamW($0, lr: 0.1) })          // expect: tensor([ 1.0939, -0.2309,  0.5239], requires_grad=True)
print(trajectory { RMSprop($0, lr: 0.01) })       // expect: tensor([ 0.9125, -0.0488,  0.3323], requires_grad=True)
print(trajectory { Adagrad($0, lr: 0.5) })        // expect: tensor([ 1.0017, -1.0916,  0.5000], requires_grad=True)
print(trajectory { SGD($0, lr: 0.05, momentum: 0.9, nesterov: true) })  // expect: tensor([ 1.0354, -2.2371,  0.5458], requires_grad=True)
manualSeed(1)
let w = randn(3, requiresGrad: true)
let opt = SGD([w], lr: 1.0)
let scheduler = StepLR(opt, stepSize: 2, gamma: 0.5)
var lrs: [Double] = []
for _ in 0..<5 {
    opt.step()
    scheduler.step()
    lrs.append(scheduler.getLastLr()[0])
}
print(lrs)                                        // expect: [1.0, 0.5, 0.5, 0.25, 0.25]
