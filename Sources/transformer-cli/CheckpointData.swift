import Foundation
import TransformerCore

/// A data file read for a checkpoint's model, as `evaluate`, `heads` and `prune` read it: pairs for a
/// translation model (strict unless --skip-invalid; lengths in the model's tokens), 'label<TAB>text' lines
/// for a classifier (labels must be the model's), a plain text for a language model.
enum CheckpointData {
    /// The pairs of `path` that fit the model, the lines left out, and their encoding; the warnings are
    /// printed to standard error.
    static func pairs(_ path: String, checkpoint: TrainedCheckpoint, skipInvalid: Bool) throws
        -> (pairs: [TextPair], skipped: [LineProblem], encoded: EncodedPairs) {
        let tokenizers = checkpoint.tokenizers
        let maximumLength = checkpoint.model.maximumLength - 1
        var (pairs, skipped) = try PairReading.read(path, name: path, sourceKind: tokenizers.source.kind,
                                                    targetKind: tokenizers.target.kind, maximumLength: maximumLength,
                                                    skipInvalid: skipInvalid)
        if tokenizers.source.kind == nil || tokenizers.target.kind == nil {   // subword lengths, counted now
            let long = PairReading.tooLong(pairs, tokenizers: tokenizers, maximumLength: maximumLength)
            try PairReading.refuse(long, name: path, skipInvalid: skipInvalid)
            try PairReading.leaveOut(long, from: &pairs, skipped: &skipped, name: path, maximumLength: maximumLength)
        }
        if let warning = PairReading.skipWarning(skipped, name: path) { printError(warning) }
        let encoded = PairReading.encode(pairs, with: tokenizers)
        if encoded.unknownTokens > 0 {
            printError("note: \(path): \(TextFormatting.grouped(encoded.unknownTokens)) tokens in "
                       + "\(TextFormatting.grouped(encoded.pairsWithUnknown)) pairs are not in the model's vocabulary; "
                       + "they map to <unk>")
        }
        return (pairs, skipped, encoded)
    }

    /// The labelled texts of `path` as the classifier's examples (texts cut to the model's length).
    static func labeledExamples(_ path: String, classifier: FamilyCheckpoint.Classifier) throws -> [LabeledExample] {
        let texts: LabeledTexts
        do { texts = try LabeledTexts.read(path) }
        catch { throw CommandFailure("\(error)", status: error.line == 0 ? ExitCode.noInput : ExitCode.dataError) }
        let index = Dictionary(uniqueKeysWithValues: classifier.labels.enumerated().map { ($1, $0) })
        var examples: [LabeledExample] = []
        for (number, (label, text)) in zip(texts.labels, texts.texts).enumerated() {
            guard let k = index[label] else {
                throw CommandFailure("\(path): text \(number + 1): label '\(label)' is not a class of the model "
                                     + "(\(classifier.labels.joined(separator: ", ")))", status: ExitCode.dataError)
            }
            examples.append(LabeledExample(ids: Array(classifier.tokenizer.encodeIDs(text).prefix(classifier.model.maximumTokens)), label: k))
        }
        return examples
    }

    /// The plain text of `path` and its ids in the language model's tokenizer (at least 2).
    static func text(_ path: String, languageModel bundle: FamilyCheckpoint.LanguageModelBundle) throws -> (text: String, ids: [Int]) {
        let text: String
        do { text = try LabeledTexts.readText(path) }
        catch { throw CommandFailure("\(error)", status: ExitCode.noInput) }
        let ids = bundle.tokenizer.encodeIDs(text)
        guard ids.count >= 2 else {
            throw CommandFailure("\(path): expected a text of at least 2 tokens, found \(ids.count)", status: ExitCode.dataError)
        }
        return (text, ids)
    }
}
