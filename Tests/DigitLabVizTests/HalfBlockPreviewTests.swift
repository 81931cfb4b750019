import Testing
@testable import DigitLabViz

@Suite struct HalfBlockPreviewTests {
    // A 4x4 image: top-left pixel ink, bottom row ink.
    let pixels: [UInt8] = [255, 0, 0, 0,
                           0, 0, 0, 0,
                           0, 0, 0, 0,
                           255, 255, 255, 255]

    @Test func plainShadesWithoutEscapes() {
        let lines = HalfBlockPreview(useColor: false).lines(pixels[...], rows: 4, columns: 4)
        #expect(lines == ["▒   ", "▒▒▒▒"])
        #expect(!lines.joined().contains("\u{1B}"))
    }

    @Test func colourCellsCarryTopAndBottomGreys() {
        let lines = HalfBlockPreview(useColor: true).lines(pixels[...], rows: 4, columns: 4)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("\u{1B}[38;5;255m\u{1B}[48;5;232m▀"))
        #expect(lines[1].hasPrefix("\u{1B}[38;5;232m\u{1B}[48;5;255m▀"))
        #expect(lines[1].hasSuffix("\u{1B}[0m"))
    }

    @Test func galleryPutsCaptionsUnderImages() {
        let g = HalfBlockPreview(useColor: false).gallery([(pixels[...], "7"), (pixels[...], "1")], rows: 4, columns: 4)
        #expect(g == "▒     ▒   \n▒▒▒▒  ▒▒▒▒\n7     1   ")
    }

    @Test func barsUseEighths() {
        #expect(probabilityBar(1, width: 4) == "████")
        #expect(probabilityBar(0.5, width: 3) == "█▌")
        #expect(probabilityBar(0, width: 4) == "")
    }
}
