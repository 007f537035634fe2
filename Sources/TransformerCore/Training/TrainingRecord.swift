import Foundation

/// The source and target tokenizers, as stored in a checkpoint's `tokenizers` metadata.
public struct TokenizerPair: Codable, Equatable, Sendable {
    public var source: Tokenizer
    public var target: Tokenizer

    public init(source: Tokenizer, target: Tokenizer) {
        self.source = source
        self.target = target
    }
}

/// What a training checkpoint stores besides tensors, as JSON strings in the safetensors
/// `__metadata__`: `tokenizers`, `training_options`, `training_state` and `optimizer_step`.
public struct TrainingRecord: Equatable, Sendable {
    public var tokenizers: TokenizerPair
    public var options: TrainingOptions?
    public var state: TrainingState?
    public var optimizerStep: Int?

    public static let tokenizersKey = "tokenizers"
    public static let optionsKey = "training_options"
    public static let stateKey = "training_state"
    public static let optimizerStepKey = "optimizer_step"

    public init(tokenizers: TokenizerPair, options: TrainingOptions?, state: TrainingState?, optimizerStep: Int?) {
        self.tokenizers = tokenizers
        self.options = options
        self.state = state
        self.optimizerStep = optimizerStep
    }

    /// The metadata entries for ``Checkpoint/save(model:extraTensors:metadata:to:)``.
    public func metadata() throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        var result = [Self.tokenizersKey: try json(tokenizers)]
        if let options { result[Self.optionsKey] = try json(options) }
        if let state { result[Self.stateKey] = try json(state) }
        if let optimizerStep { result[Self.optimizerStepKey] = String(optimizerStep) }
        return result
    }

    /// Reads the record back from a checkpoint's metadata; `file` names the checkpoint in errors.
    /// Tokenizers are required; the training entries are optional (a model saved for inference only).
    public init(metadata: [String: String], file: String) throws(CheckpointError) {
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws(CheckpointError) -> T? {
            guard let text = metadata[key] else { return nil }
            do {
                return try JSONDecoder().decode(T.self, from: Data(text.utf8))
            } catch {
                throw CheckpointError(file: file, kind: .invalidMetadata,
                                      detail: "metadata \"\(key)\" is not valid: \(error)")
            }
        }
        guard let tokenizers = try decode(TokenizerPair.self, Self.tokenizersKey) else {
            throw CheckpointError(file: file, kind: .invalidMetadata,
                                  detail: "metadata has no \"\(Self.tokenizersKey)\"; this is not a transformer-cli training checkpoint")
        }
        self.tokenizers = tokenizers
        options = try decode(TrainingOptions.self, Self.optionsKey)
        state = try decode(TrainingState.self, Self.stateKey)
        optimizerStep = try metadata[Self.optimizerStepKey].map { (text) throws(CheckpointError) -> Int in
            guard let value = Int(text), value >= 0 else {
                throw CheckpointError(file: file, kind: .invalidMetadata, detail: "metadata \"optimizer_step\" is not a step count: \(text)")
            }
            return value
        }
    }
}
