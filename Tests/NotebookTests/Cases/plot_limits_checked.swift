plot([1.0, 2.0], [1.0, 2.0])
xlim(0, 1e-300)                                   // a tiny span draws (nothing overflows a pixel index)
ylim(-1.0, 2.0)
yscale("log")                                     // expect error: yscale: a log scale needs positive limits, and they are -1.0…2.0
