import Foundation
import TransformerCore

/// The pairs of a run, read, checked, split and (later) encoded.
struct TrainingData {
    var training: [TextPair]
    var validation: [TextPair]
    /// Pairs read from --data (before the split), and invalid lines skipped in each file.
    var pairsRead: Int
    var skipped: Int
    var validationSkipped: Int
}

/// The pairs of a file as the tokenizers see them.
struct EncodedPairs {
    var examples: [Example]
    /// Tokens not in the vocabulary (mapped to <unk>), and the pairs holding any.
    var unknownTokens: Int
    var pairsWithUnknown: Int
}

enum PairReading {
    /// Bad lines listed before the summary error line.
    static let shownProblems = 5

    /// Reads `path` (named `name` in messages): strictly, or leaving out invalid lines when `skipInvalid`.
    /// Strict reading with invalid lines throws a ``CommandFailure`` (exit 65) listing the first few as
    /// `file:line: reason`. A file without any valid pair is an error either way.
    static func read(_ path: String, name: String, sourceKind: TokenizerKind?, targetKind: TokenizerKind?,
                     maximumLength: Int, skipInvalid: Bool) throws -> (pairs: [TextPair], skipped: [LineProblem]) {
        // A side cut by a subword tokenizer is counted once the tokenizer exists (``checkLengths``).
        let counted = sourceKind != nil && targetKind != nil
        let contents = try PairFile.read(at: URL(fileURLWithPath: path), sourceKind: sourceKind ?? .word,
                                         targetKind: targetKind ?? .word, maximumLength: counted ? maximumLength : nil,
                                         name: name)
        try refuse(contents.problems, name: name, skipInvalid: skipInvalid)
        guard !contents.pairs.isEmpty else {
            throw CommandFailure("\(name): no valid pair: all \(TextFormatting.grouped(contents.problems.count)) lines with text are invalid",
                                 status: ExitCode.dataError)
        }
        return (contents.pairs, contents.problems)
    }

    /// Moves the pairs of `long` (too long in the model's tokens) from `pairs` to `skipped` (kept in line
    /// order); exit 65 naming `name` when no pair is left.
    static func leaveOut(_ long: [LineProblem], from pairs: inout [TextPair], skipped: inout [LineProblem], name: String,
                         maximumLength: Int) throws {
        let lines = Set(long.map(\.line))
        pairs.removeAll { lines.contains($0.line) }
        skipped = (skipped + long).sorted { $0.line < $1.line }
        if pairs.isEmpty {
            throw CommandFailure("\(name): no pair of at most \(maximumLength) tokens a side", status: ExitCode.dataError)
        }
    }

    /// Throws (exit 65) listing the first few problems as `file:line: reason`, unless `skipInvalid`.
    static func refuse(_ problems: [LineProblem], name: String, skipInvalid: Bool) throws {
        if !problems.isEmpty && !skipInvalid {
            var details = problems.prefix(shownProblems).map { "\(name):\($0.line): \($0.reason)" }
            if problems.count > shownProblems { details.append("... and \(problems.count - shownProblems) more") }
            let count = problems.count == 1 ? "1 invalid line" : "\(TextFormatting.grouped(problems.count)) invalid lines"
            throw CommandFailure(details: details, "\(name): \(count); fix \(problems.count == 1 ? "it" : "them") "
                                 + "or pass --skip-invalid to leave \(problems.count == 1 ? "it" : "them") out",
                                 status: ExitCode.dataError)
        }
    }

    /// The pairs with a side of more than `maximumLength` tokens of its tokenizer, as line problems.
    static func tooLong(_ pairs: [TextPair], tokenizers: TokenizerPair, maximumLength: Int) -> [LineProblem] {
        pairs.compactMap { pair in
            for (side, text, tokenizer) in [(LineProblem.Side.source, pair.source, tokenizers.source),
                                            (.target, pair.target, tokenizers.target)] {
                let count = tokenizer.encodeIDs(text).count
                if count > maximumLength {
                    return LineProblem(line: pair.line, reason: .tooManyTokens(side, count: count, maximum: maximumLength))
                }
            }
            return nil
        }
    }

    /// "warning: pairs.tsv: left out 3 invalid lines (--skip-invalid); the first: line 2: ...".
    static func skipWarning(_ problems: [LineProblem], name: String) -> String? {
        guard let first = problems.first else { return nil }
        let count = problems.count == 1 ? "1 invalid line" : "\(TextFormatting.grouped(problems.count)) invalid lines"
        return "warning: \(name): left out \(count) (--skip-invalid); the first: \(first)"
    }

    /// Token ids of both sides of every pair; unknown tokens become <unk> and are counted.
    static func encode(_ pairs: [TextPair], with tokenizers: TokenizerPair) -> EncodedPairs {
        var encoded = EncodedPairs(examples: [], unknownTokens: 0, pairsWithUnknown: 0)
        encoded.examples.reserveCapacity(pairs.count)
        for pair in pairs {
            let source = tokenizers.source.encode(pair.source), target = tokenizers.target.encode(pair.target)
            encoded.examples.append(Example(source: source.ids, target: target.ids))
            let unknown = source.unknownCount + target.unknownCount
            encoded.unknownTokens += unknown
            if unknown > 0 { encoded.pairsWithUnknown += 1 }
        }
        return encoded
    }
}

extension TrainCommand {
    /// Reads --data (and --val-data) and splits off the validation pairs.
    func readData(_ settings: TrainSettings) throws -> TrainingData {
        let data = settings.data
        let (pairs, skipped) = try PairReading.read(data.data, name: settings.dataName, sourceKind: settings.sourceTokenizer.countingKind,
                                                    targetKind: settings.targetTokenizer.countingKind, maximumLength: data.maximumLength,
                                                    skipInvalid: data.skipInvalid)
        if let warning = PairReading.skipWarning(skipped, name: settings.dataName) { printError(warning) }
        if let validationPath = data.validationData {
            let name = settings.validationDataName ?? validationPath
            let (validation, validationSkipped) = try PairReading.read(
                validationPath, name: name, sourceKind: settings.sourceTokenizer.countingKind,
                targetKind: settings.targetTokenizer.countingKind,
                maximumLength: data.maximumLength, skipInvalid: data.skipInvalid)
            if let warning = PairReading.skipWarning(validationSkipped, name: name) { printError(warning) }
            return TrainingData(training: pairs, validation: validation, pairsRead: pairs.count, skipped: skipped.count,
                                validationSkipped: validationSkipped.count)
        }
        let split: DatasetSplit<TextPair>
        do {
            split = try DatasetSplit(pairs, validationFraction: data.validationFraction, seed: settings.options.seed)
        } catch {
            throw DataError(file: settings.dataName, error.reason)
        }
        return TrainingData(training: split.training, validation: split.validation, pairsRead: pairs.count,
                            skipped: skipped.count, validationSkipped: 0)
    }

    /// With a subword tokenizer on either side, leaves out (--skip-invalid) or refuses the pairs longer than
    /// --max-len in its tokens, which could not be counted while the files were read.
    func checkLengths(_ data: inout TrainingData, settings: TrainSettings, tokenizers: TokenizerPair) throws {
        guard settings.sourceTokenizer.countingKind == nil || settings.targetTokenizer.countingKind == nil else { return }
        let maximum = settings.data.maximumLength
        let validationName = settings.validationDataName ?? settings.dataName
        let trainingProblems = PairReading.tooLong(data.training, tokenizers: tokenizers, maximumLength: maximum)
        let validationProblems = PairReading.tooLong(data.validation, tokenizers: tokenizers, maximumLength: maximum)
        let separate = settings.data.validationData != nil
        try PairReading.refuse(separate ? trainingProblems : (trainingProblems + validationProblems).sorted { $0.line < $1.line },
                               name: settings.dataName, skipInvalid: settings.data.skipInvalid)
        if separate { try PairReading.refuse(validationProblems, name: validationName, skipInvalid: settings.data.skipInvalid) }
        let long = Set(trainingProblems.map(\.line)), longValidation = Set(validationProblems.map(\.line))
        data.training.removeAll { long.contains($0.line) }
        data.validation.removeAll { longValidation.contains($0.line) }
        if separate { data.validationSkipped += validationProblems.count; data.skipped += trainingProblems.count }
        else { data.skipped += trainingProblems.count + validationProblems.count }
        for (problems, name) in [(trainingProblems, settings.dataName), (validationProblems, validationName)] {
            if let warning = PairReading.skipWarning(problems, name: name) { printError(warning) }
        }
        guard !data.training.isEmpty else {
            throw CommandFailure("\(settings.dataName): no training pair of at most --max-len \(maximum) tokens a side",
                                 status: ExitCode.dataError)
        }
    }

    /// Tokenizers made from the training pairs only (so validation measures unseen data honestly), or read
    /// from the files named; with --shared-vocab one tokenizer made from both sides.
    func buildTokenizers(_ settings: TrainSettings, training: [TextPair]) throws -> TokenizerPair {
        let data = settings.data, frequency = data.minimumFrequency, size = data.vocabularySize ?? TokenizerChoice.defaultVocabularySize
        if data.sharedVocabulary, case .kind(let sourceKind) = settings.sourceTokenizer,
           case .kind(let targetKind) = settings.targetTokenizer {
            let shared = try Tokenizer.buildShared(sourceKind: sourceKind, sourceTexts: training.map(\.source),
                                                   targetKind: targetKind, targetTexts: training.map(\.target),
                                                   minimumFrequency: frequency)
            return TokenizerPair(source: shared.source, target: shared.target)
        }
        if data.sharedVocabulary {
            guard settings.sourceTokenizer == settings.targetTokenizer else {
                throw UsageError("--shared-vocab: expected one tokenizer for both sides, found --src-tokenizer "
                                 + "\(settings.sourceTokenizer) and --tgt-tokenizer \(settings.targetTokenizer)")
            }
            let shared = try settings.sourceTokenizer.build(texts: training.map(\.source) + training.map(\.target),
                                                            minimumFrequency: frequency, vocabularySize: size)
            return TokenizerPair(source: shared, target: shared)
        }
        return TokenizerPair(
            source: try settings.sourceTokenizer.build(texts: training.map(\.source), minimumFrequency: frequency, vocabularySize: size),
            target: try settings.targetTokenizer.build(texts: training.map(\.target), minimumFrequency: frequency, vocabularySize: size))
    }
}
