// swift-tools-version: 6.1
import PackageDescription

// No package dependencies and no unsafe flags: TransformerCore must stay usable as a dependency.
let package = Package(
    name: "TransformerCore",
    products: [
        .library(name: "TransformerCore", targets: ["TransformerCore"]),
        .executable(name: "transformer-cli", targets: ["transformer-cli"]),
    ],
    traits: [
        // Data-parallel training over MPI (docs/distributed.md): `swift build -c release --traits MPI`,
        // with an MPI found by pkg-config (`mpi`; Debian: libopenmpi-dev). Off by default.
        .trait(name: "MPI", description: "Data-parallel training over MPI (needs an MPI found by pkg-config as 'mpi')."),
    ],
    targets: [
        // GEMM micro-kernels in C (AVX2 + FMA, AVX-512, picked at run time); see Sources/CKernels/include/CKernels.h.
        .target(name: "CKernels"),
        // mpi.h and the handles it defines as C macros; only built (and only needs MPI) with the MPI trait.
        .systemLibrary(name: "CMPI", pkgConfig: "mpi",
                       providers: [.apt(["libopenmpi-dev", "openmpi-bin"]), .brew(["open-mpi"])]),
        .target(name: "TransformerCore",
                dependencies: ["CKernels", .target(name: "CMPI", condition: .when(traits: ["MPI"]))]),
        .executableTarget(name: "transformer-cli", dependencies: ["TransformerCore"]),
        .testTarget(name: "TransformerCoreTests", dependencies: ["TransformerCore", "transformer-cli"]),
    ]
)
