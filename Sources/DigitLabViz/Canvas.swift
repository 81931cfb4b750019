import CCairo
import DigitLabIO

/// A picture being drawn: a cairo image surface with the few operations figures need.
/// Text is anti-aliased DejaVu Sans found through fontconfig; pixel grids are drawn
/// without anti-aliasing so cells stay crisp. `png()` gives the file's bytes — the same
/// drawing always gives the same bytes.
public final class Canvas {
    public let width: Int
    public let height: Int
    private let surface: OpaquePointer
    private let cr: OpaquePointer

    public enum Align { case left, center, right }

    public init(width: Int, height: Int, background: RGB = .white) {
        self.width = width
        self.height = height
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))
        cr = cairo_create(surface)
        rect(0, 0, Double(width), Double(height), background)
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    private func use(_ c: RGB) {
        let (r, g, b) = c.unit
        cairo_set_source_rgb(cr, r, g, b)
    }

    public func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ color: RGB) {
        use(color)
        cairo_rectangle(cr, x, y, w, h)
        cairo_fill(cr)
    }

    public func frame(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ color: RGB, width: Double = 1) {
        use(color)
        cairo_set_line_width(cr, width)
        cairo_rectangle(cr, x + 0.5, y + 0.5, w - 1, h - 1)
        cairo_stroke(cr)
    }

    public func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ color: RGB, width: Double = 1) {
        use(color)
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x0, y0)
        cairo_line_to(cr, x1, y1)
        cairo_stroke(cr)
    }

    /// A polyline through the points (for curves).
    public func path(_ points: [(Double, Double)], _ color: RGB, width: Double = 1.5) {
        guard let first = points.first else { return }
        use(color)
        cairo_set_line_width(cr, width)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_move_to(cr, first.0, first.1)
        for p in points.dropFirst() { cairo_line_to(cr, p.0, p.1) }
        cairo_stroke(cr)
    }

    /// A dashed polyline (validation curves next to solid training ones).
    public func dashedPath(_ points: [(Double, Double)], _ color: RGB, width: Double = 1.5, dash: Double = 5) {
        var pattern = [dash, dash * 0.7]
        cairo_set_dash(cr, &pattern, 2, 0)
        path(points, color, width: width)
        cairo_set_dash(cr, nil, 0, 0)
    }

    /// A circle's outline.
    public func ring(_ x: Double, _ y: Double, radius: Double, _ color: RGB, width: Double = 1.2) {
        use(color)
        cairo_set_line_width(cr, width)
        cairo_new_sub_path(cr)
        cairo_arc(cr, x, y, radius, 0, 2 * Double.pi)
        cairo_stroke(cr)
    }

    /// Straight segments, each from one point to another, in one colour (contours).
    public func segments(_ list: [(Double, Double, Double, Double)], _ color: RGB, width: Double = 1) {
        guard !list.isEmpty else { return }
        use(color)
        cairo_set_line_width(cr, width)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        for s in list {
            cairo_move_to(cr, s.0, s.1)
            cairo_line_to(cr, s.2, s.3)
        }
        cairo_stroke(cr)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
    }

    public func dot(_ x: Double, _ y: Double, radius: Double, _ color: RGB) {
        use(color)
        cairo_arc(cr, x, y, radius, 0, 2 * Double.pi)
        cairo_fill(cr)
    }

    /// Text with its baseline at `y`. `vertical` turns it 90° anticlockwise (y-axis labels).
    public func text(_ s: String, _ x: Double, _ y: Double, size: Double = 12, bold: Bool = false,
                     align: Align = .left, color: RGB = .text, vertical: Bool = false) {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        let w = textWidth(s, size: size, bold: bold)
        let shift: Double = align == .left ? 0 : (align == .center ? w / 2 : w)
        use(color)
        cairo_save(cr)
        cairo_translate(cr, x, y)
        if vertical { cairo_rotate(cr, -Double.pi / 2) }
        cairo_move_to(cr, -shift, 0)
        cairo_show_text(cr, s)
        cairo_restore(cr)
    }

    public func textWidth(_ s: String, size: Double, bold: Bool = false) -> Double {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, s, &e)
        return e.x_advance
    }

    /// A rows x columns grid of cells, each `cell` pixels, coloured by `color(value)`.
    public func grid(_ values: some Collection<Float>, rows: Int, columns: Int, x: Double, y: Double,
                     cell: Double, color: (Float) -> RGB) {
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE)
        for (i, v) in values.enumerated() where i < rows * columns {
            rect(x + Double(i % columns) * cell, y + Double(i / columns) * cell, cell, cell, color(v))
        }
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT)
    }

    /// A digit's bytes (255 = ink) as grey ink on white paper.
    public func digit(_ pixels: some Collection<UInt8>, rows: Int = 28, columns: Int = 28,
                      x: Double, y: Double, cell: Double) {
        grid(pixels.map { Float($0) / 255 }, rows: rows, columns: columns, x: x, y: y, cell: cell) {
            ColorMap.ink.color($0)
        }
    }

    /// The picture as PNG bytes (RGB, no time stamp).
    public func png() throws(IOError) -> [UInt8] {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { throw IOError("figure", "cairo drew nothing") }
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let row = data + y * stride
            for x in 0..<width {
                // RGB24 is one native-endian UInt32 per pixel: 0x00RRGGBB.
                let p = UnsafeRawPointer(row + 4 * x).loadUnaligned(as: UInt32.self)
                rgb[3 * (y * width + x)] = UInt8(p >> 16 & 255)
                rgb[3 * (y * width + x) + 1] = UInt8(p >> 8 & 255)
                rgb[3 * (y * width + x) + 2] = UInt8(p & 255)
            }
        }
        return try PNG.encode(width: width, height: height, pixels: rgb, channels: 3)
    }
}
