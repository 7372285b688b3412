# Records what PyTorch computes for the element-wise ops and reductions that ParityTests compares
# bit for bit: inputs and outputs as little-endian float32 in parity.bin, indexed by parity.json.
#     pip install torch numpy; python3 Tests/TensorEngineTests/Parity/record_parity.py
# Never run in CI. The header of parity.json names the CPU, its PyTorch capability and versions;
# recorded on this project's machine kind (AMD EPYC, Zen 4, 2 cores), torch 2.15.0 (CPU kernels
# at AVX512), numpy 2.4.6, one thread.
import json
import pathlib
import platform

import numpy as np
import torch

torch.set_num_threads(1)
here = pathlib.Path(__file__).parent
blob = bytearray()
index = {}


def put(name, t):
    a = np.ascontiguousarray(t.detach().numpy().astype(np.float32)).ravel()
    index[name] = {"offset": len(blob), "count": int(a.size)}
    blob.extend(a.tobytes())


def f32(values):
    return torch.tensor(np.array(values, dtype=np.float32))


edges = [0.0, -0.0, 1e-45, -1e-45, 1e-40, -1e-40, 1.1754944e-38, float("inf"), float("-inf"), float("nan"),
         1e30, -1e30, 3e38, -3e38, 88.72, 88.73, -87.3, -103.9, -104.0, 1e-10, -1e-10, 0.5, -0.5, 1.5, 2.5,
         -2.5, 1.0, -1.0, 2.0, 3.0, 9.0, 15.0, 20.0, -20.0]
signed = f32(list(np.linspace(-4, 4, 2001)) + edges)
positive = f32(list(np.geomspace(1e-4, 50, 2001)) + [e for e in edges if not (e < 0)])
put("input.signed", signed)
put("input.positive", positive)
upstream = f32(np.linspace(0.5, 1.5, signed.numel()))
put("input.upstream", upstream)

F = torch.nn.functional
unary = {
    "exp": ("signed", torch.exp), "log": ("positive", torch.log), "log1p": ("positive", torch.log1p),
    "expm1": ("signed", torch.expm1), "sqrt": ("positive", torch.sqrt), "rsqrt": ("positive", torch.rsqrt),
    "sin": ("signed", torch.sin), "cos": ("signed", torch.cos), "tan": ("signed", torch.tan),
    "tanh": ("signed", torch.tanh), "sigmoid": ("signed", torch.sigmoid), "abs": ("signed", torch.abs),
    "neg": ("signed", torch.neg), "reciprocal": ("signed", torch.reciprocal), "relu": ("signed", torch.relu),
    "leakyRelu": ("signed", lambda x: F.leaky_relu(x, 0.01)), "elu": ("signed", F.elu),
    "gelu": ("signed", F.gelu), "softplus": ("signed", F.softplus),
    "pow2": ("signed", lambda x: x.pow(2)), "pow3": ("signed", lambda x: x.pow(3)),
    "pow0.5": ("positive", lambda x: x.pow(0.5)), "pow-1": ("signed", lambda x: x.pow(-1)),
    "pow-2": ("signed", lambda x: x.pow(-2)), "pow2.5": ("positive", lambda x: x.pow(2.5)),
    "clamp": ("signed", lambda x: x.clamp(-1, 1)), "div3": ("signed", lambda x: x / 3),
    "sigmoidLayer": ("signed", torch.nn.Sigmoid()), "tanhLayer": ("signed", torch.nn.Tanh()),
}
inputs = {"signed": signed, "positive": positive}
for name, (domain, fn) in unary.items():
    x = inputs[domain].clone().requires_grad_(True)
    y = fn(x)
    put(f"{name}.forward", y)
    y.backward(upstream[: x.numel()])
    put(f"{name}.backward", x.grad)

# pow with a tensor exponent (-3 … 3), both gradients.
x = positive.clone().requires_grad_(True)
exponent = torch.linspace(-3, 3, positive.numel()).requires_grad_(True)
y = x.pow(exponent)
put("powTensor.forward", y)
y.backward(upstream[: x.numel()])
put("powTensor.backward", x.grad)
put("powTensor.exponent.backward", exponent.grad)

# Reductions: whole-tensor sums and means over many lengths, and along each dimension of a 3-D
# tensor, contiguous and transposed.
gen = torch.Generator().manual_seed(0)
lengths = list(range(1, 130)) + [255, 256, 257, 1000, 1023, 1024, 1025, 4096, 10_000, 65_537, 100_000]
long = torch.rand(100_000, generator=gen) * 2 - 0.5
put("input.long", long)
put("sum.lengths", torch.stack([long[:n].sum() for n in lengths]))
put("mean.lengths", torch.stack([long[:n].mean() for n in lengths]))
cube = torch.randn(5, 17, 70, generator=gen)
put("input.cube", cube)
for d in range(3):
    put(f"sum.cube.dim{d}", cube.sum(dim=d))
    put(f"mean.cube.dim{d}", cube.mean(dim=d))
    put(f"sum.cubeT.dim{d}", cube.transpose(0, 2).sum(dim=d))
    put(f"sum.cubeS.dim{d}", cube[:, 1::2, 5:60:3].sum(dim=d))
    put(f"softmax.cube.dim{d}", cube.softmax(dim=d))
    put(f"logSoftmax.cube.dim{d}", cube.log_softmax(dim=d))
    for name in ("softmax", "log_softmax"):
        x = cube.clone().requires_grad_(True)
        y = getattr(x, name)(dim=d)
        y.backward(torch.linspace(-1, 2, y.numel()).reshape(y.shape))
        put(f"{name.replace('log_s', 'logS')}.cube.dim{d}.backward", x.grad)
put("linspace", torch.linspace(-np.pi, np.pi, 2000))

# Optimizers step for step: four parameters (a 3-5-2 network's shapes) from recorded values, and
# 25 recorded gradients each, so only the optimizer's arithmetic is compared.
shapes = [(5, 3), (5,), (2, 5), (2,)]
init = [torch.randn(*s, generator=gen) for s in shapes]
grads = [[torch.randn(*s, generator=gen) * 0.5 for s in shapes] for _ in range(25)]
put("opt.init", torch.cat([p.flatten() for p in init]))
put("opt.grads", torch.cat([g.flatten() for step in grads for g in step]))
optimizers = {
    "sgd": lambda ps: torch.optim.SGD(ps, lr=0.1),
    "sgdMomentum": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
    "sgdNesterov": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
    "sgdDampening": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.5, dampening=0.3),
    "adam": lambda ps: torch.optim.Adam(ps, lr=0.01),
    "adamDecay": lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.01),
    "adamW": lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1),
    "rmsprop": lambda ps: torch.optim.RMSprop(ps, lr=0.01),
    "rmspropDecay": lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, weight_decay=0.01),
    "adagrad": lambda ps: torch.optim.Adagrad(ps, lr=0.1),
    "adagradDecay": lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0.01, weight_decay=0.01,
                                                   initial_accumulator_value=0.1),
}
for name, make in optimizers.items():
    params = [p.clone().requires_grad_(True) for p in init]
    opt = make(params)
    trajectory = []
    for step in grads:
        for p, g in zip(params, step):
            p.grad = g.clone()
        opt.step()
        trajectory.append(torch.cat([p.detach().flatten() for p in params]))
    put(f"opt.{name}", torch.stack(trajectory))

# Other reductions, along each dimension of the cube (contiguous and transposed) and over the
# whole tensor at many lengths; forward and, along dimension 1, backward.
def reductions(t, d):
    return {
        "var": t.var(dim=d), "std": t.std(dim=d), "max": t.max(dim=d).values, "argmax": t.argmax(dim=d).float(),
        "min": t.min(dim=d).values, "argmin": t.argmin(dim=d).float(), "cumsum": t.cumsum(d),
        "prod": (t * 0.1 + 1).prod(dim=d),
    }


for d in range(3):
    for name, y in reductions(cube, d).items():
        put(f"{name}.cube.dim{d}", y)
    for name, y in reductions(cube.transpose(0, 2), d).items():
        put(f"{name}.cubeT.dim{d}", y)
for name in reductions(cube, 1):
    x = cube.clone().requires_grad_(True)
    y = reductions(x, 1)[name]
    if y.requires_grad:
        y.backward(torch.linspace(0.5, 1.5, y.numel()).reshape(y.shape))
        put(f"{name}.cube.dim1.backward", x.grad)
whole = [n for n in lengths if n >= 2]
put("var.lengths", torch.stack([long[:n].var() for n in whole]))
put("std.lengths", torch.stack([long[:n].std() for n in whole]))
put("prod.lengths", torch.stack([(long[:n] * 0.01 + 1).prod() for n in whole]))
put("cumsum.long", long.cumsum(0))
ties = f32([[1, 3, 3, 0, -1], [float("nan"), 1, float("nan"), 2, 0], [-np.inf, -np.inf, -1, -1, -np.inf],
            [0.0, -0.0, 0.0, -0.0, 0.0]])
put("input.ties", ties)
for name in ["max", "argmax", "min", "argmin"]:
    put(f"{name}.ties", reductions(ties, 1)[name])
    put(f"{name}.ties.all", reductions(ties.flatten(), 0)[name])

# Losses with each reduction, forward and backward (upstream 1 for a number, 0.5 … 1.5 per
# element for reduction "none"), at a batch of 64 and of 1,000 (NLL's cascade) of 10 classes.
scores = torch.randn(1000, 10, generator=gen)
labels = torch.randint(0, 10, (1000,), generator=gen)
targets = torch.randn(1000, 10, generator=gen)
probabilities = torch.rand(1000, 10, generator=gen)
put("input.scores", scores)
put("input.labels", labels.float())
put("input.targets", targets)
put("input.probabilities", probabilities)
losses = {
    "crossEntropy": lambda x, r: F.cross_entropy(x, labels[: x.shape[0]], reduction=r),
    "nll": lambda x, r: F.nll_loss(x.log_softmax(1).detach() + x - x.detach(), labels[: x.shape[0]], reduction=r),
    "mse": lambda x, r: F.mse_loss(x, targets[: x.shape[0]], reduction=r),
    "l1": lambda x, r: F.l1_loss(x, targets[: x.shape[0]], reduction=r),
    "smoothL1": lambda x, r: F.smooth_l1_loss(x, targets[: x.shape[0]], reduction=r, beta=0.5),
    "huber": lambda x, r: F.huber_loss(x, targets[: x.shape[0]], reduction=r, delta=0.5),
    "bce": lambda x, r: F.binary_cross_entropy(torch.sigmoid(x).detach() + x - x.detach(),
                                               probabilities[: x.shape[0]], reduction=r),
    "bceWithLogits": lambda x, r: F.binary_cross_entropy_with_logits(x, probabilities[: x.shape[0]], reduction=r),
}
for name, fn in losses.items():
    for n in (64, 1000):
        for r in ("mean", "sum", "none") if n == 64 else ("mean", "sum"):
            x = scores[:n].clone().requires_grad_(True)
            y = fn(x, r)
            put(f"loss.{name}.{n}.{r}", y)
            y.backward(torch.linspace(0.5, 1.5, y.numel()).reshape(y.shape) if r == "none" else None)
            put(f"loss.{name}.{n}.{r}.backward", x.grad)

# Matrix products at the shapes of a user's network: a Linear layer 784 -> 128 over a batch of
# 64 (output, and the gradients of input, weight and bias), batched 32 x 32 products and a 3 x 3
# convolution (forward and backward).
x = torch.randn(64, 784, generator=gen).requires_grad_(True)
w = (torch.randn(128, 784, generator=gen) * 0.03).requires_grad_(True)
b = torch.randn(128, generator=gen).requires_grad_(True)
put("linear.x", x)
put("linear.w", w)
put("linear.b", b)
y = F.linear(x, w, b)
put("linear.forward", y)
g = torch.randn(64, 128, generator=gen)
put("linear.upstream", g)
y.backward(g)
put("linear.x.grad", x.grad)
put("linear.w.grad", w.grad)
put("linear.b.grad", b.grad)
a = torch.randn(8, 32, 32, generator=gen)
c = torch.randn(8, 32, 32, generator=gen)
put("bmm.a", a)
put("bmm.b", c)
put("bmm.forward", torch.bmm(a, c))
image = torch.randn(4, 3, 16, 16, generator=gen).requires_grad_(True)
kernel = (torch.randn(8, 3, 3, 3, generator=gen) * 0.2).requires_grad_(True)
put("conv.x", image)
put("conv.w", kernel)
y = F.conv2d(image, kernel, padding=1)
put("conv.forward", y)
g = torch.randn(*y.shape, generator=gen)
put("conv.upstream", g)
y.backward(g)
put("conv.x.grad", image.grad)
put("conv.w.grad", kernel.grad)

# Convolutions as a user's network has them: 20 input channels (more than one of oneDNN's blocks
# of 16), a 5 x 5 kernel with padding 2 and a bias; one input channel (an MNIST first layer);
# And 20 output channels with stride 2 (the input gradient's sum over more than 16 channels).
convs = {"conv20": ((2, 20, 12, 12), (6, 20, 5, 5), 2, 1), "conv1": ((2, 1, 28, 28), (4, 1, 5, 5), 0, 1),
         "conv20o": ((3, 4, 11, 11), (20, 4, 3, 3), 1, 2)}
for name, (xs, ws, padding, stride) in convs.items():
    image = torch.randn(*xs, generator=gen).requires_grad_(True)
    kernel = (torch.randn(*ws, generator=gen) * 0.1).requires_grad_(True)
    bias = torch.randn(ws[0], generator=gen).requires_grad_(True)
    put(f"{name}.x", image)
    put(f"{name}.w", kernel)
    put(f"{name}.b", bias)
    y = F.conv2d(image, kernel, bias, stride=stride, padding=padding)
    put(f"{name}.forward", y)
    g = torch.randn(*y.shape, generator=gen)
    put(f"{name}.upstream", g)
    y.backward(g)
    put(f"{name}.x.grad", image.grad)
    put(f"{name}.w.grad", kernel.grad)
    put(f"{name}.b.grad", bias.grad)

(here / "parity.bin").write_bytes(bytes(blob))
header = {
    "cpu": open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].split(":", 1)[1].strip(),
    "capability": torch.backends.cpu.get_cpu_capability(), "torch": torch.__version__, "numpy": np.__version__,
    "threads": 1, "lengths": lengths,
}
(here / "parity.json").write_text(json.dumps({"header": header, "arrays": index}, indent=1, sort_keys=True) + "\n")
print(f"{len(index)} arrays, {len(blob)} bytes")
