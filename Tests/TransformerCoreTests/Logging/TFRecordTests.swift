import Foundation
import Testing
@testable import TransformerCore

@Suite struct TFRecordTests {
    /// Records "abc" and "" framed by TensorBoard's own Python RecordWriter (tensorboard 2.21).
    static let tensorBoardFraming = LogFixtures.bytes(hex: """
        03 00 00 00 00 00 00 00  b0 99 49 0e  61 62 63  6e 57 f1 21
        00 00 00 00 00 00 00 00  29 03 98 07  d8 ea 82 a2
        """)

    @Test func framingMatchesTensorBoardsRecordWriterByteForByte() {
        #expect(LogFixtures.hex(TFRecordWriter.frame(Array("abc".utf8)) + TFRecordWriter.frame([])) == LogFixtures.hex(Self.tensorBoardFraming))
    }

    @Test func recordsRoundTripThroughAFile() throws {
        try LogFixtures.withTemporaryDirectory { directory in
            let path = directory + "/data.tfrecord"
            let records: [[UInt8]] = [Array("first".utf8), [], (0..<1000).map { UInt8($0 % 251) }, [0]]
            let writer = try TFRecordWriter(creatingFileAt: path)
            for record in records { try writer.write(record) }
            #expect(LogFixtures.fileBytes(path).isEmpty, "nothing reaches the file before flush")
            try writer.close()
            #expect(try TFRecordReader.records(inFileAt: path) == records)
            #expect(LogFixtures.fileBytes(path).count == records.map { $0.count + 16 }.reduce(0, +))
            #expect(throws: LogFileError(path: path, problem: .closed)) { try writer.write([1]) }
        }
    }

    @Test func creatingAnExistingFileIsRefused() throws {
        try LogFixtures.withTemporaryDirectory { directory in
            let path = directory + "/taken"
            FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]))
            #expect(throws: LogFileError(path: path, problem: .alreadyExists)) { try TFRecordWriter(creatingFileAt: path) }
            #expect(LogFixtures.fileBytes(path) == [1, 2, 3])
        }
    }

    /// Three records: "alpha" at byte 0, "bravo!" at 21, "c" at 43; 60 bytes in all.
    static let threeRecords = ["alpha", "bravo!", "c"].flatMap { TFRecordWriter.frame(Array($0.utf8)) }

    static func read(_ bytes: [UInt8]) throws(TFRecordError) -> [[UInt8]] {
        var reader = TFRecordReader(bytes: bytes, path: "events.test")
        return try reader.readAll()
    }

    static func flipping(_ index: Int) -> [UInt8] {
        var corrupt = threeRecords
        corrupt[index] ^= 0x01
        return corrupt
    }

    @Test func aFlippedLengthByteIsCaughtByTheLengthChecksum() throws {
        let error = try #require(throws: TFRecordError.self) { try Self.read(Self.flipping(21)) }
        #expect(error.recordIndex == 1 && error.offset == 21)
        guard case .lengthChecksumMismatch = error.problem else { Issue.record("\(error)"); return }
        #expect(error.description.hasPrefix("events.test: record 1 at byte 21: corrupt length: checksum 0x"))
    }

    @Test(arguments: [33, 38, 39, 42])   // data of record 1 (bytes 33-38), its checksum (39-42)
    func aFlippedDataOrChecksumByteIsCaughtByTheDataChecksum(index: Int) throws {
        let error = try #require(throws: TFRecordError.self) { try Self.read(Self.flipping(index)) }
        #expect(error.recordIndex == 1 && error.offset == 21)
        guard case .dataChecksumMismatch = error.problem else { Issue.record("\(error)"); return }
    }

    @Test func aFlippedLengthChecksumByteIsCaught() throws {
        let error = try #require(throws: TFRecordError.self) { try Self.read(Self.flipping(29)) }
        guard case .lengthChecksumMismatch = error.problem else { Issue.record("\(error)"); return }
    }

    @Test func truncationIsReportedWithWhatWasExpected() throws {
        for cut in [1, 11] {
            let error = try #require(throws: TFRecordError.self) { try Self.read(Array(Self.threeRecords.prefix(43 + cut))) }
            #expect(error == TFRecordError(path: "events.test", recordIndex: 2, offset: 43, problem: .truncatedHeader(available: cut)))
        }
        let error = try #require(throws: TFRecordError.self) { try Self.read(Array(Self.threeRecords.prefix(59))) }
        #expect(error.problem == .truncatedData(length: 1, available: 4))
        #expect(error.description == "events.test: record 2 at byte 43: truncated: 1 data bytes + 4 checksum bytes expected, 4 found (the writer stopped mid-record?)")
    }

    @Test func recordsBeforeTheDamageAreStillReadable() throws {
        var reader = TFRecordReader(bytes: Array(Self.threeRecords.prefix(50)))
        #expect(try reader.next() == Array("alpha".utf8))
        #expect(try reader.next() == Array("bravo!".utf8))
        #expect(throws: TFRecordError.self) { try reader.next() }
    }

    @Test func anAbsurdLengthWithAValidChecksumIsRefusedBeforeAllocating() throws {
        let length = littleEndianBytes(UInt64(1) << 40)
        let header = length + littleEndianBytes(CRC32C.maskedChecksum(length)) + [0, 0, 0, 0]
        let error = try #require(throws: TFRecordError.self) { try Self.read(header) }
        #expect(error.problem == .lengthTooLarge(1 << 40))
    }

    @Test func aMissingFileIsReportedByPath() {
        #expect(throws: TFRecordError(path: "/nonexistent/events", recordIndex: 0, offset: 0, problem: .unreadable)) {
            try TFRecordReader.records(inFileAt: "/nonexistent/events")
        }
    }
}
