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
    static func read(_ path: String, name: String, sourceKind: TokenizerKind, targetKind: TokenizerKind,
                     maximumLength: Int, skipInvalid: Bool) throws -> (pairs: [TextPair], skipped: [LineProblem]) {
        let contents = try PairFile.read(at: URL(fileURLWithPath: path), sourceKind: sourceKind, targetKind: targetKind,
                                         maximumLength: maximumLength, name: name)
        let problems = contents.problems
        if !problems.isEmpty && !skipInvalid {
            var details = problems.prefix(shownProblems).map { "\(name):\($0.line): \($0.reason)" }
            if problems.count > shownProblems { details.append("... and \(problems.count - shownProblems) more") }
            let count = problems.count == 1 ? "1 invalid line" : "\(TextFormatting.grouped(problems.count)) invalid lines"
            throw CommandFailure(details: details, "\(name): \(count); fix \(problems.count == 1 ? "it" : "them") "
                                 + "or pass --skip-invalid to leave \(problems.count == 1 ? "it" : "them") out",
                                 status: ExitCode.dataError)
        }
        guard !contents.pairs.isEmpty else {
            throw CommandFailure("\(name): no valid pair: all \(TextFormatting.grouped(problems.count)) lines with text are invalid",
                                 status: ExitCode.dataError)
        }
        return (contents.pairs, problems)
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
        let (pairs, skipped) = try PairReading.read(data.data, name: settings.dataName, sourceKind: settings.sourceKind,
                                                    targetKind: settings.targetKind, maximumLength: data.maximumLength,
                                                    skipInvalid: data.skipInvalid)
        if let warning = PairReading.skipWarning(skipped, name: settings.dataName) { printError(warning) }
        if let validationPath = data.validationData {
            let name = settings.validationDataName ?? validationPath
            let (validation, validationSkipped) = try PairReading.read(
                validationPath, name: name, sourceKind: settings.sourceKind, targetKind: settings.targetKind,
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

    /// Vocabularies built from the training pairs only (so validation measures unseen data honestly).
    func buildTokenizers(_ settings: TrainSettings, training: [TextPair]) throws -> TokenizerPair {
        let frequency = settings.data.minimumFrequency
        if settings.data.sharedVocabulary {
            let shared = try Tokenizer.buildShared(sourceKind: settings.sourceKind, sourceTexts: training.map(\.source),
                                                   targetKind: settings.targetKind, targetTexts: training.map(\.target),
                                                   minimumFrequency: frequency)
            return TokenizerPair(source: shared.source, target: shared.target)
        }
        return TokenizerPair(
            source: try Tokenizer.build(kind: settings.sourceKind, texts: training.map(\.source), minimumFrequency: frequency),
            target: try Tokenizer.build(kind: settings.targetKind, texts: training.map(\.target), minimumFrequency: frequency))
    }
}
