import Foundation

/// A matplotlib colormap: 256 colours from low to high (`Colormaps.swift`, recorded from
/// matplotlib), looked up as matplotlib does (the value scaled to 0…1, times 256, floored).
public struct Colormap: Equatable, Sendable {
    public let name: String
    let colors: [Color]

    /// The names a cell can give (`cmap: "viridis"`); `_r` reverses any of them.
    public static var names: [String] { colormapTables.keys.sorted() }

    public init?(_ name: String) {
        let reversed = name.hasSuffix("_r")
        let base = reversed ? String(name.dropLast(2)) : name
        guard let hex = colormapTables[base] else { return nil }
        let bytes = Array(hex.utf8)
        var colors: [Color] = []
        colors.reserveCapacity(256)
        func value(_ i: Int) -> UInt8 {
            func digit(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
            return digit(bytes[i]) << 4 | digit(bytes[i + 1])
        }
        for k in stride(from: 0, to: bytes.count, by: 6) { colors.append(Color(value(k), value(k + 2), value(k + 4))) }
        self.name = name
        self.colors = reversed ? colors.reversed() : colors
    }

    /// The colour of `t` in 0…1 (clamped; NaN gives the lowest colour).
    /// NOTE: matplotlib's lookup: index = floor(t · 256), 1.0 maps to the last entry.
    public func color(_ t: Double) -> Color {
        guard t.isFinite else { return colors[0] }
        return colors[min(255, max(0, Int((t * 256).rounded(.down))))]
    }

    /// The colour of `v` on the scale lo…hi.
    public func color(_ v: Double, lo: Double, hi: Double) -> Color {
        color(hi > lo ? (v - lo) / (hi - lo) : 0.5)
    }
}
