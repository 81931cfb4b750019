import FuzzDriver
import DigitLabIO

/// safetensors headers and model files on any bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? Safetensors.decode(bytes, name: "fuzz")
    _ = try? ModelFile.decode(bytes, name: "fuzz")
    return 0
}


@_cdecl("FuzzSafetensors_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
