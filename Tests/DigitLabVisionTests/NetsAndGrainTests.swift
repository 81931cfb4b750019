import Testing
import DigitLabCore
import DigitLabIO
@testable import DigitLabVision

/// A net (a grid, a wire mesh, a wall of bricks that hangs together as one piece) is no
/// digit and is refused by its holes; dusty chalk or a grainy photo pits a digit's strokes
/// with holes too, but smaller than a net's.
@Suite struct NetsAndGrainTests {
    /// Dusty chalk on a green board (dev2 chalk-0016 and chalk-0098, as JPEG): the
    /// strokes' dust left 48 and 49 holes in the ink, and a clear 4 and 0 were "a net,
    /// not writing". The 0 is read; the 4 is read as a digit (a 9 at 62%, the 4 next),
    /// not refused.
    @Test func dustyChalkIsNoNet() throws {
        for (name, digit) in [("0-dusty-chalk", 0), ("4-dusty-chalk", nil as Int?)] {
            let picture = try ImageFile.read(packageRoot + "/Tests/DigitLabVisionTests/Pictures/\(name).jpg")
            let result: DigitPipeline.Result
            do { result = try DigitPipeline.run(picture, classifier: Fixtures.classifier()) } catch {
                Issue.record("\(name): \(error.message())"); continue
            }
            #expect(result.lightInkOnDark, "\(name): chalk is light ink")
            if let digit { #expect(Fixtures.answer(result) == digit, "\(name): read \(Fixtures.answer(result))") }
        }
    }

    /// Nets whose holes are many, or as wide as their wires, are still refused, by
    /// `predict` and `read` alike.
    @Test func meshesAndGridsAreNets() throws {
        func mesh(cell: Int, wire: Int) -> RasterImage {
            var px = [UInt8](repeating: 230, count: 480 * 480)
            for y in 0..<480 { for x in 0..<480 where (x + y) % cell < wire || (x - y + 480) % cell < wire { px[y * 480 + x] = 50 } }
            return RasterImage(width: 480, height: 480, channels: 1, pixels: px)
        }
        for (cell, wire) in [(12, 3), (20, 3), (30, 4)] {
            let picture = mesh(cell: cell, wire: wire)
            Fixtures.dump(picture, "mesh-\(cell)-\(wire)")
            var single: DigitPipeline.Failure? = nil
            do { _ = try DigitPipeline.run(picture, classifier: Fixtures.classifier()) } catch { single = error }
            guard case .net(let holes) = single else {
                Issue.record("mesh \(cell)/\(wire): predict gave \(single.map { "\($0)" } ?? "a digit"), not a net"); continue
            }
            #expect(holes > 40)
            var number: DigitPipeline.Failure? = nil
            do { _ = try NumberReader.read(picture, classifier: Fixtures.classifier()) } catch { number = error }
            guard case .net = number else {
                Issue.record("mesh \(cell)/\(wire): read gave \(number.map { "\($0)" } ?? "digits"), not a net"); continue
            }
        }
    }
}
