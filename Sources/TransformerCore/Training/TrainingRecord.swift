import Foundation

/// The source and target tokenizers, as stored in a checkpoint's `tokenizers` metadata.
public struct TokenizerPair: Codable, Equatable, Sendable {
    public var source: AnyTokenizer
    public var target: AnyTokenizer

    public init(source: AnyTokenizer, target: AnyTokenizer) {
        self.source = source
        self.target = target
    }

    public init(source: some AnyTokenizerConvertible, target: some AnyTokenizerConvertible) {
        self.init(source: source.anyTokenizer, target: target.anyTokenizer)
    }

    /// Whether both sides are one tokenizer (`--shared-vocab`).
    public var isShared: Bool { source == target }
}

/// What a training checkpoint stores besides tensors, as JSON strings in the safetensors
/// `__metadata__`: `task`, `tokenizers` (translation), `training_options`, `training_state` and `optimizer_step`.
public struct TrainingRecord: Equatable, Sendable {
    /// The source and target tokenizers of a translation checkpoint (nil for other tasks).
    public var tokenizers: TokenizerPair?
    /// The ``TrainingTask/name`` of the run; nil in checkpoints written before tasks were recorded
    /// (those are translation runs).
    public var task: String?
    public var options: TrainingOptions?
    public var state: TrainingState?
    public var optimizerStep: Int?

    public static let tokenizersKey = "tokenizers"
    public static let optionsKey = "training_options"
    public static let stateKey = "training_state"
    public static let optimizerStepKey = "optimizer_step"
    public static let taskKey = "task"

    public init(tokenizers: TokenizerPair?, options: TrainingOptions?, state: TrainingState?, optimizerStep: Int?,
                task: String? = nil) {
        self.tokenizers = tokenizers
        self.task = task
        self.options = options
        self.state = state
        self.optimizerStep = optimizerStep
    }

    /// The metadata entries for ``Checkpoint/save(model:extraTensors:metadata:to:)``.
    public func metadata() throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        var result: [String: String] = [:]
        if let tokenizers { result[Self.tokenizersKey] = try json(tokenizers) }
        if let task { result[Self.taskKey] = task }
        if let options { result[Self.optionsKey] = try json(options) }
        if let state { result[Self.stateKey] = try json(state) }
        if let optimizerStep { result[Self.optimizerStepKey] = String(optimizerStep) }
        return result
    }

    /// Reads the record back from a checkpoint's metadata; `file` names the checkpoint in errors.
    /// Every entry is optional here (a model saved for inference only has no training entries; only
    /// translation checkpoints have `tokenizers`); ``requireTokenizers()`` asks for them.
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
        tokenizers = try decode(TokenizerPair.self, Self.tokenizersKey)
        task = metadata[Self.taskKey]
        options = try decode(TrainingOptions.self, Self.optionsKey)
        state = try decode(TrainingState.self, Self.stateKey)
        optimizerStep = try metadata[Self.optimizerStepKey].map { (text) throws(CheckpointError) -> Int in
            guard let value = Int(text), value >= 0 else {
                throw CheckpointError(file: file, kind: .invalidMetadata, detail: "metadata \"optimizer_step\" is not a step count: \(text)")
            }
            return value
        }
    }

    /// The translation tokenizers, or the error a checkpoint without them gets.
    public func requireTokenizers(file: String) throws(CheckpointError) -> TokenizerPair {
        guard let tokenizers else {
            throw CheckpointError(file: file, kind: .invalidMetadata,
                                  detail: "metadata has no \"\(Self.tokenizersKey)\"; this is not a transformer-cli training checkpoint")
        }
        return tokenizers
    }
}
