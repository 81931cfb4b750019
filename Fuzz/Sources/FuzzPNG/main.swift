import FuzzDriver
import DigitLabIO

/// PNG decoding and the digit pipeline on any bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let grey = try? PNG.decodeGrey(bytes, name: "fuzz"), grey.width * grey.height <= 1 << 20 {
        _ = try? DigitPipeline.run(grey)
    }
    _ = try? PNG.decodeRGB(bytes, name: "fuzz")
    return 0
}


@_cdecl("FuzzPNG_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
