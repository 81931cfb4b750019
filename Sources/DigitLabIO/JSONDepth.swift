/// How deeply a JSON text nests, found by a flat scan (no recursion, strings skipped),
/// so that a parser is never handed `[[[[…]]]]` 100,000 levels deep: safetensors headers
/// and the JSON inside their metadata come from files anyone can write.
enum JSONDepth {
    /// The offset of the bracket that first goes deeper than `limit`, or nil.
    static func exceeding(_ limit: Int, in text: some Collection<UInt8>) -> Int? {
        var depth = 0, inString = false, escaped = false
        for (offset, byte) in text.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return offset }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return nil
    }

    /// How many members the outermost object or array has (commas at depth 1, plus one),
    /// so a header listing 200,000 tensors is refused before a parser builds them.
    static func topLevelMembers(in text: some Collection<UInt8>) -> Int {
        var depth = 0, inString = false, escaped = false, commas = 0, empty = true
        for byte in text {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true; if depth == 1 { empty = false }
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1; if depth == 2 { empty = false }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: ","): if depth == 1 { commas += 1 }
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): break
            default: if depth == 1 { empty = false }
            }
        }
        return empty ? 0 : commas + 1
    }
}
