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
        .target(name: "TransformerCore"),
        .executableTarget(name: "transformer-cli", dependencies: ["TransformerCore"]),
        .testTarget(name: "TransformerCoreTests", dependencies: ["TransformerCore", "transformer-cli"]),
    ]
)
