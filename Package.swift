// swift-tools-version: 6.0
// DigitLab — an educational REPL and visualizer for handwritten digit recognition.
// Copyright (C) 2026 the DigitLab authors. GPL-3.0-or-later (links GNU readline).
import PackageDescription

/// The numeric targets stay optimised in debug builds too: hand-written loops are
/// about 1000x slower unoptimised, which would make the test suite crawl.
let optimisedAlways: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "DigitLab",
    products: [
        .executable(name: "digitlab", targets: ["digitlab"]),
        // The libraries, for the fuzzing package in Fuzz/ (and anyone embedding DigitLab).
        .library(name: "DigitLabKit", targets: ["DigitLabCore", "DigitLabIO", "DigitLabVision", "DigitLabViz", "DigitLabShell"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C shims: one folder per system library.
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG", pkgConfig: "libturbojpeg",
                       providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo",
                       providers: [.apt(["libcairo2-dev", "libfontconfig-dev"])]),
        .systemLibrary(name: "CSixel", path: "Sources/CSixel", pkgConfig: "libsixel",
                       providers: [.apt(["libsixel-dev"])]),

        // DigitLab's own kernels (matrix products, convolutions, spin-wait), optimised in
        // debug builds too; the AVX2 code is chosen at run time, so no -march flag.
        .target(name: "CKernels", path: "Sources/CKernels",
                cSettings: [.unsafeFlags(["-O3"], .when(configuration: .debug)),
                            .unsafeFlags(["-O3"], .when(configuration: .release))]),

        // The layers of DESIGN.md; an arrow there is a dependency here.
        .target(name: "DigitLabCore", dependencies: ["CKernels"], exclude: ["README.md"],
                swiftSettings: optimisedAlways),
        .target(name: "DigitLabIO", dependencies: ["DigitLabCore", "CZlib", "CPNG", "CTurboJPEG", "CCrypto"], exclude: ["README.md"],
                swiftSettings: optimisedAlways),
        .target(name: "DigitLabVision", dependencies: ["DigitLabCore", "DigitLabIO"], exclude: ["README.md"],
                swiftSettings: optimisedAlways),
        .target(name: "DigitLabViz", dependencies: ["DigitLabCore", "DigitLabIO", "DigitLabVision", "CCairo", "CSixel"], exclude: ["README.md"],
                swiftSettings: optimisedAlways),
        .target(name: "DigitLabShell",
                dependencies: ["DigitLabCore", "DigitLabIO", "DigitLabVision", "DigitLabViz", "CReadline"], exclude: ["README.md"]),
        .executableTarget(name: "digitlab", dependencies: [
            "DigitLabShell",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "DigitLabCoreTests", dependencies: ["DigitLabCore"], exclude: ["Fixtures"]),
        .testTarget(name: "DigitLabIOTests", dependencies: ["DigitLabIO", "CZlib"], exclude: ["Fixtures", "FuzzRegressions"]),
        .testTarget(name: "DigitLabVisionTests", dependencies: ["DigitLabVision"], exclude: ["Pictures"]),
        .testTarget(name: "DigitLabVizTests", dependencies: ["DigitLabViz", "CSixel"]),
        .testTarget(name: "DigitLabShellTests", dependencies: ["DigitLabShell", "DigitLabVision"]),
    ]
)
