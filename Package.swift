// swift-tools-version: 6.0
import PackageDescription

// No package dependencies and no unsafe flags: TransformerCore must stay usable as a dependency.
let package = Package(
    name: "TransformerCore",
    products: [
        .library(name: "TransformerCore", targets: ["TransformerCore"]),
        .executable(name: "transformer-cli", targets: ["transformer-cli"]),
    ],
    targets: [
        // GEMM micro-kernels in C (AVX2 + FMA, AVX-512, picked at run time); see Sources/CKernels/include/CKernels.h.
        .target(name: "CKernels"),
        .target(name: "TransformerCore", dependencies: ["CKernels"]),
        .executableTarget(name: "transformer-cli", dependencies: ["TransformerCore"]),
        .testTarget(name: "TransformerCoreTests", dependencies: ["TransformerCore", "transformer-cli"]),
    ]
)
