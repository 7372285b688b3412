/// The float32 matrix-product tiles for AVX-512 CPUs: this module is compiled for Skylake-AVX512
/// and called only after the CPU says it has AVX-512 (TensorEngine checks). Same chains as the
/// AVX2 tiles — per block of `block` k values c = 0; c = c ⊕ a·b for k ascending (fused when
/// `fused`); the first block's c + bias stored, each later block's c added to it (see
/// `ChainStart` for the other starts) — so the bits are identical; only the width changes (4 rows
/// × 32 columns, 16-lane vectors).

/// Where each element's chain starts: from 0, stored (`zero`); from C's value (`continuing`: a long
/// sum computed in pieces); or from 0 and then added to C's value (`adding`: C holds a bias).
public enum ChainStart: Sendable { case zero, continuing, adding }

protocol Step16 { static func step(_ c: SIMD16<Float>, _ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> }
enum Fused16: Step16 {
    @inline(__always) static func step(_ c: SIMD16<Float>, _ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        c.addingProduct(a, b)
    }
}
enum Unfused16: Step16 {
    @inline(__always) static func step(_ c: SIMD16<Float>, _ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        c + a * b
    }
}

/// Rows lo..<hi of C[m×n] = A[m×k]·B[k×n] (+ bias). A and B through (row stride, column
/// stride) — B's column stride 1, or its row stride 1 (a transposed matrix); C contiguous rows.
public func sgemmRows512(
    _ lo: Int, _ hi: Int, _ cols: Range<Int>, _ n: Int, _ k: Int,
    _ a: UnsafePointer<Float>, _ aRow: Int, _ aCol: Int,
    _ b: UnsafePointer<Float>, _ bRow: Int, _ bCol: Int,
    _ c: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>?,
    fused: Bool, block: Int, start: ChainStart
) {
    if fused {
        tiles(lo, hi, cols, n, k, a, aRow, aCol, b, bRow, bCol, c, bias, block, start, Fused16.self)
    } else {
        tiles(lo, hi, cols, n, k, a, aRow, aCol, b, bRow, bCol, c, bias, block, start, Unfused16.self)
    }
}

func tiles<M: Step16>(
    _ lo: Int, _ hi: Int, _ cols: Range<Int>, _ n: Int, _ k: Int,
    _ a: UnsafePointer<Float>, _ aRow: Int, _ aCol: Int,
    _ b: UnsafePointer<Float>, _ bRow: Int, _ bCol: Int,
    _ c: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>?, _ block: Int, _ chainStart: ChainStart,
    _: M.Type
) {
    typealias V = SIMD16<Float>
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }
    let packFull = hi - lo >= 16
    let panel = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(k * 32, 32))
    defer { panel.deallocate() }
    let tail = UnsafeMutablePointer<Float>.allocate(capacity: 32)
    defer { tail.deallocate() }
    tail.initialize(repeating: 0, count: 32)
    var j = cols.lowerBound
    while j < cols.upperBound {
        let width = Swift.min(32, cols.upperBound - j)
        if width <= 16 {
            // The last ≤ 16 columns: one vector per row, eight rows per tile (a 32-wide tile
            // would spend half or more of its lanes on nothing).
            narrowTiles(lo, hi, j, width, n, k, a, aRow, aCol, b, bRow, bCol, c, bias, block, chainStart, panel, M.self)
            break
        }
        let pack = packFull || width < 32 || bCol != 1
        if pack { packPanel(panel, 32, b, bRow, bCol, j, width, k) }
        let start = pack ? UnsafePointer(panel) : b + j
        let stride = pack ? 32 : bRow
        var bias0 = V(), bias1 = V()
        if let bias {
            tail.update(from: bias + j, count: width)
            bias0 = load(tail)
            bias1 = load(tail + 16)
        }
        /// A row's two vectors as stored (a chain that continues from C).
        @inline(__always) func get(_ row: Int) -> (V, V) {
            let r = c + row * n + j
            if width == 32 { return (load(r), load(r + 16)) }
            var v0 = V(), v1 = V()
            for q in 0..<width {
                if q < 16 { v0[q] = r[q] } else { v1[q - 16] = r[q] }
            }
            return (v0, v1)
        }
        /// Stores a row's two vectors, or adds them to what is stored (a later block of k).
        @inline(__always) func put(_ v0: V, _ v1: V, _ row: Int, adding: Bool) {
            let r = c + row * n + j
            if width == 32 {
                store(adding ? load(r) + v0 : v0, r)
                store(adding ? load(r + 16) + v1 : v1, r + 16)
            } else {
                var q = 0
                if width >= 16 {
                    store(adding ? load(r) + v0 : v0, r)
                    q = 16
                }
                let rest = q == 0 ? v0 : v1
                while q < width {
                    r[q] = adding ? r[q] + rest[q & 15] : rest[q & 15]
                    q += 1
                }
            }
        }
        var i = lo
        while i + 4 <= hi {
            let a0 = a + i * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow
            var p0 = 0
            repeat {  // one chain per block of k
                let p1 = Swift.min(k, p0 + block)
                var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
                if chainStart == .continuing && p0 == 0 {
                    (c00, c01) = get(i)
                    (c10, c11) = get(i + 1)
                    (c20, c21) = get(i + 2)
                    (c30, c31) = get(i + 3)
                }
                var bp = start + p0 * stride
                for p in p0..<p1 {
                    let b0 = load(bp), b1 = load(bp + 16), q = p &* aCol
                    let x0 = V(repeating: a0[q]), x1 = V(repeating: a1[q])
                    let x2 = V(repeating: a2[q]), x3 = V(repeating: a3[q])
                    c00 = M.step(c00, x0, b0)
                    c01 = M.step(c01, x0, b1)
                    c10 = M.step(c10, x1, b0)
                    c11 = M.step(c11, x1, b1)
                    c20 = M.step(c20, x2, b0)
                    c21 = M.step(c21, x2, b1)
                    c30 = M.step(c30, x3, b0)
                    c31 = M.step(c31, x3, b1)
                    bp += stride
                }
                if bias != nil && p0 == 0 {
                    c00 = c00 + bias0
                    c01 = c01 + bias1
                    c10 = c10 + bias0
                    c11 = c11 + bias1
                    c20 = c20 + bias0
                    c21 = c21 + bias1
                    c30 = c30 + bias0
                    c31 = c31 + bias1
                }
                put(c00, c01, i, adding: p0 > 0 || chainStart == .adding)
                put(c10, c11, i + 1, adding: p0 > 0 || chainStart == .adding)
                put(c20, c21, i + 2, adding: p0 > 0 || chainStart == .adding)
                put(c30, c31, i + 3, adding: p0 > 0 || chainStart == .adding)
                p0 = p1
            } while p0 < k
            i += 4
        }
        while i < hi {
            let ar = a + i * aRow
            var p0 = 0
            repeat {
                let p1 = Swift.min(k, p0 + block)
                var (c0, c1) = chainStart == .continuing && p0 == 0 ? get(i) : (V(), V())
                var bp = start + p0 * stride
                for p in p0..<p1 {
                    let x = V(repeating: ar[p &* aCol])
                    c0 = M.step(c0, x, load(bp))
                    c1 = M.step(c1, x, load(bp + 16))
                    bp += stride
                }
                if bias != nil && p0 == 0 {
                    c0 = c0 + bias0
                    c1 = c1 + bias1
                }
                put(c0, c1, i, adding: p0 > 0 || chainStart == .adding)
                p0 = p1
            } while p0 < k
            i += 1
        }
        j += 32
    }
}

/// Columns j..<j+width (≤ 16) of rows lo..<hi of C, as `tiles` computes them (the same chains),
/// eight rows per tile; a last partial tile repeats its last row (computed, not stored).
func narrowTiles<M: Step16>(
    _ lo: Int, _ hi: Int, _ j: Int, _ width: Int, _ n: Int, _ k: Int,
    _ a: UnsafePointer<Float>, _ aRow: Int, _ aCol: Int,
    _ b: UnsafePointer<Float>, _ bRow: Int, _ bCol: Int,
    _ c: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>?, _ block: Int, _ chainStart: ChainStart,
    _ panel: UnsafeMutablePointer<Float>, _: M.Type
) {
    typealias V = SIMD16<Float>
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    let pack = hi - lo >= 16 || width < 16 || bCol != 1
    if pack { packPanel(panel, 16, b, bRow, bCol, j, width, k) }
    let start = pack ? UnsafePointer(panel) : b + j
    let stride = pack ? 16 : bRow
    var biasVector = V()
    if let bias { for q in 0..<width { biasVector[q] = bias[j + q] } }
    /// A row's `width` values (past them, zeros): eight at once, then one by one.
    @inline(__always) func get(_ row: Int) -> V {
        let r = c + row * n + j
        if width == 16 { return load(r) }
        var v = V(), q = 0
        if width >= 8 {
            v.lowHalf = UnsafeRawPointer(r).loadUnaligned(as: SIMD8<Float>.self)
            q = 8
        }
        while q < width {
            v[q] = r[q]
            q += 1
        }
        return v
    }
    @inline(__always) func put(_ v: V, _ row: Int, adding: Bool) {
        guard row < hi else { return }
        let r = c + row * n + j
        let stored = adding ? get(row) + v : v
        if width == 16 {
            UnsafeMutableRawPointer(r).storeBytes(of: stored, as: V.self)
            return
        }
        var q = 0
        if width >= 8 {
            UnsafeMutableRawPointer(r).storeBytes(of: stored.lowHalf, as: SIMD8<Float>.self)
            q = 8
        }
        while q < width {
            r[q] = stored[q]
            q += 1
        }
    }
    var i = lo
    while i < hi {
        let last = hi - 1
        @inline(__always) func row(_ u: Int) -> Int { Swift.min(i + u, last) }
        let a0 = a + row(0) * aRow, a1 = a + row(1) * aRow, a2 = a + row(2) * aRow, a3 = a + row(3) * aRow
        let a4 = a + row(4) * aRow, a5 = a + row(5) * aRow, a6 = a + row(6) * aRow, a7 = a + row(7) * aRow
        var p0 = 0
        repeat {  // one chain per block of k
            let p1 = Swift.min(k, p0 + block)
            var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V(), c6 = V(), c7 = V()
            if chainStart == .continuing && p0 == 0 {
                (c0, c1, c2, c3) = (get(row(0)), get(row(1)), get(row(2)), get(row(3)))
                (c4, c5, c6, c7) = (get(row(4)), get(row(5)), get(row(6)), get(row(7)))
            }
            var bp = start + p0 * stride
            for p in p0..<p1 {
                let bv = load(bp), q = p &* aCol
                c0 = M.step(c0, V(repeating: a0[q]), bv)
                c1 = M.step(c1, V(repeating: a1[q]), bv)
                c2 = M.step(c2, V(repeating: a2[q]), bv)
                c3 = M.step(c3, V(repeating: a3[q]), bv)
                c4 = M.step(c4, V(repeating: a4[q]), bv)
                c5 = M.step(c5, V(repeating: a5[q]), bv)
                c6 = M.step(c6, V(repeating: a6[q]), bv)
                c7 = M.step(c7, V(repeating: a7[q]), bv)
                bp += stride
            }
            if bias != nil && p0 == 0 {
                (c0, c1, c2, c3) = (c0 + biasVector, c1 + biasVector, c2 + biasVector, c3 + biasVector)
                (c4, c5, c6, c7) = (c4 + biasVector, c5 + biasVector, c6 + biasVector, c7 + biasVector)
            }
            let adding = p0 > 0 || chainStart == .adding
            put(c0, i, adding: adding)
            put(c1, i + 1, adding: adding)
            put(c2, i + 2, adding: adding)
            put(c3, i + 3, adding: adding)
            put(c4, i + 4, adding: adding)
            put(c5, i + 5, adding: adding)
            put(c6, i + 6, adding: adding)
            put(c7, i + 7, adding: adding)
            p0 = p1
        } while p0 < k
        i += 8
    }
}

/// Copies columns j..<j+width of B (all k rows) into a zero-padded panel of `lanes` columns.
/// Inlinable, so the AVX2 tiles get a copy compiled for their own CPU level.
@inlinable @inline(__always)
public func packPanel(
    _ panel: UnsafeMutablePointer<Float>, _ lanes: Int, _ b: UnsafePointer<Float>, _ bRow: Int, _ bCol: Int,
    _ j: Int, _ width: Int, _ k: Int
) {
    if width < lanes { panel.update(repeating: 0, count: k * lanes) }
    if bCol == 1 {
        if width == lanes {
            for p in 0..<k { (panel + p * lanes).update(from: b + p * bRow + j, count: width) }
        } else {
            // Narrow panels (tiny products): element copies, cheaper than a library call per row.
            for p in 0..<k {
                let src = b + p * bRow + j, dst = panel + p * lanes
                var jj = 0
                while jj < width {
                    dst[jj] = src[jj]
                    jj &+= 1
                }
            }
        }
        return
    }
    // A transposed B: each panel column is a contiguous run of the stored matrix. Blocks of 8 × 8
    // transposed in registers, then the edges element by element.
    var p0 = 0
    if bRow == 1 {
        typealias V = SIMD8<Float>
        let fullColumns = width / 8 * 8, fullRows = k / 8 * 8
        while p0 < fullRows {
            for jj in Swift.stride(from: 0, to: fullColumns, by: 8) {
                let src = b + (j + jj) * bCol + p0
                @inline(__always) func row(_ t: Int) -> V { UnsafeRawPointer(src + t * bCol).loadUnaligned(as: V.self) }
                let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3), r4 = row(4), r5 = row(5), r6 = row(6)
                let r7 = row(7)
                for i in 0..<8 {
                    UnsafeMutableRawPointer(panel + (p0 + i) * lanes + jj).storeBytes(
                        of: V(r0[i], r1[i], r2[i], r3[i], r4[i], r5[i], r6[i], r7[i]), as: V.self)
                }
            }
            for jj in fullColumns..<width {
                let src = b + (j + jj) * bCol
                for p in p0..<(p0 + 8) { panel[p * lanes + jj] = src[p] }
            }
            p0 += 8
        }
    }
    // Blocks of 64 rows keep the panel lines being written in the L1 cache.
    while p0 < k {
        let p1 = Swift.min(k, p0 + 64)
        for jj in 0..<width {
            let src = b + (j + jj) * bCol
            for p in p0..<p1 { panel[p * lanes + jj] = src[p * bRow] }
        }
        p0 = p1
    }
}

/// Twelve independent chains of 16-lane fused multiply-adds, `rounds` times, from two vectors
/// at `seed`: the FMA units' ceiling, with no memory traffic. Returns a lane of the result so the
/// work is kept.
@inline(never)
public func fmaProbe512(_ rounds: Int, _ seed: UnsafePointer<Float>) -> Float {
    typealias V = SIMD16<Float>
    let x = UnsafeRawPointer(seed).loadUnaligned(as: V.self), y = UnsafeRawPointer(seed + 16).loadUnaligned(as: V.self)
    var a = (x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7, x + 8, x + 9, x + 10, x + 11)
    for _ in 0..<rounds {
        a.0 = a.0.addingProduct(y, x)
        a.1 = a.1.addingProduct(y, x)
        a.2 = a.2.addingProduct(y, x)
        a.3 = a.3.addingProduct(y, x)
        a.4 = a.4.addingProduct(y, x)
        a.5 = a.5.addingProduct(y, x)
        a.6 = a.6.addingProduct(y, x)
        a.7 = a.7.addingProduct(y, x)
        a.8 = a.8.addingProduct(y, x)
        a.9 = a.9.addingProduct(y, x)
        a.10 = a.10.addingProduct(y, x)
        a.11 = a.11.addingProduct(y, x)
    }
    return (a.0 + a.1 + a.2 + a.3 + a.4 + a.5 + a.6 + a.7 + a.8 + a.9 + a.10 + a.11)[0]
}
