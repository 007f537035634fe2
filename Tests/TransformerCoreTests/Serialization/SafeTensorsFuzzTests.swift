import Foundation
import Testing
@testable import TransformerCore

/// Seeded random mutations of valid files: the reader must throw a typed error naming the source or
/// return a consistent result; it must never crash, hang or allocate from a corrupt size.
@Suite struct SafeTensorsFuzzTests {
    static let source = "fuzz.safetensors"

    /// Applies one random mutation: byte flips, a truncation, a new length field, a JSON-significant
    /// character in the header, an inserted or deleted byte run.
    static func mutate(_ original: [UInt8], _ random: SeededGenerator) -> [UInt8] {
        var bytes = original
        let headerEnd = min(bytes.count, 8 + (Int(bytes[0]) | Int(bytes[1]) << 8))
        func index(_ range: Range<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(max(1, range.count))) }
        switch random.next() % 6 {
        case 0:
            for _ in 0...(random.next() % 4) { bytes[index(0..<bytes.count)] ^= UInt8(truncatingIfNeeded: 1 << (random.next() % 8)) }
        case 1:
            bytes = Array(bytes.prefix(index(0..<bytes.count)))
        case 2:
            let choices: [UInt64] = [0, 1, 7, 8, UInt64(headerEnd - 9), UInt64(headerEnd - 7), UInt64(bytes.count), .max, 1 << 63, random.next()]
            let length = choices[Int(random.next() % UInt64(choices.count))]
            for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(i))) }
        case 3:
            let significant = Array("{}[]\":,0123456789-.e\\ \u{0}".utf8) + [0xC3, 0xFF]
            bytes[index(8..<headerEnd)] = significant[Int(random.next() % UInt64(significant.count))]
        case 4:
            let at = index(0..<bytes.count)
            bytes.insert(contentsOf: (0..<(1 + random.next() % 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
        default:
            let at = index(0..<bytes.count)
            bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 8)))
        }
        return bytes
    }

    @Test func mutatedSafetensorsFilesNeverCrash() {
        let tensors: [NamedParameter] = [
            ("layer.weight", Tensor.uniform([3, 4], in: -1...1, generator: SeededGenerator(seed: 1))),
            ("layer.bias", Tensor(shape: [3], scalars: [1, 2, 3])), ("scalar", Tensor(5)), ("empty", Tensor(shape: [0], scalars: [])),
        ]
        let original = SafeTensors.encode(tensors, metadata: ["note": "fuzz \"me\"", "é": "\\u00e9"])
        let seed = FuzzSettings.seed(2024), caseCount = FuzzSettings.cases(4000)
        let random = SeededGenerator(seed: seed)
        var (accepted, rejected) = (0, 0)
        var kinds = Set<CheckpointError.Kind>()
        for round in 0..<caseCount {
            let bytes = Self.mutate(original, random)
            do {
                let file = try SafeTensors.parse(bytes: bytes, source: Self.source)
                #expect(file.tensors.allSatisfy { $0.tensor.count == $0.tensor.shape.reduce(1, *) }, "seed \(seed) case \(round)")
                accepted += 1
            } catch {
                #expect(error.description.hasPrefix(Self.source + ": ") && !error.detail.isEmpty, "seed \(seed) case \(round): \(error)")
                kinds.insert(error.kind)
                rejected += 1
            }
        }
        // Flips inside tensor data or metadata text leave a valid file; most other mutations do not.
        #expect(accepted > 100 && rejected > 2000, "accepted \(accepted), rejected \(rejected)")
        #expect(kinds.isSuperset(of: [.truncated, .invalidHeader, .invalidLayout]), "\(kinds)")
        FuzzSettings.report("safetensors reader", cases: caseCount, seed: seed, "accepted \(accepted), rejected \(rejected)")
    }

    /// The same at the checkpoint level: a mutated checkpoint loads a model or throws a typed error.
    @Test func mutatedCheckpointsNeverCrash() {
        let model = SerializationFixtures.model(SerializationFixtures.tiedConfiguration)
        let original = SafeTensors.encode(model.namedParameters, metadata: [
            "format": Checkpoint.format, "format_version": Checkpoint.formatVersion,
            "configuration": Checkpoint.encodeConfiguration(model.configuration),
        ])
        let seed = FuzzSettings.seed(7), caseCount = FuzzSettings.cases(300)
        let random = SeededGenerator(seed: seed)
        var loaded = 0
        for round in 0..<caseCount {
            let bytes = Self.mutate(original, random)
            do {
                let contents = try SafeTensors.parse(bytes: bytes, source: Self.source)
                _ = try Checkpoint.decode(contents, file: Self.source, generator: SeededGenerator(seed: 0))
                loaded += 1
            } catch {
                #expect(error.description.hasPrefix(Self.source + ": "), "seed \(seed) case \(round): \(error)")
            }
        }
        #expect(loaded > 0)
        FuzzSettings.report("checkpoint loader", cases: caseCount, seed: seed, "loaded \(loaded)")
    }
}
