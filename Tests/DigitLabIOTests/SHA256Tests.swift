import Testing
@testable import DigitLabIO

@Suite struct SHA256Tests {
    @Test func standardVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func matchesTheBundledChecksums() throws {
        // data/mnist/SHA256SUMS lists the .gz files' digests.
        let sums = try String(contentsOfFile: packageRoot + "/data/mnist/SHA256SUMS", encoding: .utf8)
        let line = sums.split(separator: "\n").first { $0.hasSuffix("t10k-labels-idx1-ubyte.gz") }!
        let bytes = [UInt8](FileManager.default.contents(atPath: packageRoot + "/data/mnist/t10k-labels-idx1-ubyte.gz")!)
        #expect(SHA256.hex(bytes) == String(line.prefix(64)))
    }
}

import Foundation
