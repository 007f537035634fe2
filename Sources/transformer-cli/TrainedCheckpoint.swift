import Foundation
import TransformerCore

/// A checkpoint written by `train`, loaded and checked: the model, its tokenizers and (for `--resume`)
/// the training record. Errors name the file as the user typed it.
struct TrainedCheckpoint {
    /// The path as typed.
    let path: String
    let loaded: LoadedCheckpoint
    /// The encoder-decoder: a ``Transformer`` or a recurrent ``RecurrentEncoderDecoder`` (`--architecture`).
    let model: any SequenceToSequenceModel
    let record: TrainingRecord
    /// The CLI's data settings, when the checkpoint has them (`train` writes them).
    let dataOptions: TrainDataOptions?
    let tokenizers: TokenizerPair

    var url: URL { URL(fileURLWithPath: path) }

    /// The model as a Transformer, for what only a Transformer has (heads to measure and prune); a
    /// recurrent checkpoint is a one-line error naming the file, its architecture and `command`.
    func transformer(for command: String) throws(CheckpointError) -> Transformer {
        guard let transformer = model as? Transformer else {
            throw CheckpointError(file: path, kind: .wrongFamily,
                                  detail: "holds a \(model.architectureName) encoder-decoder; \(command) needs a Transformer "
                                      + "(train --architecture transformer)")
        }
        return transformer
    }

    /// Loads everything and checks that the tokenizers fit the model: each vocabulary's size is the
    /// model's vocabulary size on that side.
    /// - Parameter generator: becomes the model's dropout source (see ``Checkpoint/load(from:generator:)``).
    static func load(_ path: String, generator: SeededGenerator = SeededGenerator(seed: 0)) throws -> TrainedCheckpoint {
        func named(_ error: CheckpointError) -> CheckpointError {
            CheckpointError(file: path, kind: error.kind, detail: error.detail)
        }
        let loaded: LoadedCheckpoint
        let model: any SequenceToSequenceModel
        let record: TrainingRecord
        let tokenizers: TokenizerPair
        do throws(CheckpointError) {
            loaded = try Checkpoint.load(from: URL(fileURLWithPath: path), generator: generator)
            guard let encoderDecoder = loaded.sequenceToSequenceModel else {
                throw CheckpointError(file: path, kind: .wrongFamily,
                                      detail: "holds \(loaded.family.description), but \(ModelFamily.encoderDecoder.description) is needed")
            }
            model = encoderDecoder
            record = try TrainingRecord(metadata: loaded.metadata, file: path)
            tokenizers = try record.requireTokenizers(file: path)
        } catch {
            throw named(error)
        }
        for (side, tokenizer, size) in [("source", tokenizers.source, model.sourceVocabularySize),
                                        ("target", tokenizers.target, model.targetVocabularySize)]
        where tokenizer.vocabularySize != size {
            throw CheckpointError(file: path, kind: .invalidMetadata,
                                  detail: "the \(side) vocabulary has \(tokenizer.vocabularySize) tokens but the model's \(side) vocabulary size is \(size)")
        }
        var dataOptions: TrainDataOptions?
        if let json = loaded.metadata[TrainDataOptions.metadataKey] {
            do {
                dataOptions = try JSONDecoder().decode(TrainDataOptions.self, from: Data(json.utf8))
            } catch {
                throw CheckpointError(file: path, kind: .invalidMetadata,
                                      detail: "metadata \"\(TrainDataOptions.metadataKey)\" is not valid: \(error)")
            }
        }
        return TrainedCheckpoint(path: path, loaded: loaded, model: model, record: record, dataOptions: dataOptions,
                                 tokenizers: tokenizers)
    }

    /// One line describing the model: "64 d_model, 4 heads, 2 layers, d_ff 256: 204,830 parameters".
    var modelSummary: String {
        Self.modelSummary(model)
    }

    /// The summary line of either architecture.
    static func modelSummary(_ model: any SequenceToSequenceModel) -> String {
        if let recurrent = model as? RecurrentEncoderDecoder {
            return recurrentSummary(recurrent.configuration, parameterCount: model.parameterCount)
        }
        return modelSummary((model as! Transformer).configuration, parameterCount: model.parameterCount)
    }

    /// "24,866 parameters (GRU, hidden 32, 1 layer, bidirectional encoder, additive attention with 1 head, ...)".
    static func recurrentSummary(_ c: RecurrentConfiguration, parameterCount: Int) -> String {
        "\(TextFormatting.grouped(parameterCount)) parameters (\(c.architecture.title), hidden \(c.hiddenSize), "
            + "\(c.layerCount) layer\(c.layerCount == 1 ? "" : "s")\(c.bidirectional ? ", bidirectional encoder" : ""), "
            + "\(c.attention.rawValue) attention with \(c.headCount) head\(c.headCount == 1 ? "" : "s"), dropout \(c.dropout), "
            + "up to \(c.maximumLength - 1) tokens a side)"
    }

    static func modelSummary(_ c: TransformerConfiguration, parameterCount: Int) -> String {
        "\(TextFormatting.grouped(parameterCount)) parameters (d_model \(c.modelDimension), \(c.headCount) heads, "
            + "\(c.layerCount) layer\(c.layerCount == 1 ? "" : "s"), d_ff \(c.feedForwardDimension), dropout \(c.dropout), "
            + "\(c.normPlacement.rawValue)-norm, \(c.activation.rawValue), \(c.positionalEncoding.rawValue) positions"
            + "\(c.tieTargetEmbedding ? ", tied embeddings" : "")"
            + ConfigurationOptions.attentionSummary(selfAttention: c.selfAttention, crossAttention: c.crossAttention)
            + ", up to \(c.maximumLength - 1) tokens a side)"
    }
}

/// The data settings of a `train` run, stored in its checkpoints (metadata `data_options`) so that
/// `--resume` splits and encodes the data exactly as the run it continues.
extension TrainedCheckpoint {
    /// The tokenizer flags of the checkpoint's run: stored in its data options, or (older checkpoints)
    /// the kinds of its tokenizers.
    var tokenizerChoices: (source: TokenizerChoice, target: TokenizerChoice) {
        func fallback(_ tokenizer: AnyTokenizer) -> TokenizerChoice { .kind(tokenizer.kind ?? .character) }
        return (dataOptions?.sourceTokenizer ?? fallback(tokenizers.source), dataOptions?.targetTokenizer ?? fallback(tokenizers.target))
    }
}

struct TrainDataOptions: Codable, Equatable {
    static let metadataKey = "data_options"

    /// `--data`, as an absolute path.
    var data: String
    /// `--val-data`, as an absolute path.
    var validationData: String?
    var validationFraction: Double
    var minimumFrequency: Int
    var sharedVocabulary: Bool
    /// The tokenizer flags of the run; nil in checkpoints written before subword tokenizers (their kinds
    /// are the stored tokenizers' kinds).
    var sourceTokenizer: TokenizerChoice?
    var targetTokenizer: TokenizerChoice?
    /// `--vocab-size` (learned BPE); nil in older checkpoints.
    var vocabularySize: Int?
    /// `--max-len`: tokens per side.
    var maximumLength: Int
    var skipInvalid: Bool
    /// Pairs trained on and validated on (to warn when resumed on different data).
    var trainingPairs: Int
    var validationPairs: Int

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Strings, numbers and booleans always encode.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
