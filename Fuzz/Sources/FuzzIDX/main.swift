import FuzzDriver
import DigitLabIO
import Foundation

/// IDX images and labels (raw or gzipped): any bytes must give a result or an IOError.
let path = "/dev/shm/digitlab-fuzz-idx-\(getpid())"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
    _ = try? IDX.readImages(path)
    _ = try? IDX.readImages(path, requiredSize: nil)
    _ = try? IDX.readLabels(path)
    return 0
}


@_cdecl("FuzzIDX_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
