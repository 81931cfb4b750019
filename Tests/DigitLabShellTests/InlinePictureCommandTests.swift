import DigitLabIO
import Foundation
import Testing
@testable import DigitLabShell

/// Pictures named by a protocol reach the output as that protocol's sequence, even into
/// a pipe; `auto` into a pipe never writes an escape code.
@Suite struct InlinePictureCommandTests {
    func transcript(_ pictures: String, _ folder: String) -> [String] {
        var out = [String]()
        let s = session()
        s.state.outputs.folder = folder
        let status = ScriptRunner.run(lines: ["set pictures \(pictures)", "load mnist --train 200 --test 50", "net preset mlp", "render confusion"],
                                      source: "s", session: s, write: { out.append($0) })
        #expect(status == 0)
        return out
    }

    @Test func kittyPayloadIsThePNGOnDisk() throws {
        let folder = temporaryFolder("kitty")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = transcript("kitty", folder)
        let sequence = try #require(out.first { $0.hasPrefix("\u{1B}_G") })
        // Chunks: ESC _ G keys ; base64 ESC \ — the payloads joined are the file's bytes.
        let payload = sequence.components(separatedBy: "\u{1B}\\").compactMap { chunk -> String? in
            guard let semicolon = chunk.firstIndex(of: ";") else { return nil }
            return String(chunk[chunk.index(after: semicolon)...])
        }.joined()
        let disk = try Data(contentsOf: URL(fileURLWithPath: folder + "/confusion-test.png"))
        #expect(Data(base64Encoded: payload) == disk)
        #expect(out.contains("wrote \(folder)/confusion-test.png (718x592, confusion matrix)"))
    }

    @Test func sixelWhenAskedAndNothingInAPipeOtherwise() throws {
        let folder = temporaryFolder("sixel")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sixel = transcript("sixel", folder).first { $0.hasPrefix("\u{1B}P") }
        #expect(sixel?.hasSuffix("\u{1B}\\") == true, "a sixel sequence: DCS … ST")
        #expect(sixel?.contains("q\"1;1;") == true, "with raster attributes")
        #expect(!transcript("auto", folder).joined().contains("\u{1B}"), "auto into a pipe: no escape code")
    }
}
