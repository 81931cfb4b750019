import DigitLabViz
import Foundation

extension CommandLineTools {
    /// `digitlab picture-demo FILE.png [--as KIND]` (hidden): the path, then the picture
    /// inline as `render` will show it; the decision and its reason go to stderr.
    public static func showPicture(file: String, as kind: String?) -> Int32 {
        guard let bytes = FileManager.default.contents(atPath: file) else {
            printError("\(file): cannot open the file (missing or unreadable)")
            return 1
        }
        var choice: PictureProtocol?
        if let kind {
            guard let named = PictureProtocol(rawValue: kind) else {
                printError("--as \(kind): not one of \(PictureProtocol.allCases.map(\.rawValue).joined(separator: ", "))")
                return 1
            }
            choice = named
        }
        let pictures = PictureDisplay(choice: choice)
        if let warning = pictures.warning { printError(warning) }
        printError("pictures: \(pictures.decision.reason)")
        print(file)
        do {
            if let sequence = try pictures.sequence(png: [UInt8](bytes), name: file) { print(sequence, terminator: "") }
        } catch {
            printError(error.description)
            return 1
        }
        return 0
    }
}
