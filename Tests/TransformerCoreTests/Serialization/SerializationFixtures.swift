import Foundation
import Testing
@testable import TransformerCore

/// Shared helpers of the Serialization tests.
enum SerializationFixtures {
    /// A new empty directory under the system's temporary directory; the caller removes it.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tc-serialization-\(getpid())-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `body` with a fresh temporary directory and removes it afterwards.
    static func withTemporaryDirectory<R>(_ body: (URL) throws -> R) rethrows -> R {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    /// The names in `directory`, sorted.
    static func contents(of directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    /// A safetensors file from a literal JSON header (padded to 8 bytes) and data bytes; the length
    /// field is the header's length unless `declaredLength` replaces it.
    static func rawFile(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        var headerBytes = Array(header.utf8)
        headerBytes += repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8)
        let length = declaredLength ?? UInt64(headerBytes.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + headerBytes + data
    }

    /// One F32 tensor entry for a literal header.
    static func entry(_ name: String, shape: [Int], offsets: (Int, Int), dtype: String = "F32") -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(offsets.0),\(offsets.1)]}"
    }

    /// A small model configuration for fast checkpoint tests (~2,000 parameters).
    static let smallConfiguration = TransformerConfiguration(
        sourceVocabularySize: 11, targetVocabularySize: 13, modelDimension: 8, headCount: 2, layerCount: 1,
        feedForwardDimension: 16, dropout: 0.1, maximumLength: 16)

    /// Tied embeddings, learned positions, post-norm, GELU: the other branches of the parameter list.
    static let tiedConfiguration = TransformerConfiguration(
        sourceVocabularySize: 9, targetVocabularySize: 7, modelDimension: 4, headCount: 1, layerCount: 2,
        feedForwardDimension: 8, dropout: 0.0, maximumLength: 12, normPlacement: .post, activation: .gelu,
        positionalEncoding: .learned, tieTargetEmbedding: true)

    static func model(_ configuration: TransformerConfiguration = smallConfiguration, seed: UInt64 = 7) -> Transformer {
        try! Transformer(configuration: configuration, generator: SeededGenerator(seed: seed))
    }

    /// The bit patterns of every parameter, by name.
    static func parameterBits(_ model: Transformer) -> [String: [UInt32]] {
        Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.tensor.scalars.map(\.bitPattern)) })
    }
}

/// Expects `body` to throw a ``CheckpointError`` of `kind` whose description starts with `file` and
/// contains `phrase`; records an issue when it returns instead.
func expectCheckpointError<T>(_ kind: CheckpointError.Kind, _ phrase: String, file: String,
                              sourceLocation: SourceLocation = #_sourceLocation,
                              _ body: () throws -> T) {
    do {
        _ = try body()
        Issue.record("expected a \(kind) error containing \"\(phrase)\", but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as CheckpointError {
        #expect(error.kind == kind, "kind \(error.kind) != \(kind): \(error)", sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix(file + ": "), "does not name \(file): \(error)", sourceLocation: sourceLocation)
        #expect(error.detail.contains(phrase), "\"\(error.detail)\" does not contain \"\(phrase)\"", sourceLocation: sourceLocation)
        #expect(!error.description.contains("\n"), "not one line: \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a CheckpointError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
}
