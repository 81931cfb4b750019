import CCrypto

/// SHA-256, for manifests of what a run wrote: OpenSSL's libcrypto (EVP), a well-kept
/// implementation, rather than our own.
public enum SHA256 {
    /// The digest as 64 lowercase hex digits.
    public static func hex(_ data: [UInt8]) -> String {
        digest(data).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    public static func digest(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { input in
            out.withUnsafeMutableBufferPointer { EVP_Digest(input.baseAddress, input.count, $0.baseAddress, &length, EVP_sha256(), nil) }
        }
        // EVP_Digest fails only without memory or without the algorithm, which libcrypto always has.
        precondition(ok == 1 && length == 32, "libcrypto SHA-256 failed")
        return Array(out.prefix(32))
    }

    /// "OpenSSL 3.0.19 …", for `digitlab version`.
    public static var libraryVersion: String { String(cString: OpenSSL_version(OPENSSL_VERSION)) }
}
