/// The one piece of glue every fuzz target needs: SwiftPM links an executable through
/// `<Target>_main`, and that hands control to libFuzzer's driver with the target's
/// `LLVMFuzzerTestOneInput`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

public func runFuzzer(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, callback)
}

/// Reads a structure-aware fuzzer's choices from libFuzzer's bytes, front to back; zeros
/// once they run out. Each target adds its own `integer()` from the values that break it.
public struct Choices {
    public var bytes: ArraySlice<UInt8>
    public init(_ pointer: UnsafePointer<UInt8>, _ size: Int) { bytes = ArraySlice(UnsafeBufferPointer(start: pointer, count: size)) }
    public mutating func byte() -> UInt8 { bytes.popFirst() ?? 0 }
    public mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(byte()) % n }
    public mutating func pick<T>(_ options: [T]) -> T { options[below(options.count)] }
}
