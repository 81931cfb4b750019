/// What a command gives back: a list of blocks, not text. Front ends render them — the
/// terminal (colour, half-block digits, inline pictures), plain piped output, the
/// notebook writers (HTML, Markdown, Jupyter) and tests — so no code ever parses a
/// command's printed text to learn what it did, and a picture travels as its bytes.
///
///     Output([.text("loaded mnist: 60,000 training …"), .picture(confusion)])
public struct Output: Sendable, Equatable, Codable {
    public var blocks: [Block]

    public init(_ blocks: [Block] = []) { self.blocks = blocks }

    public static func text(_ lines: String...) -> Output { Output([.text(lines.joined(separator: "\n"))]) }

    public var isEmpty: Bool { blocks.isEmpty }

    public mutating func append(_ block: Block) { blocks.append(block) }
    public mutating func append(contentsOf other: Output) { blocks += other.blocks }
    public mutating func text(_ line: String) { blocks.append(.text(line)) }

    /// The pictures among the blocks, in order.
    public var pictures: [Picture] {
        blocks.compactMap { if case .picture(let p) = $0 { return p } else { return nil } }
    }
}

/// One piece of a command's output.
public enum Block: Sendable, Equatable, Codable {
    /// Lines of text. May hold words that came from files or from what was typed: every
    /// front end escapes control characters when it renders (see `Sanitize`).
    case text(String)
    /// Rows under column titles; rendered with computed widths, so long names never
    /// push a column out of line.
    case table(Table)
    /// MNIST-sized digits with a caption under each (half blocks on a terminal).
    case digits([Digit])
    /// Labelled probabilities drawn as bars.
    case bars([Bar])
    /// A picture as PNG bytes, with the file it was written to.
    case picture(Picture)
    /// One line that teaches (a learning rate that is too high, a layer that does nothing).
    case warning(String)
    /// A line that was already shown while the command ran (an epoch's results) when a
    /// front end watches live; notebooks and plain output keep it like text.
    case live(String)
    /// A paragraph of a lesson: a text cell of its own in notebooks.
    case prose(String)
    /// A lesson's check and whether it held.
    case check(passed: Bool, text: String)
    /// A prompt for the learner (the next lesson command, what Enter does). Shown on
    /// the terminal; left out of notebooks, which record what happened, not what to do.
    case hint(String)
}

public struct Table: Sendable, Equatable, Codable {
    public enum Alignment: String, Sendable, Codable { case left, right }
    public struct Column: Sendable, Equatable, Codable {
        public var title: String
        public var alignment: Alignment
        public init(_ title: String, _ alignment: Alignment = .left) { self.title = title; self.alignment = alignment }
    }
    public var columns: [Column]
    public var rows: [[String]]
    /// A line after the rows (totals), aligned like them.
    public var footer: [String]?
    /// Spaces before every line.
    public var indent: Int

    public init(_ columns: [Column], rows: [[String]] = [], footer: [String]? = nil, indent: Int = 2) {
        self.columns = columns; self.rows = rows; self.footer = footer; self.indent = indent
    }
}

/// A small greyscale image (255 = ink) with its caption: a dataset digit, a pipeline
/// result, a drawing.
public struct Digit: Sendable, Equatable, Codable {
    public var pixels: [UInt8]
    public var rows: Int
    public var columns: Int
    public var caption: String
    public init(pixels: [UInt8], rows: Int = 28, columns: Int = 28, caption: String = "") {
        self.pixels = pixels; self.rows = rows; self.columns = columns; self.caption = caption
    }
}

public struct Bar: Sendable, Equatable, Codable {
    public var label: String
    public var value: Double
    public init(_ label: String, _ value: Double) { self.label = label; self.value = value }
}

/// A picture a command made: the PNG bytes as they were at that moment, and where they
/// were written. A notebook embeds these bytes, never the file as it is later.
public struct Picture: Sendable, Equatable, Codable {
    public var png: [UInt8]
    public var width: Int
    public var height: Int
    /// The file the bytes were written to (nil when not written).
    public var path: String?
    /// What it is, e.g. "the pipeline, stage by stage".
    public var caption: String

    public init(png: [UInt8], width: Int, height: Int, path: String?, caption: String = "") {
        self.png = png; self.width = width; self.height = height; self.path = path; self.caption = caption
    }
}

// Bytes travel as base64 in the notebook journal (a JSON array of numbers would be 4x
// larger): the coding keys are the synthesized ones, only the byte arrays are special.
extension KeyedDecodingContainer {
    func decodeBase64(forKey key: Key) throws -> [UInt8] { [UInt8](Data(base64Encoded: try decode(String.self, forKey: key)) ?? Data()) }
}
extension KeyedEncodingContainer {
    mutating func encodeBase64(_ bytes: [UInt8], forKey key: Key) throws { try encode(Data(bytes).base64EncodedString(), forKey: key) }
}

extension Picture {
    enum CodingKeys: String, CodingKey { case png, width, height, path, caption }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(png: try c.decodeBase64(forKey: .png), width: try c.decode(Int.self, forKey: .width), height: try c.decode(Int.self, forKey: .height),
                  path: try c.decodeIfPresent(String.self, forKey: .path), caption: try c.decode(String.self, forKey: .caption))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeBase64(png, forKey: .png)
        try c.encode(width, forKey: .width); try c.encode(height, forKey: .height)
        try c.encodeIfPresent(path, forKey: .path); try c.encode(caption, forKey: .caption)
    }
}

extension Digit {
    enum CodingKeys: String, CodingKey { case pixels, rows, columns, caption }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(pixels: try c.decodeBase64(forKey: .pixels), rows: try c.decode(Int.self, forKey: .rows),
                  columns: try c.decode(Int.self, forKey: .columns), caption: try c.decode(String.self, forKey: .caption))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeBase64(pixels, forKey: .pixels)
        try c.encode(rows, forKey: .rows); try c.encode(columns, forKey: .columns); try c.encode(caption, forKey: .caption)
    }
}

import Foundation
