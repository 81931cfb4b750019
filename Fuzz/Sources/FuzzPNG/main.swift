import FuzzDriver
import DigitLabIO
import DigitLabVision

/// Picture decoding (PNG and JPEG, with EXIF orientation) through the one door, and the
/// digit pipeline, on any bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let picture = try? ImageFile.decode(bytes, name: "fuzz"), picture.pixelCount <= 1 << 20 {
        _ = try? DigitPipeline.run(picture)
    }
    _ = JPEG.header(bytes)
    _ = try? PNG.decodeRGB(bytes, name: "fuzz")
    return 0
}


@_cdecl("FuzzPNG_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
