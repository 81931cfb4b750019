import Foundation
import Testing
@testable import DigitLabIO

/// Every input a fuzzer crashed on (Tests/DigitLabIOTests/FuzzRegressions) must now give
/// a one-line error through the readers the fuzz targets call.
@Suite struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions").path
    static let inputs = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()

    @Test(arguments: inputs)
    func crashingInputIsNowAnError(name: String) throws {
        let path = Self.folder + "/" + name
        let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        for read in [{ _ = try IDX.readImages(path) }, { _ = try IDX.readImages(path, requiredSize: nil) },
                     { _ = try IDX.readLabels(path) }, { _ = try PNG.decodeGrey(bytes, name: path) },
                     { _ = try Safetensors.decode(bytes, name: path) }, { _ = try ModelFile.decode(bytes, name: path) }] as [() throws -> Void] {
            do { try read() } catch let e as IOError {
                #expect(!e.description.contains("\n") && e.description.hasPrefix(path), "\(e)")
            }
        }
    }
}
