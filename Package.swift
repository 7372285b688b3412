// swift-tools-version:6.0
import PackageDescription

// The engine is built for x86-64-v3 (AVX2 + FMA, spelled `haswell` here): long matrix-product
// sums are one fused multiply-add per k, so hardware FMA is needed for speed, and gives the same
// bits on every machine of that level or newer. Dynamic exclusivity checks are off in
// the engine, the interpreter and the runner: they cost a thread-local lookup on every access to
// a class property or global.
let unchecked: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
let engineFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell", "-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "Runbook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "runbook", targets: ["runbook"]),
        .library(name: "TensorEngine", targets: ["TensorEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
    ],
    targets: [
        // C libraries from Debian packages (installed by `make setup`).
        // libgd without pkg-config: its flags carry -DAVIF_DLL, which SwiftPM refuses with a warning;
        // gd.h is found in /usr/include and the module map links libgd.
        .systemLibrary(name: "CGD", providers: [.apt(["libgd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CCmark", pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),

        // Tensor, autograd, nn, optim and the PyTorch/numpy-compatible generators.
        .target(
            name: "TensorEngine", dependencies: ["CZlib", "CPUFeatures", "CParallel", "Kernels512"],
            swiftSettings: engineFlags),
        // Matrix-product tiles built for AVX-512, called only on CPUs that have it.
        .target(
            name: "Kernels512",
            swiftSettings: [.unsafeFlags(["-target-cpu", "skylake-avx512", "-enforce-exclusivity=unchecked"])]),
        .target(name: "CPUFeatures"),
        // The engine's thread pool: workers that spin briefly between loops, then sleep.
        .target(name: "CParallel"),

        // Figures drawn with an antialiasing rasteriser of our own, text and encoding by libgd.
        .target(name: "Plotting", dependencies: ["CGD"], swiftSettings: unchecked),

        // The notebook cell language: lexer, parser, interpreter, diagnostics. Knows no tensors.
        .target(name: "CellLanguage", swiftSettings: unchecked),

        // Notebooks: the Markdown reader, the engine's bindings for cells, the runner, the HTML
        // report and the regeneration check.
        .target(
            name: "Notebook",
            dependencies: [
                "CellLanguage", "TensorEngine", "Plotting", "CCmark", "Yams",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: unchecked),

        // `runbook preview`: the report served on 127.0.0.1, kept current over a WebSocket.
        .target(
            name: "Preview",
            dependencies: ["Notebook", "CellLanguage", .product(name: "FlyingFox", package: "FlyingFox")]),

        // The command-line tool: a thin layer over the libraries.
        .executableTarget(
            name: "runbook",
            dependencies: [
                "TensorEngine", "CellLanguage", "Notebook", "Plotting", "Preview",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(
            name: "TensorEngineTests", dependencies: ["TensorEngine"],
            exclude: ["Fixtures", "Parity"]),
        .testTarget(name: "CellLanguageTests", dependencies: ["CellLanguage"], exclude: ["Cases"]),
        .testTarget(
            name: "NotebookTests", dependencies: ["Notebook", "TensorEngine", "Yams"], exclude: ["Cases", "Corpus"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting"]),
    ],
    swiftLanguageModes: [.v5]
)

// Fuzz harnesses (`make fuzz`), only when RUNBOOK_FUZZ is set: they need libFuzzer, so they
// are built alone, with -sanitize=fuzzer,address.
if Context.environment["RUNBOOK_FUZZ"] != nil {
    package.targets += [
        .target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"),
        .executableTarget(
            name: "FuzzReader", dependencies: ["FuzzSupport", "Notebook", "CellLanguage"], path: "Fuzz/FuzzReader"),
        .executableTarget(
            name: "FuzzLanguage", dependencies: ["FuzzSupport", "CellLanguage"], path: "Fuzz/FuzzLanguage"),
        .executableTarget(
            name: "FuzzNotebook", dependencies: ["FuzzSupport", "Notebook", "TensorEngine"], path: "Fuzz/FuzzNotebook"),
    ]
}
