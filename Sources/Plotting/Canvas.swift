import CGD
import Foundation

/// An RGB colour with opacity.
public struct Color: Equatable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8
    public var alpha: Double

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, alpha: Double = 1) {
        self.r = r
        self.g = g
        self.b = b
        self.alpha = alpha
    }

    /// `#1f77b4` or a matplotlib name (`C0`…`C9`, `black`, `red`, …).
    public init?(_ text: String) {
        if let named = Color.named[text] {
            self = named
            return
        }
        var hex = Substring(text)
        if hex.hasPrefix("#") { hex = hex.dropFirst() }
        guard hex.count == 6, let v = UInt32(hex, radix: 16) else { return nil }
        self.init(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
    }

    public init(hex v: UInt32) {
        self.init(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
    }

    public func withAlpha(_ a: Double) -> Color { Color(r, g, b, alpha: a) }

    /// matplotlib's default colour cycle (tab10).
    public static let cycle: [Color] = [
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
        0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
    ].map { Color(hex: $0) }
    public static let black = Color(0, 0, 0), white = Color(255, 255, 255)
    static let named: [String: Color] = {
        var d: [String: Color] = [
            "black": Color(0, 0, 0), "k": Color(0, 0, 0), "white": Color(255, 255, 255), "w": Color(255, 255, 255),
            "red": Color(214, 39, 40), "r": Color(214, 39, 40), "green": Color(44, 160, 44), "g": Color(44, 160, 44),
            "blue": Color(31, 119, 180), "b": Color(31, 119, 180), "orange": Color(255, 127, 14),
            "gray": Color(127, 127, 127), "grey": Color(127, 127, 127), "purple": Color(148, 103, 189),
        ]
        for (i, c) in cycle.enumerated() { d["C\(i)"] = c }
        return d
    }()
}

/// A raster with its own antialiased drawing (coverage per pixel, so strokes of any width and
/// filled discs come out smooth, unlike libgd's), TrueType text through libgd, and PNG output.
public final class Canvas {
    /// The size in pixels of the image file: the logical size times `scale`.
    public let width: Int, height: Int
    /// Device pixels per logical pixel: drawing calls take logical coordinates, sizes and point
    /// sizes, so a figure drawn at scale 2 looks the same as at 1, twice as sharp (a "retina" PNG).
    public let scale: Double
    /// RGB, row-major, 8 bits per channel.
    var pixels: [UInt8]
    /// Text to draw with libgd when the image is encoded (after all shapes).
    var texts: [(String, Double, Double, Double, Color, Double)] = []

    public static let fontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

    public init(width: Int, height: Int, scale: Int = 1, background: Color = .white) {
        self.width = width * scale
        self.height = height * scale
        self.scale = Double(scale)
        let n = self.width * self.height
        if background.r == background.g && background.g == background.b {
            pixels = [UInt8](repeating: background.r, count: n * 3)  // grey or white: one fill
        } else {
            pixels = [UInt8](unsafeUninitializedCapacity: n * 3) { buffer, count in
                for i in 0..<n {
                    buffer[3 * i] = background.r
                    buffer[3 * i + 1] = background.g
                    buffer[3 * i + 2] = background.b
                }
                count = n * 3
            }
        }
    }

    @inline(__always) func blend(_ x: Int, _ y: Int, _ c: Color, _ coverage: Double) {
        guard x >= 0, y >= 0, x < width, y < height, coverage > 0 else { return }
        let a = min(1, coverage) * c.alpha
        let i = 3 * (y * width + x)
        pixels[i] = UInt8((Double(pixels[i]) * (1 - a) + Double(c.r) * a).rounded())
        pixels[i + 1] = UInt8((Double(pixels[i + 1]) * (1 - a) + Double(c.g) * a).rounded())
        pixels[i + 2] = UInt8((Double(pixels[i + 2]) * (1 - a) + Double(c.b) * a).rounded())
    }

    /// The colour at a pixel (for tests).
    public func pixel(_ x: Int, _ y: Int) -> Color {
        let i = 3 * (y * width + x)
        return Color(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// A logical coordinate moved to the nearest device-pixel edge (shapes that meet there
    /// cover each pixel once: no seams).
    public func snap(_ v: Double) -> Double { (v * scale).rounded() / scale }

    /// Fills a rectangle given in logical coordinates, with partial coverage at fractional edges.
    public func fillRect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: Color) {
        let (x0, y0, x1, y1) = (x0 * scale, y0 * scale, x1 * scale, y1 * scale)
        let (l, r) = (min(x0, x1), max(x0, x1)), (t, b) = (min(y0, y1), max(y0, y1))
        for y in max(0, clampedPixel(t.rounded(.down)))..<min(height, clampedPixel(b.rounded(.up))) {
            let cy = min(b, Double(y + 1)) - max(t, Double(y))
            for x in max(0, clampedPixel(l.rounded(.down)))..<min(width, clampedPixel(r.rounded(.up))) {
                let cx = min(r, Double(x + 1)) - max(l, Double(x))
                blend(x, y, c, cx * cy)
            }
        }
    }

    /// Strokes a polyline of `lineWidth` pixels with round joins and caps. Coverage is the
    /// maximum over the segments, so joins are not drawn twice.
    public func strokePolyline(
        _ points: [(Double, Double)], width lineWidth: Double, color: Color,
        clip: (Double, Double, Double, Double)? = nil
    ) {
        stroke([points], width: lineWidth, color: color, clip: clip)
    }

    /// Strokes polylines as one shape: each pixel takes its largest coverage.
    func stroke(
        _ polylines: [[(Double, Double)]], width lineWidth: Double, color: Color,
        clip: (Double, Double, Double, Double)?
    ) {
        var segments: [((Double, Double), (Double, Double))] = []
        for points in polylines where !points.isEmpty {
            let p = points.map { ($0.0 * scale, $0.1 * scale) }
            if p.count == 1 { segments.append((p[0], p[0])) }
            for k in 0..<max(0, p.count - 1) { segments.append((p[k], p[k + 1])) }
        }
        guard !segments.isEmpty else { return }
        let lineWidth = lineWidth * scale
        let clip = clip.map { ($0.0 * scale, $0.1 * scale, $0.2 * scale, $0.3 * scale) }
        let half = lineWidth / 2
        var coverage: [Int: Double] = [:]
        coverage.reserveCapacity(segments.count * clampedPixel(min(lineWidth, 100) + 2) * 4)
        let (cl, ct, cr, cb) = clip ?? (0, 0, Double(width), Double(height))
        for ((ax, ay), (bx, by)) in segments {
            guard ax.isFinite, ay.isFinite, bx.isFinite, by.isFinite else { continue }
            let minX = max(clampedPixel((min(ax, bx) - half - 1).rounded(.down)), clampedPixel(cl.rounded(.down)), 0)
            let maxX = min(
                clampedPixel((max(ax, bx) + half + 1).rounded(.up)), clampedPixel(cr.rounded(.up)), width - 1)
            let minY = max(clampedPixel((min(ay, by) - half - 1).rounded(.down)), clampedPixel(ct.rounded(.down)), 0)
            let maxY = min(
                clampedPixel((max(ay, by) + half + 1).rounded(.up)), clampedPixel(cb.rounded(.up)), height - 1)
            guard minX <= maxX, minY <= maxY else { continue }
            let dx = bx - ax, dy = by - ay
            let len2 = dx * dx + dy * dy
            for y in minY...maxY {
                let py = Double(y) + 0.5
                for x in minX...maxX {
                    let px = Double(x) + 0.5
                    var t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0
                    t = min(1, max(0, t))
                    let qx = ax + t * dx - px, qy = ay + t * dy - py
                    let d = (qx * qx + qy * qy).squareRoot()
                    let c = min(1, max(0, half + 0.5 - d))
                    if c > 0 {
                        let key = y * width + x
                        if c > coverage[key, default: 0] { coverage[key] = c }
                    }
                }
            }
        }
        for (key, c) in coverage.sorted(by: { $0.key < $1.key }) {
            let x = key % width, y = key / width
            if Double(x) + 0.5 >= cl && Double(x) + 0.5 <= cr && Double(y) + 0.5 >= ct && Double(y) + 0.5 <= cb {
                blend(x, y, color, c)
            }
        }
    }

    /// Colours every device pixel whose centre lies in the rectangle (logical coordinates) with
    /// `color(x, y)` of that centre, nil leaving it as it is: filled contours, colour bars.
    public func fillPixels(
        left: Double, top: Double, right: Double, bottom: Double, _ color: (Double, Double) -> Color?
    ) {
        let x0 = max(0, clampedPixel((left * scale).rounded())),
            x1 = min(width, clampedPixel((right * scale).rounded()))
        let y0 = max(0, clampedPixel((top * scale).rounded())),
            y1 = min(height, clampedPixel((bottom * scale).rounded()))
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 {
                if let c = color((Double(x) + 0.5) / scale, (Double(y) + 0.5) / scale) { blend(x, y, c, 1) }
            }
        }
    }

    /// Strokes separate segments as one shape (coverage is the maximum over them, so segments
    /// meeting end to end are not drawn twice): contour lines.
    public func strokeSegments(
        _ segments: [((Double, Double), (Double, Double))], width lineWidth: Double, color: Color,
        clip: (Double, Double, Double, Double)? = nil
    ) {
        stroke(segments.map { [$0.0, $0.1] }, width: lineWidth, color: color, clip: clip)
    }

    /// A filled, antialiased disc.
    public func fillCircle(_ cx: Double, _ cy: Double, radius: Double, _ c: Color) {
        let (cx, cy, radius) = (cx * scale, cy * scale, radius * scale)
        let minX = max(0, clampedPixel((cx - radius - 1).rounded(.down))),
            maxX = min(width - 1, clampedPixel((cx + radius + 1).rounded(.up)))
        let minY = max(0, clampedPixel((cy - radius - 1).rounded(.down))),
            maxY = min(height - 1, clampedPixel((cy + radius + 1).rounded(.up)))
        guard minX <= maxX, minY <= maxY else { return }
        for y in minY...maxY {
            for x in minX...maxX {
                let dx = Double(x) + 0.5 - cx, dy = Double(y) + 0.5 - cy
                blend(x, y, c, min(1, max(0, radius + 0.5 - (dx * dx + dy * dy).squareRoot())))
            }
        }
    }

    /// Queues text: (x, y) is the anchor, `alignX`/`alignY` in 0…1 place the text's box around
    /// it (0.5, 0.5 centres), `angle` in degrees counter-clockwise (90 for a y-axis label).
    public func text(
        _ s: String, x: Double, y: Double, size: Double, color: Color = .black,
        alignX: Double = 0, alignY: Double = 0, angle: Double = 0
    ) {
        let (w, h) = Canvas.measure(s, size: size)
        let (x, y) = (x * scale, y * scale)
        if angle == 90 {
            texts.append(
                (s, x - (h * (1 - alignY) - h * 0.78) * scale, y + w * alignX * scale, size * scale, color, angle))
        } else {
            texts.append((s, x - w * alignX * scale, y + (-h * alignY + h * 0.78) * scale, size * scale, color, angle))
        }
    }

    /// Width and height in logical pixels of a string at a point size (one line).
    public static func measure(_ s: String, size: Double) -> (Double, Double) {
        var box = [Int32](repeating: 0, count: 8)
        let err = fontPath.withCString { font in
            s.withCString { text in
                gdImageStringFT(
                    nil, &box, 0, UnsafeMutablePointer(mutating: font), size, 0, 0, 0,
                    UnsafeMutablePointer(mutating: text))
            }
        }
        guard err == nil else { return (Double(s.count) * size * 0.6, size * 1.3) }
        // Height from the font's full line box, so labels of one size align whatever their letters.
        return (Double(box[2] - box[0]), size * 96 / 72 * 1.17)
    }

    /// Renders shapes and text into a libgd truecolor image (the caller destroys it).
    func makeImage() -> gdImagePtr {
        let im = gdImageCreateTrueColor(Int32(width), Int32(height))!
        let rows = im.pointee.tpixels!
        for y in 0..<height {
            let row = rows[y]!
            for x in 0..<width {
                let i = 3 * (y * width + x)
                row[x] = Int32(pixels[i]) << 16 | Int32(pixels[i + 1]) << 8 | Int32(pixels[i + 2])
            }
        }
        for (s, x, y, size, c, angle) in texts {
            let color = cgd_truecolor_alpha(Int32(c.r), Int32(c.g), Int32(c.b), Int32((1 - c.alpha) * 127))
            var box = [Int32](repeating: 0, count: 8)
            _ = Canvas.fontPath.withCString { font in
                s.withCString { text in
                    gdImageStringFT(
                        im, &box, color, UnsafeMutablePointer(mutating: font), size, angle * Double.pi / 180,
                        Int32(x.rounded()), Int32(y.rounded()), UnsafeMutablePointer(mutating: text))
                }
            }
        }
        return im
    }

    /// The image as PNG bytes (fixed compression, no text chunks or dates: identical every run).
    public func png() -> Data {
        let im = makeImage()
        defer { gdImageDestroy(im) }
        return Canvas.encodePNG(im)
    }

    static func encodePNG(_ im: gdImagePtr) -> Data {
        var size: Int32 = 0
        let ptr = gdImagePngPtrEx(im, &size, 6)!
        defer { gdFree(ptr) }
        return Data(bytes: ptr, count: Int(size))
    }
}

/// Decodes a PNG or GIF into RGB pixels (for comparisons), or nil.
public func decodeImage(_ data: Data) -> (width: Int, height: Int, pixels: [UInt32])? {
    var bytes = [UInt8](data)
    let im: gdImagePtr? = bytes.withUnsafeMutableBytes { raw in
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return gdImageCreateFromPngPtr(Int32(raw.count), raw.baseAddress)
        }
        if data.starts(with: [0x47, 0x49, 0x46]) { return gdImageCreateFromGifPtr(Int32(raw.count), raw.baseAddress) }
        return nil
    }
    guard let im else { return nil }
    defer { gdImageDestroy(im) }
    let w = Int(cgd_sx(im)), h = Int(cgd_sy(im))
    var out = [UInt32](repeating: 0, count: w * h)
    for y in 0..<h {
        for x in 0..<w { out[y * w + x] = UInt32(bitPattern: cgd_truecolor_pixel(im, Int32(x), Int32(y))) & 0xFFFFFF }
    }
    return (w, h, out)
}

/// "N of M pixels differ" for two images, or a note that their sizes differ.
public func describePixelDifference(_ a: Data, _ b: Data) -> String? {
    guard let x = decodeImage(a), let y = decodeImage(b) else { return nil }
    guard x.width == y.width, x.height == y.height else {
        return "size \(x.width)×\(x.height) committed, \(y.width)×\(y.height) regenerated"
    }
    let changed = zip(x.pixels, y.pixels).filter { $0 != $1 }.count
    return "\(changed) of \(x.pixels.count) pixels differ"
        + (changed == 0 ? " (same pixels, different encoding or frames)" : "")
}

/// A pixel coordinate from a position that may lie far outside the canvas (or be NaN): clamped
/// to ±10⁹ before it becomes an Int, so no data value can trap the conversion.
@inline(__always) func clampedPixel(_ v: Double) -> Int {
    v.isNaN ? 0 : Int(Swift.max(-1e9, Swift.min(1e9, v)))
}
