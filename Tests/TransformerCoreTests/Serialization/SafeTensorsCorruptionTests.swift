import Foundation
import Testing
@testable import TransformerCore

/// Every way a safetensors file can be malformed throws a typed error naming the file; none crashes.
@Suite struct SafeTensorsCorruptionTests {
    typealias F = SerializationFixtures
    static let name = "bad.safetensors"

    static func parse(_ bytes: [UInt8]) throws(CheckpointError) -> SafeTensorsFile {
        try SafeTensors.parse(bytes: bytes, source: name)
    }

    /// A valid file: a [2] tensor, a [3] tensor and metadata.
    static let valid = SafeTensors.encode([("a", Tensor(shape: [2], scalars: [1, 2])), ("b", Tensor(shape: [3], scalars: [3, 4, 5]))],
                                          metadata: ["k": "v"])
    static var headerLength: Int { Int(valid[0]) | Int(valid[1]) << 8 }

    @Test func everyTruncationThrowsAndTheKindMatchesTheSection() {
        #expect((try? Self.parse(Self.valid)) != nil)
        for cut in 0..<Self.valid.count {
            let prefix = Array(Self.valid.prefix(cut))
            switch cut {
            case 0..<8:                      // inside the length field
                expectCheckpointError(.truncated, "too short for the 8-byte header length", file: Self.name) { try Self.parse(prefix) }
            case 8..<(8 + Self.headerLength):   // inside the header
                expectCheckpointError(.truncated, "header length \(Self.headerLength) is larger than the file (\(cut) bytes)", file: Self.name) {
                    try Self.parse(prefix)
                }
            default:                         // inside the data
                expectCheckpointError(.invalidLayout, "run past the end of the data buffer", file: Self.name) { try Self.parse(prefix) }
            }
        }
    }

    @Test func headerLengthsLargerThanTheFile() {
        for length: UInt64 in [UInt64(Self.valid.count), 1 << 32, 1 << 63, .max - 7, .max] {
            var bytes = Self.valid
            for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(i))) }
            expectCheckpointError(.truncated, "header length \(length) is larger than the file (\(bytes.count) bytes)", file: Self.name) {
                try Self.parse(bytes)
            }
        }
    }

    /// A sparse file just over the limit: rejected before the 100 MB header is read or allocated.
    @Test func headerLengthOverTheLimitIsRefusedBeforeReading() throws {
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("huge.safetensors")
            let length = UInt64(SafeTensors.maximumHeaderLength + 1)
            try Data((0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }).write(to: url)
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: length + 8)
            try handle.close()
            expectCheckpointError(.headerTooLarge, "header length 100000001 exceeds the limit of 100000000 bytes", file: url.path) {
                try SafeTensors.read(from: url)
            }
        }
    }

    @Test(arguments: [
        // (header, data byte count, kind, phrase)
        ("{\"a\": }", 0, CheckpointError.Kind.invalidHeader, "not valid JSON: unexpected character '}' at byte 6"),
        ("{\"a\":{\"dtype\":\"F32\"", 0, .invalidHeader, "not valid JSON"),
        ("{} trailing", 0, .invalidHeader, "unexpected text after the JSON value"),
        ("[1, 2]", 0, .invalidHeader, "must start with '{', found byte 0x5B"),
        ("\"string\"", 0, .invalidHeader, "must start with '{'"),
        (" {}", 0, .invalidHeader, "must start with '{', found byte 0x20"),
        ("", 0, .invalidHeader, "must start with '{', found an empty header"),
        ("{\"a\":1}", 0, .invalidHeader, "tensor \"a\" is the number 1, expected an object"),
        ("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, .invalidHeader, "tensor \"a\" has no \"dtype\" field"),
        ("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, .invalidHeader, "tensor \"a\" has no \"shape\" field"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, .invalidHeader, "tensor \"a\" has no \"data_offsets\" field"),
        ("{\"a\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, .invalidHeader, "dtype is the number 32, expected a string"),
        ("{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, .unsupportedDtype, "tensor \"a\" has unknown dtype \"F33\""),
        ("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, .unsupportedDtype, "tensor \"a\" has unsupported dtype F16"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, .invalidHeader, "shape contains the number -1, expected non-negative integers"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", 4, .invalidHeader, "shape contains the number 1.0"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", 4, .invalidHeader, "shape contains a string"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":3,\"data_offsets\":[0,4]}}", 4, .invalidHeader, "shape is the number 3, expected an array"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[18446744073709551616],\"data_offsets\":[0,4]}}", 4, .invalidHeader, "below 2^63"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", 4, .invalidLayout, "more elements than fit in 64 bits"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,4]}}", 4, .invalidLayout, "needs more bytes than fit in 64 bits"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, .invalidLayout, "has shape [3] of F32 (12 bytes) but data_offsets [0, 8] span 8 bytes"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8, .invalidLayout, "must be two numbers [begin, end]"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8, .invalidLayout, "with begin <= end"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]}}", 8, .invalidLayout, "data_offsets [0, 400] run past the end of the data buffer (8 bytes)"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, .invalidLayout, "tensors \"a\" (bytes 0..<8) and \"b\" (bytes 4..<12) overlap"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, .invalidLayout, "overlap"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20, .invalidLayout, "bytes 8..<12 of the data buffer belong to no tensor (a gap before \"b\")"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, .invalidLayout, "bytes 0..<4 of the data buffer belong to no tensor"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12, .invalidLayout, "4 bytes after the last tensor"),
        ("{}", 4, .invalidLayout, "bytes 0..<4 of the data buffer belong to no tensor"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, .invalidHeader, "duplicate key \"a\""),
        ("{\"__metadata__\":{\"k\":1}}", 0, .invalidMetadata, "__metadata__ value for key \"k\" is the number 1, expected a string"),
        ("{\"__metadata__\":{\"k\":null}}", 0, .invalidMetadata, "is null, expected a string"),
        ("{\"__metadata__\":{\"k\":{\"nested\":\"x\"}}}", 0, .invalidMetadata, "is an object, expected a string"),
        ("{\"__metadata__\":[\"k\"]}", 0, .invalidMetadata, "__metadata__ is an array, expected an object of strings"),
        ("{\"__metadata__\":{\"k\":\"v\",\"k\":\"w\"}}", 0, .invalidHeader, "duplicate key \"k\""),
        ("{\"__metadata__\":{},\"__metadata__\":{}}", 0, .invalidHeader, "duplicate key \"__metadata__\""),
        ("{\"a\u{1}\":1}", 0, .invalidHeader, "control character 0x1 in a string"),
        ("{\"\\uD800\":1}", 0, .invalidHeader, "unpaired surrogate"),
        ("{\"\\x\":1}", 0, .invalidHeader, "invalid escape"),
        ("{\"a\":tru}", 0, .invalidHeader, "invalid literal"),
        ("{\"a\":01}", 0, .invalidHeader, "expected ',' or '}' in an object"),
        ("{\"a\":-}", 0, .invalidHeader, "invalid number"),
    ])
    func malformedHeaders(header: String, dataCount: Int, kind: CheckpointError.Kind, phrase: String) {
        let bytes = F.rawFile(header: header, data: [UInt8](repeating: 0, count: dataCount))
        expectCheckpointError(kind, phrase, file: Self.name) { try Self.parse(bytes) }
    }

    @Test func invalidUTF8InTheHeaderIsRejected() {
        var bytes = F.rawFile(header: "{\"ab\":1}")
        bytes[8 + 2] = 0xFF
        expectCheckpointError(.invalidHeader, "not valid UTF-8", file: Self.name) { try Self.parse(bytes) }
        var outside = F.rawFile(header: "{}      ")
        outside[8 + 3] = 0xC3
        expectCheckpointError(.invalidHeader, "unexpected text after the JSON value", file: Self.name) { try Self.parse(outside) }
    }

    @Test func deepNestingIsRefusedWithoutExhaustingTheStack() {
        let deep = "{\"__metadata__\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        expectCheckpointError(.invalidHeader, "nesting deeper than 64 levels", file: Self.name) { try Self.parse(F.rawFile(header: deep)) }
    }

    /// Zero-size tensors may sit anywhere a boundary is, but not inside another tensor.
    @Test func zeroSizeTensorsAtBoundariesAreValidButNotInsideATensor() throws {
        let ok = "{" + [F.entry("z0", shape: [0], offsets: (0, 0)), F.entry("a", shape: [2], offsets: (0, 8)),
                        F.entry("z8", shape: [3, 0], offsets: (8, 8))].joined(separator: ",") + "}"
        let file = try Self.parse(F.rawFile(header: ok, data: [UInt8](repeating: 0, count: 8)))
        #expect(file.tensors.map(\.name) == ["z0", "a", "z8"])
        let inside = "{" + [F.entry("a", shape: [2], offsets: (0, 8)), F.entry("z", shape: [0], offsets: (4, 4))].joined(separator: ",") + "}"
        expectCheckpointError(.invalidLayout, "overlap", file: Self.name) { try Self.parse(F.rawFile(header: inside, data: [UInt8](repeating: 0, count: 8))) }
    }

    /// The reference ignores unknown fields in a tensor entry; so do we.
    @Test func unknownEntryFieldsAreIgnored() throws {
        let header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":[1,{\"x\":null}]}}"
        let file = try Self.parse(F.rawFile(header: header, data: [0, 0, 0x80, 0x3F]))
        #expect(file["a"]?.scalars == [1])
    }

    @Test func truncatedFileOnDiskNamesThePath() throws {
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("cut.safetensors")
            try Data(Self.valid.prefix(Self.valid.count - 3)).write(to: url)
            expectCheckpointError(.invalidLayout, "run past the end of the data buffer", file: url.path) { try SafeTensors.read(from: url) }
            try Data().write(to: url)
            expectCheckpointError(.truncated, "the file is 0 bytes", file: url.path) { try SafeTensors.read(from: url) }
        }
    }
}
