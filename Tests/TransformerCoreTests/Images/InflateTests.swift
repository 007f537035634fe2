import Testing
@testable import TransformerCore

/// DEFLATE decompression with the zlib and gzip wrappers: streams Python's zlib and gzip made
/// (InflateFixtures, Scripts/images/make-inflate-fixtures.py), round trips through the project's own
/// compressor (all three block types), and every kind of damage giving an ``InflateError``.
@Suite struct InflateTests {
    @Test func pythonStreamsDecompressToTheirText() throws {
        for (name, stream) in [("level 0", InflateFixtures.zlibLevel0), ("level 1", InflateFixtures.zlibLevel1),
                               ("level 9", InflateFixtures.zlibLevel9)] {
            #expect(try Inflate.zlib(stream) == InflateFixtures.plainText, "zlib \(name)")
        }
        let (fixed, end) = try Inflate.raw(InflateFixtures.rawFixed)
        #expect(fixed == InflateFixtures.plainText && end == InflateFixtures.rawFixed.count)
        #expect(try Inflate.gzip(InflateFixtures.gzipTwoMembers) == InflateFixtures.plainText + InflateFixtures.secondMember)
    }

    /// ``Deflate`` picks stored, fixed or dynamic blocks by size: random bytes (stored), a few bytes
    /// (fixed), repetitive text (dynamic), long runs (overlapping copies), and nothing at all.
    @Test func roundTripsThroughTheProjectsCompressor() throws {
        var generator = SeededGenerator(seed: 3)
        let inputs: [[UInt8]] = [
            [], [65], Array("abc".utf8),
            (0..<5_000).map { _ in UInt8.random(in: 0...255, using: &generator) },
            Array(String(repeating: "the cat sat on the mat; ", count: 400).utf8),
            [UInt8](repeating: 7, count: 70_000) + (0..<300).map { UInt8($0 % 256) },
            (0..<40_000).map { UInt8(($0 * $0 / 7) % 23) },
        ]
        for input in inputs {
            #expect(try Inflate.zlib(Deflate.zlib(input)) == input, "\(input.count) bytes")
        }
    }

    @Test func damagedStreamsAreOneLineErrors() {
        func error(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch let error as InflateError { return error.description } catch { return "\(error)" }
        }
        let good = InflateFixtures.zlibLevel9
        #expect(error { _ = try Inflate.zlib(Array(good.dropLast(10))) }.contains("truncated"))
        #expect(error { _ = try Inflate.zlib(Array(good.dropLast(2))) } == "zlib stream at byte \(good.count - 4): expected the 4-byte Adler-32 checksum, found 2 bytes")
        var checksum = good
        checksum[checksum.count - 1] ^= 1
        #expect(error { _ = try Inflate.zlib(checksum) }.contains("Adler-32 mismatch"))
        #expect(error { _ = try Inflate.zlib([0x78, 0x9D] + good.dropFirst(2)) } == "zlib header at byte 1: check bits wrong: (CMF * 256 + FLG) is not a multiple of 31")
        #expect(error { _ = try Inflate.zlib([0x79, 0x9C]) }.contains("compression method 8"))
        #expect(error { _ = try Inflate.zlib(good + [0]) } == "zlib stream at byte \(good.count): expected the end of the data, found 1 more bytes")
        #expect(error { _ = try Inflate.raw([0x07]) } == "deflate block at byte 1: block type 3 is reserved")
        #expect(error { _ = try Inflate.raw([0x01, 0x05, 0x00, 0x00, 0x00]) }.contains("are not complements"))
        // A fixed block whose first symbol is a copy (length 3, distance 1) with nothing to copy from: bits
        // BFINAL 1, BTYPE 01, code 0000001 (symbol 257), distance code 00000.
        #expect(error { _ = try Inflate.raw([0x03, 0x02]) } == "deflate data at byte 2: distance 1 reaches before the start of the output (0 bytes)")
        #expect(error { _ = try Inflate.zlib(Deflate.zlib([UInt8](repeating: 1, count: 10_000)), maximumOutput: 100) }
            .contains("exceed the limit of 100 bytes"))
        var gzipCRC = InflateFixtures.gzipTwoMembers
        gzipCRC[gzipCRC.count - 8] ^= 0xFF   // the second member's CRC-32
        #expect(error { _ = try Inflate.gzip(gzipCRC) }.contains("CRC-32 mismatch"))
        #expect(error { _ = try Inflate.gzip([0x1F, 0x8C] + InflateFixtures.gzipTwoMembers.dropFirst(2)) }
            == "gzip member at byte 0: expected the magic bytes 1f 8b, found 0x1f 0x8c")
        #expect(error { _ = try Inflate.gzip(Array(InflateFixtures.gzipTwoMembers.prefix(14))) }.contains("file name has no terminating zero"))
    }

    /// Random bytes, and real streams with random bytes flipped, never crash: each either decodes or throws
    /// an ``InflateError`` (the size limit keeps a lucky long copy small).
    @Test func randomDamageNeverCrashes() {
        var generator = SeededGenerator(seed: 11)
        var decoded = 0, refused = 0
        for trial in 0..<3_000 {
            var bytes: [UInt8]
            if trial % 2 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                bytes = [InflateFixtures.zlibLevel9, InflateFixtures.zlibLevel1, InflateFixtures.gzipTwoMembers][trial % 3]
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
                }
            }
            for kind in 0..<3 {
                do {
                    switch kind {
                    case 0: _ = try Inflate.raw(bytes, maximumOutput: 1 << 16)
                    case 1: _ = try Inflate.zlib(bytes, maximumOutput: 1 << 16)
                    default: _ = try Inflate.gzip(bytes, maximumOutput: 1 << 16)
                    }
                    decoded += 1
                } catch {
                    refused += 1
                }
            }
        }
        #expect(refused > 0 && decoded + refused == 9_000)
    }

    /// Over-subscribed and incomplete codes are refused when a dynamic block defines them.
    @Test func invalidHuffmanCodesAreRefused() throws {
        #expect(throws: InflateError.self) { try HuffmanDecoder(lengths: [1, 1, 1], what: "test code", at: 0) }
        let incomplete = try? HuffmanDecoder(lengths: [1, 2], what: "test code", at: 0)
        #expect(incomplete?.isComplete == false)
        #expect(incomplete?.isSingleOneBitCode == false)
        #expect(try HuffmanDecoder(lengths: [0, 1], what: "test code", at: 0).isSingleOneBitCode)
        #expect(try HuffmanDecoder(lengths: [2, 2, 1], what: "test code", at: 0).isComplete)
    }
}
