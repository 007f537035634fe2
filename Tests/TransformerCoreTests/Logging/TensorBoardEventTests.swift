import Foundation
import Testing
@testable import TransformerCore

@Suite struct TensorBoardEventTests {
    @Test func varintsUseSevenBitGroupsLowFirst() {
        func varint(_ value: UInt64) -> String {
            var encoder = ProtobufEncoder()
            encoder.appendVarint(value)
            return LogFixtures.hex(encoder.bytes)
        }
        #expect(varint(0) == "00")
        #expect(varint(1) == "01")
        #expect(varint(127) == "7f")
        #expect(varint(128) == "80 01")
        #expect(varint(300) == "ac 02")
        #expect(varint(UInt64.max) == "ff ff ff ff ff ff ff ff ff 01")
    }

    /// Event{wall_time: 1.5, step: 3, summary: {value: [{tag: "a", simple_value: 2}]}}, by hand:
    ///   09 | 00 00 00 00 00 00 f8 3f   field 1 (wall_time), wire type 1: 1.5 = 0x3FF8000000000000, LE
    ///   10 | 03                        field 2 (step), wire type 0: 3
    ///   2a | 0a                        field 5 (summary), wire type 2: 10 bytes
    ///     0a | 08                        Summary field 1 (value), wire type 2: 8 bytes
    ///       0a | 01 | 61                   Value field 1 (tag), wire type 2: "a"
    ///       15 | 00 00 00 40               Value field 2 (simple_value), wire type 5: 2.0f = 0x40000000, LE
    /// Python's `Event(...).SerializeToString()` (tensorboard 2.21, protobuf 7) gives the same bytes.
    @Test func aScalarEventMatchesHandComputedBytes() throws {
        let event = TensorBoardEvent(wallTime: 1.5, step: 3, content: .scalars([.init(tag: "a", value: 2)]))
        #expect(LogFixtures.hex(event.serialized()) == "09 00 00 00 00 00 00 f8 3f 10 03 2a 0a 0a 08 0a 01 61 15 00 00 00 40")
        #expect(try TensorBoardEvent(serialized: event.serialized()) == event)
    }

    @Test func theFileVersionEventMatchesHandComputedBytes() throws {
        // 1a 0d "brain.Event:2": field 3 (file_version), wire type 2, 13 bytes.
        let event = TensorBoardEvent(wallTime: 1.5, content: .fileVersion("brain.Event:2"))
        #expect(LogFixtures.hex(event.serialized()) == "09 00 00 00 00 00 00 f8 3f 1a 0d " + LogFixtures.hex(Array("brain.Event:2".utf8)))
        #expect(try TensorBoardEvent(serialized: event.serialized()) == event)
    }

    @Test func defaultsAreOmittedExceptTheOneofValueAndNegativeStepsTakeTenBytes() {
        // Python: Event(step=-1, summary=Summary(value=[Summary.Value(tag="", simple_value=0.0)])).
        let event = TensorBoardEvent(wallTime: 0, step: -1, content: .scalars([.init(tag: "", value: 0)]))
        #expect(LogFixtures.hex(event.serialized()) == "10 ff ff ff ff ff ff ff ff ff 01 2a 07 0a 05 15 00 00 00 00")
    }

    @Test func severalScalarsShareOneSummaryAndSpecialValuesRoundTrip() throws {
        let scalars: [TensorBoardEvent.Scalar] = [.init(tag: "train/loss", value: 2.25), .init(tag: "τ/ünïcode", value: -.infinity),
                                                  .init(tag: "x", value: .greatestFiniteMagnitude)]
        let event = TensorBoardEvent(wallTime: 1_712_345_678.125, step: 1 << 40, content: .scalars(scalars))
        #expect(try TensorBoardEvent(serialized: event.serialized()) == event)
        let nan = TensorBoardEvent(wallTime: 1, step: 1, content: .scalars([.init(tag: "n", value: .nan)]))
        let decoded = try TensorBoardEvent(serialized: nan.serialized())
        guard case .scalars(let values) = decoded.content else { Issue.record("\(decoded)"); return }
        #expect(values.count == 1 && values[0].value.isNaN)
    }

    @Test func decodingSkipsUnknownFieldsAndNonScalarValues() throws {
        var value = ProtobufEncoder()
        value.appendString(1, "hist")
        value.appendBytes(5, [1, 2, 3])       // histo: not a scalar
        var scalar = ProtobufEncoder()
        scalar.appendString(1, "s")
        scalar.appendString(7, "node")       // node_name
        scalar.appendFloat(2, 4)
        var summary = ProtobufEncoder()
        summary.appendBytes(1, value.bytes)
        summary.appendBytes(1, scalar.bytes)
        var event = ProtobufEncoder()
        event.appendDouble(1, 2)
        event.appendBytes(5, summary.bytes)
        event.appendBytes(10, [0x0a, 0x01, 0x77])   // source_metadata
        let decoded = try TensorBoardEvent(serialized: event.bytes)
        #expect(decoded == TensorBoardEvent(wallTime: 2, content: .scalars([.init(tag: "s", value: 4)])))
    }

    @Test func malformedBytesAreReportedWithTheirOffset() {
        #expect(throws: ProtobufDecodingError(offset: 2, reason: "length 9 runs past the end (0 bytes left)")) {
            try TensorBoardEvent(serialized: [0x2a, 0x09])
        }
        #expect(throws: ProtobufDecodingError(offset: 0, reason: "unsupported wire type 3")) {
            try TensorBoardEvent(serialized: [0x0b])
        }
        #expect(throws: ProtobufDecodingError.self) { try TensorBoardEvent(serialized: [0x10, 0x80]) }
    }
}
