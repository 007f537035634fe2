/// Packing: copies of B (and optionally A) laid out in the order the micro-kernel reads them.
extension Kernels {
    /// Packs the panels `panels` (all of `block`'s by default; threads sharing one block pack a part each)
    /// of op(B) into `block`'s buffer: for each k block and panel, kc rows of NR floats, zero-padded past
    /// column n. The transpose of B is resolved here.
    ///
    /// A non-transposed B is copied row by row across all its whole panels (each row of B read once,
    /// contiguously, and spread over the panels), not panel by panel: a panel's rows lie ldb floats
    /// apart, a page apart at n = 1024, so panel order read B in 128-byte pieces at page stride.
    static func packB(_ g: GEMMOperands, block: PanelBlock, panels: Range<Int>? = nil) {
        let panels = panels ?? block.panels
        let width = block.width
        for p0 in stride(from: 0, to: g.k, by: block.depth) {
            let kc = min(block.depth, g.k - p0)
            var firstPanel = panels.lowerBound   // the panels left for the panel-by-panel loop below
            if !g.transposeB {
                let wholePanels = max(0, min(panels.upperBound, g.n / width) - panels.lowerBound)
                if wholePanels > 0 {
                    copyRowsIntoPanels(from: g.b + p0 * g.ldb + panels.lowerBound * width, ldb: g.ldb, depth: kc,
                                       panels: wholePanels, width: width,
                                       into: block.panel(panels.lowerBound, depthStart: p0, depth: kc))
                    firstPanel += wholePanels
                }
            }
            for q in firstPanel..<panels.upperBound {
                let destination = block.panel(q, depthStart: p0, depth: kc)
                let j0 = q * width
                let columns = min(width, g.n - j0)
                if g.transposeB {   // op(B)[p, j] = B[j, p]: each row of B becomes a column of the panel.
                    if columns < width {
                        for p in 0..<kc { zeroRow(destination + p * width, width: width) }
                    }
                    transposeIntoPanel(g.b + j0 * g.ldb + p0, ldb: g.ldb, columns: columns, depth: kc,
                                       into: destination, width: width)
                } else {   // the edge panel of a non-transposed B (columns < width)
                    for p in 0..<kc {
                        let row = destination + p * width
                        zeroRow(row, width: width)
                        copyShortRow(from: g.b + (p0 + p) * g.ldb + j0, count: columns, to: row)
                    }
                }
            }
        }
    }

    /// Copies `depth` rows of `panels * width` floats (row stride `ldb`) into `panels` consecutive panels
    /// of `depth` x `width` floats: row p, columns [q * width, (q + 1) * width) go to step p of panel q.
    static func copyRowsIntoPanels(from source: UnsafePointer<Float>, ldb: Int, depth: Int, panels: Int, width: Int,
                                   into destination: UnsafeMutablePointer<Float>) {
        typealias Chunk = SIMD16<Float>
        let panelBytes = depth * width * MemoryLayout<Float>.stride
        let widthBytes = width * MemoryLayout<Float>.stride
        for p in 0..<depth {
            let row = UnsafeRawPointer(source + p * ldb)
            let target = UnsafeMutableRawPointer(destination + p * width)
            for q in 0..<panels {
                for offset in stride(from: 0, to: widthBytes, by: MemoryLayout<Chunk>.stride) {
                    target.storeBytes(of: row.loadUnaligned(fromByteOffset: q * widthBytes + offset, as: Chunk.self),
                                      toByteOffset: q * panelBytes + offset, as: Chunk.self)
                }
            }
        }
    }

    /// Writes `columns` rows of B (row stride `ldb`, `depth` floats each) as the columns of a panel
    /// (`width` floats per step), in 4 x 4 blocks transposed in registers, then scalar tails.
    static func transposeIntoPanel(_ source: UnsafePointer<Float>, ldb: Int, columns: Int, depth: Int,
                                   into destination: UnsafeMutablePointer<Float>, width: Int) {
        typealias Quad = SIMD4<Float>
        let quadDepth = depth & ~3
        var j = 0
        while j + 4 <= columns {
            let rows = (UnsafeRawPointer(source + j * ldb), UnsafeRawPointer(source + (j + 1) * ldb),
                        UnsafeRawPointer(source + (j + 2) * ldb), UnsafeRawPointer(source + (j + 3) * ldb))
            for p in stride(from: 0, to: quadDepth, by: 4) {
                let offset = p * MemoryLayout<Float>.stride
                let r0 = rows.0.loadUnaligned(fromByteOffset: offset, as: Quad.self)
                let r1 = rows.1.loadUnaligned(fromByteOffset: offset, as: Quad.self)
                let r2 = rows.2.loadUnaligned(fromByteOffset: offset, as: Quad.self)
                let r3 = rows.3.loadUnaligned(fromByteOffset: offset, as: Quad.self)
                let target = UnsafeMutableRawPointer(destination + p * width + j)
                let stepBytes = width * MemoryLayout<Float>.stride
                target.storeBytes(of: Quad(r0[0], r1[0], r2[0], r3[0]), as: Quad.self)
                target.storeBytes(of: Quad(r0[1], r1[1], r2[1], r3[1]), toByteOffset: stepBytes, as: Quad.self)
                target.storeBytes(of: Quad(r0[2], r1[2], r2[2], r3[2]), toByteOffset: 2 * stepBytes, as: Quad.self)
                target.storeBytes(of: Quad(r0[3], r1[3], r2[3], r3[3]), toByteOffset: 3 * stepBytes, as: Quad.self)
            }
            for t in 0..<4 {
                let row = source + (j + t) * ldb
                for p in quadDepth..<depth { destination[p * width + j + t] = row[p] }
            }
            j += 4
        }
        for j in j..<columns {
            let row = source + j * ldb
            for p in 0..<depth { destination[p * width + j] = row[p] }
        }
    }

    /// Zeroes a panel row of `width` (a multiple of 16) floats.
    @inline(__always)
    static func zeroRow(_ row: UnsafeMutablePointer<Float>, width: Int) {
        for offset in stride(from: 0, to: width, by: 16) {
            UnsafeMutableRawPointer(row + offset).storeBytes(of: SIMD16<Float>(), as: SIMD16<Float>.self)
        }
    }

    /// Copies `count` (< 32) floats without a memmove call per row (those dominated the packing of tiny
    /// GEMMs): chunks of 16, 8, 4, 2 and 1 floats.
    @inline(__always)
    static func copyShortRow(from source: UnsafePointer<Float>, count: Int,
                             to destination: UnsafeMutablePointer<Float>) {
        let target = UnsafeMutableRawPointer(destination), origin = UnsafeRawPointer(source)
        var offset = 0
        if count & 16 != 0 {
            target.storeBytes(of: origin.loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
            offset += 16 * MemoryLayout<Float>.stride
        }
        if count & 8 != 0 {
            target.storeBytes(of: origin.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self),
                              toByteOffset: offset, as: SIMD8<Float>.self)
            offset += 8 * MemoryLayout<Float>.stride
        }
        if count & 4 != 0 {
            target.storeBytes(of: origin.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self),
                              toByteOffset: offset, as: SIMD4<Float>.self)
            offset += 4 * MemoryLayout<Float>.stride
        }
        if count & 2 != 0 {
            target.storeBytes(of: origin.loadUnaligned(fromByteOffset: offset, as: SIMD2<Float>.self),
                              toByteOffset: offset, as: SIMD2<Float>.self)
            offset += 2 * MemoryLayout<Float>.stride
        }
        if count & 1 != 0 {
            target.storeBytes(of: origin.load(fromByteOffset: offset, as: Float.self), toByteOffset: offset,
                              as: Float.self)
        }
    }

    /// Packs rows `rowPanels` (MR-row panels, MR = `height`) x columns [p0, p0 + kc) of op(A) into
    /// consecutive MR x kc panels, MR floats per step p. Rows past m are left unset: the micro-kernels
    /// never read them.
    static func packRowsOfA(_ g: GEMMOperands, rowPanels: Range<Int>, height: Int, depthStart p0: Int, depth kc: Int,
                            into buffer: UnsafeMutablePointer<Float>) {
        if g.transposeA {   // op(A)[i, p] = A[p, i]: MR consecutive floats of row p of A per panel and step.
            // Row by row of A (its rows lie lda floats apart, a page or more for wide A): each row is read
            // once, contiguously, and spread over the panels.
            let panelFloats = height * kc
            let lastRows = g.m - (rowPanels.upperBound - 1) * height
            for p in 0..<kc {
                let source = g.a + (p0 + p) * g.lda + rowPanels.lowerBound * height
                let target = buffer + p * height
                var offset = 0
                for panel in 0..<(rowPanels.count - 1) {
                    copyShortRow(from: source + offset, count: height, to: target + panel * panelFloats)
                    offset += height
                }
                copyShortRow(from: source + offset, count: min(height, lastRows),
                             to: target + (rowPanels.count - 1) * panelFloats)
            }
            return
        }
        for rowPanel in rowPanels {   // rows of A become the columns of the panel: 4 x 4 transposes in registers
            let destination = buffer + (rowPanel - rowPanels.lowerBound) * height * kc
            let i0 = rowPanel * height
            transposeIntoPanel(g.a + i0 * g.lda + p0, ldb: g.lda, columns: min(height, g.m - i0), depth: kc,
                               into: destination, width: height)
        }
    }
}
