// swift-tools-version: 6.0
// libFuzzer targets for DigitLab's readers and parsers. Built and run by `make fuzz`
// (swift build -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library).
import PackageDescription

let targets = ["FuzzIDX", "FuzzPNG", "FuzzSafetensors", "FuzzModel", "FuzzLesson", "FuzzCommand", "FuzzCheckpoint"]

let package = Package(
    name: "DigitLabFuzz",
    products: targets.map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(name: "DigitLab", path: "..")],
    targets: [.target(name: "FuzzDriver")] + targets.map {
        .executableTarget(name: $0, dependencies: ["FuzzDriver", .product(name: "DigitLabKit", package: "DigitLab")])
    }
)
