import Testing
import DigitLabCore
@testable import DigitLabIO

@Suite struct SplitTests {
    func dataset(_ perClass: [Int]) -> Dataset {
        let labels = perClass.enumerated().flatMap { c, n in [UInt8](repeating: UInt8(c), count: n) }
        // Pixel value = index, so we can tell images apart after the split.
        let pixels = labels.indices.flatMap { i in [UInt8](repeating: UInt8(i % 256), count: 4) }
        let set = LabeledImages(pixels: pixels, labels: labels, rows: 2, columns: 2)
        return Dataset(name: "t", source: "-", train: set, test: set)
    }

    @Test func stratifiedSeededAndDisjoint() throws {
        let d = dataset([100, 200, 100, 100, 100, 100, 100, 100, 100, 100])
        let s = try d.splittingValidation(count: 110, seed: 3)
        #expect(s.validation!.count == 110 && s.train.count == 990)
        #expect(s.validation!.classCounts == [10, 20, 10, 10, 10, 10, 10, 10, 10, 10])
        #expect(try d.splittingValidation(count: 110, seed: 3).validation == s.validation)
        #expect(try d.splittingValidation(count: 110, seed: 4).validation != s.validation)
        // Splitting again returns the old validation images to training first.
        let again = try s.splittingValidation(count: 55, seed: 3)
        #expect(again.train.count + again.validation!.count == 1100)
    }

    @Test func largestRemainderKeepsTheExactCount() throws {
        let s = try dataset([3, 3, 3, 3, 3, 3, 3, 3, 3, 4]).splittingValidation(count: 7, seed: 1)
        #expect(s.validation!.count == 7)
        #expect(s.validation!.classCounts.allSatisfy { $0 <= 1 })
    }

    @Test func refusesImpossibleSizes() {
        let d = dataset([1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
        #expect(throws: IOError("split validation", "needs between 1 and 9 images, got 10")) { try d.splittingValidation(count: 10, seed: 0) }
        // A folder of test pictures has no training images: "between 1 and -1" before.
        let none = Dataset(name: "t", source: "-", train: LabeledImages(pixels: [], labels: [], rows: 2, columns: 2), test: d.test)
        #expect(throws: IOError("split validation", "there are no training images to hold out — `load mnist` loads 60,000")) {
            try none.splittingValidation(count: 1, seed: 0)
        }
    }

    @Test func subsetsFirstOrSeededRandom() {
        let set = dataset([5, 5, 5, 5, 5, 5, 5, 5, 5, 5]).train
        #expect(SubsetRule.first(3).apply(to: set).labels == [0, 0, 0])
        let r = SubsetRule.random(10, seed: 9).apply(to: set)
        #expect(r.count == 10 && r == SubsetRule.random(10, seed: 9).apply(to: set))
        #expect(Set(r.labels).count > 2)
    }
}
