import Foundation
import Testing
@testable import TransformerCore

@Suite struct SafeTensorsTests {
    /// Written by Python's `safetensors.numpy.save` 0.8.0 (names sorted by the reference writer):
    /// weight [[1.5, -2, 0], [3.25, -0, 1e-40 (subnormal bits 0x000116C2)]], bias [7, 8], scalar 0.5 (shape []), empty [0, 3],
    /// metadata {"note": "é \"quoted\"\n"}.
    static let pythonFile = Array(Data(base64Encoded: """
        GAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJub3RlIjoiw6kgXCJxdW90ZWRcIlxuIn0sImJpYXMiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzJd\
        LCJkYXRhX29mZnNldHMiOlswLDhdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzgsOF19LCJz\
        Y2FsYXIiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6W10sImRhdGFfb2Zmc2V0cyI6WzgsMTJdfSwid2VpZ2h0Ijp7ImR0eXBlIjoiRjMyIiwic2hh\
        cGUiOlsyLDNdLCJkYXRhX29mZnNldHMiOlsxMiwzNl19fSAgAADgQAAAAEEAAAA/AADAPwAAAMAAAAAAAABQQAAAAIDCFgEA
        """)!)

    /// Also from Python: {"i": I64 [3], "h": F16 [1, 2]}.
    static let pythonNonFloat32File = Array(Data(base64Encoded: """
        cAAAAAAAAAB7ImkiOnsiZHR5cGUiOiJJNjQiLCJzaGFwZSI6WzFdLCJkYXRhX29mZnNldHMiOlswLDhdfSwiaCI6eyJkdHlwZSI6IkYxNiIsInNo\
        YXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzgsMTJdfX0gICAgAwAAAAAAAAAAPABA
        """)!)

    static var pythonTensors: [NamedParameter] { [
        ("bias", Tensor(shape: [2], scalars: [7, 8])),
        ("empty", Tensor(shape: [0, 3], scalars: [])),
        ("scalar", Tensor(shape: [], scalars: [0.5])),
        ("weight", Tensor(shape: [2, 3], scalars: [1.5, -2, 0, 3.25, -0.0, Float(bitPattern: 0x0001_16C2)])),
    ] }

    @Test func readsAFileWrittenByPythonSafetensors() throws {
        let file = try SafeTensors.parse(bytes: Self.pythonFile)
        #expect(file.tensors.map(\.name) == ["bias", "empty", "scalar", "weight"])
        #expect(file.metadata == ["note": "é \"quoted\"\n"])
        for (name, expected) in Self.pythonTensors {
            #expect(file[name]?.shape == expected.shape)
            #expect(file[name]?.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern), "\(name)")
        }
    }

    /// Same tensors in the same order and the same metadata give the reference writer's bytes exactly.
    @Test func writesTheSameBytesAsPythonSafetensors() {
        let bytes = SafeTensors.encode(Self.pythonTensors, metadata: ["note": "é \"quoted\"\n"])
        #expect(bytes == Self.pythonFile)
    }

    @Test func roundTripPreservesEveryBitPatternAndTheMetadata() throws {
        let special: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, Float(bitPattern: 0x7FC0_1234),
                                Float(bitPattern: 0xFF80_0001), .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                .leastNormalMagnitude, Float(bitPattern: 0x0001_16C2), .pi, -.ulpOfOne, 3]
        let random = Tensor.uniform([3, 5, 7], in: -1000...1000, generator: SeededGenerator(seed: 3))
        let tensors: [NamedParameter] = [
            ("special", Tensor(shape: [4, 4], scalars: special)), ("random.weight", random),
            ("scalar", Tensor(7)), ("zero", Tensor(shape: [2, 0, 5], scalars: [])), ("ünïcode \"name\"\t", Tensor(shape: [1], scalars: [2])),
        ]
        let metadata = ["configuration": "{\"a\":1}", "empty": "", "line\nbreak": "tab\there\u{1}\u{7F}", "emoji": "🙂 ü"]
        let file = try SafeTensors.parse(bytes: SafeTensors.encode(tensors, metadata: metadata))
        #expect(file.metadata == metadata)
        #expect(file.tensors.map(\.name) == tensors.map(\.name))
        for ((_, read), (_, written)) in zip(file.tensors, tensors) {
            #expect(read.shape == written.shape)
            #expect(read.scalars.map(\.bitPattern) == written.scalars.map(\.bitPattern))
        }
    }

    @Test func writesThroughTheFileSystemAndReadsTheHeaderAlone() throws {
        try SerializationFixtures.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("a.safetensors")
            let tensors: [NamedParameter] = [("w", Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])), ("b", Tensor(shape: [3], scalars: [7, 8, 9]))]
            try SafeTensors.write(tensors, metadata: ["k": "v"], to: url)
            #expect(SerializationFixtures.contents(of: directory) == ["a.safetensors"])
            let header = try SafeTensors.readHeader(from: url)
            #expect(header.entries.map(\.name) == ["w", "b"])
            #expect(header.entries.map(\.dataOffsets) == [0..<24, 24..<36])
            #expect(header.entries.allSatisfy { $0.dtype == .f32 })
            #expect(header.metadata == ["k": "v"])
            #expect(header.headerLength % 8 == 0)
            let file = try SafeTensors.read(from: url)
            #expect(file["w"]?.scalars == [1, 2, 3, 4, 5, 6])
            #expect(file["b"]?.shape == [3])
            #expect(try Data(contentsOf: url) == Data(SafeTensors.encode(tensors, metadata: ["k": "v"])))
        }
    }

    @Test func anEmptyFileOfNoTensorsIsValid() throws {
        let bytes = SafeTensors.encode([])
        #expect(bytes.count == 16)   // length 8, then "{}" padded to 8
        let file = try SafeTensors.parse(bytes: bytes)
        #expect(file.tensors.isEmpty && file.metadata.isEmpty)
    }

    /// Other dtypes are listed by the header reader but refused when loading values, naming the tensor.
    @Test func otherDtypesAreListedButNotLoaded() throws {
        let source = MemoryByteSource(name: "ints.safetensors", contents: Self.pythonNonFloat32File)
        let header = try SafeTensorsHeader.read(from: source)
        #expect(header.entries.map(\.name) == ["i", "h"])
        #expect(header.entries.map(\.dtype) == [.i64, .f16])
        expectCheckpointError(.unsupportedDtype, "tensor \"i\" has unsupported dtype I64", file: "ints.safetensors") {
            try SafeTensors.parse(bytes: Self.pythonNonFloat32File, source: "ints.safetensors")
        }
    }

    @Test func readingAMissingFileOrADirectoryIsATypedError() {
        SerializationFixtures.withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("missing.safetensors")
            expectCheckpointError(.unreadable, "No such file or directory", file: missing.path) { try SafeTensors.read(from: missing) }
            expectCheckpointError(.unreadable, "is a directory", file: directory.path) { try SafeTensors.read(from: directory) }
            let relative = URL(fileURLWithPath: "no-such-directory-\(getpid())/model.safetensors")
            expectCheckpointError(.unreadable, "cannot open: No such file or directory", file: "no-such-directory-\(getpid())/model.safetensors") {
                try SafeTensors.read(from: relative)
            }
        }
    }
}
