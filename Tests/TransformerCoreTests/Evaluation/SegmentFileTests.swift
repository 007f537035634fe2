import Foundation
import Testing
@testable import TransformerCore

@Suite struct SegmentFileTests {
    @Test func linesAreSegmentsAsSacreBLEUReadsThem() throws {
        // CRLF loses its \r, an empty line is an empty segment, spaces stay, a last line may lack \n.
        let bytes = Array("a b \r\n\nnaïve café\n  x".utf8)
        #expect(try SegmentFile.segments(bytes, file: "f") == ["a b ", "", "naïve café", "  x"])
        #expect(try SegmentFile.segments(Array("one\n".utf8), file: "f") == ["one"])
        #expect(try SegmentFile.segments([], file: "f") == [])
        #expect(try SegmentFile.segments([0x0A], file: "f") == [""])
    }

    @Test func badBytesNameTheFileAndLine() {
        #expect(throws: SegmentFileError(file: "h.txt", reason: .invalidUTF8(line: 2))) {
            try SegmentFile.segments([0x61, 0x0A, 0xFF, 0x0A], file: "h.txt")
        }
        #expect(throws: SegmentFileError(file: "h.txt", reason: .binary(offset: 2))) {
            try SegmentFile.segments([0x61, 0x0A, 0x00], file: "h.txt")
        }
        let error = SegmentFileError(file: "h.txt", reason: .invalidUTF8(line: 2))
        #expect(error.description == "h.txt: line 2: expected UTF-8 text, found invalid bytes")
        #expect(!error.isMissing)
    }

    @Test func missingDirectoryAndTooLargeFiles() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("segment-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.txt").path
        #expect(throws: SegmentFileError(file: missing, reason: .fileNotFound)) { try SegmentFile.read(missing) }
        #expect(throws: SegmentFileError(file: directory.path, reason: .notAFile)) { try SegmentFile.read(directory.path) }
        let file = directory.appendingPathComponent("ten.txt")
        try Data("123456789\n".utf8).write(to: file)
        #expect(throws: SegmentFileError(file: file.path, reason: .fileTooLarge(limit: 9))) {
            try SegmentFile.read(file.path, byteLimit: 9)
        }
        #expect(try SegmentFile.read(file.path, byteLimit: 10) == ["123456789"])
        #expect(SegmentFileError(file: missing, reason: .fileNotFound).isMissing)
    }
}
