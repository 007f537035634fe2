import Foundation
import TransformerCore

/// The classifier's data: training and validation texts and the classes.
struct ClassifierData {
    let training: LabeledTexts
    let validation: LabeledTexts
    /// The training part's labels, sorted; class k is `labels[k]`.
    let labels: [String]

    /// Reads `data` (and `validation`, or holds out `fraction` of `data` drawn with `seed`); every
    /// validation label must be a training label.
    static func read(data: String, validation: String?, fraction: Double, seed: UInt64) throws -> ClassifierData {
        func load(_ path: String) throws -> LabeledTexts {
            do { return try LabeledTexts.read(path) }
            catch { throw CommandFailure("\(error)", status: error.line == 0 ? ExitCode.noInput : ExitCode.dataError) }
        }
        let all = try load(data)
        guard all.count > 0 else { throw CommandFailure("\(data): expected label<TAB>text lines, found none", status: ExitCode.dataError) }
        var training = all, held = LabeledTexts(labels: [], texts: [])
        if let validation {
            held = try load(validation)
        } else if fraction > 0 {
            var order = Array(0..<all.count)
            var generator = SeededGenerator(seed: seed)
            order.shuffle(using: &generator)
            let heldCount = Int((Double(all.count) * fraction).rounded())
            let heldSet = Set(order.prefix(heldCount))
            training = LabeledTexts(labels: [], texts: [])
            for i in 0..<all.count {
                if heldSet.contains(i) { held.labels.append(all.labels[i]); held.texts.append(all.texts[i]) }
                else { training.labels.append(all.labels[i]); training.texts.append(all.texts[i]) }
            }
        }
        let labels = Array(Set(training.labels)).sorted()
        guard labels.count >= 2 else {
            throw CommandFailure("\(data): expected at least 2 classes in the training part, found \(labels.count) (\(labels.joined()))",
                                 status: ExitCode.dataError)
        }
        if let stray = held.labels.first(where: { !labels.contains($0) }) {
            throw CommandFailure("\(validation ?? data): validation label '\(stray)' is not a class of the training part "
                                 + "(\(labels.joined(separator: ", ")))", status: ExitCode.dataError)
        }
        return ClassifierData(training: training, validation: held, labels: labels)
    }

    /// The texts as ids (cut to `maximumTokens`) with their class indices, and how many were cut.
    func encode(_ texts: LabeledTexts, tokenizer: AnyTokenizer, maximumTokens: Int) -> ([LabeledExample], Int) {
        var cut = 0
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let examples = zip(texts.texts, texts.labels).map { text, label -> LabeledExample in
            var ids = tokenizer.encodeIDs(text)
            if ids.count > maximumTokens { ids = Array(ids.prefix(maximumTokens)); cut += 1 }
            return LabeledExample(ids: ids, label: index[label]!)
        }
        return (examples, cut)
    }
}

/// The data settings of a `train --task classify|lm` run, stored in its checkpoints (metadata
/// `task_data_options`) so that `--resume` reads and encodes the data exactly as the run it continues.
struct TaskDataOptions: Codable, Equatable {
    static let metadataKey = "task_data_options"

    var task: String
    /// `--data` and `--val-data`, as absolute paths.
    var data: String
    var validationData: String?
    var validationFraction: Double
    /// `--tokenizer`: a kind, `bpe` or a file (stored as its text, so older checkpoints' kinds read the same).
    var tokenizer: TokenizerChoice
    var minimumFrequency: Int
    var lowercase: Bool
    /// `--max-len` (classify): the most tokens of a text.
    var maximumTokens: Int
    /// `--context` (lm).
    var context: Int
    var batchSize: Int
    var seed: UInt64
    /// `--vocab-size` (learned BPE); nil in checkpoints written before it.
    var vocabularySize: Int?
    /// `--image-size` (image-classify): the model input's side, resolved from the data when not given.
    var imageSize: Int?
    /// `--patch-size` and `--augment` (image-classify).
    var patchSize: Int?
    var augmentation: ImageAugmentation?

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Strings, numbers and booleans always encode.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
