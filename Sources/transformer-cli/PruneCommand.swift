import Foundation
import TransformerCore

/// `transformer-cli prune`: writes a smaller checkpoint without some attention heads.
struct PruneCommand: Command {
    static let name = "prune"
    static let abstract = "Remove attention heads: a smaller, faster checkpoint."
    static let discussion = """
        Writes --out: the model of --checkpoint without the heads named by --heads, or, with \
        --keep-fraction F, pruned iteratively by importance as in Michel et al. 2019: measure every head's \
        gradient importance on --data (see heads), remove the least important --step-heads heads, and \
        repeat until at most F of the unpruned model's heads remain. An attention always keeps one head. \
        A removed head takes its D rows of W^Q, W^K, W^V and its D columns of W^O with it, so the model \
        is genuinely smaller; it computes exactly what the unpruned model computes with those heads \
        masked. Every command loads the result like any checkpoint (its configuration lists the pruned \
        heads); it has no optimizer state, so it cannot be --resumed.

        --heads is a comma-separated list of ATTENTION:LAYER:HEAD, numbered from 1 as in heads and \
        plot-attention; ATTENTION is encoder, decoder or cross (a classifier has encoder, a language \
        model decoder), e.g. --heads encoder:1:2,cross:2:4. A pruned model can be pruned again; heads keep \
        their original numbers.
        """

    static let options: [OptionSpec] = [
        .text("checkpoint", default: nil, required: true, help: "A checkpoint written by train or prune."),
        .text("out", default: nil, required: true, help: "The pruned checkpoint to write (.safetensors; not overwritten)."),
        .text("heads", default: nil, help: "Heads to remove: ATTENTION:LAYER:HEAD,... (numbered from 1)."),
        .number("keep-fraction", NumberConstraint(description: "a fraction in (0, 1]") { $0.isFinite && $0 > 0 && $0 <= 1 },
                default: nil, help: "Prune by importance until at most this fraction of the heads remain (needs --data)."),
        .integer("step-heads", in: 1...1_000_000, default: 1,
                 help: "Heads removed per step of --keep-fraction pruning (importance is measured again each step)."),
        .text("data", default: nil, help: "Data to measure importance on (--keep-fraction), read as heads reads it."),
        .integer("batch-size", in: ConfigurationOptions.sizes, default: 64, help: "Examples run through the model at once."),
        .flag("skip-invalid", help: "Leave out invalid lines of --data instead of stopping with exit 65."),
        .flag("force", help: "Overwrite --out if it exists."),
    ]

    let checkpointPath: String
    let outPath: String
    let heads: String?
    let keepFraction: Float?
    let stepHeads: Int
    let dataPath: String?
    let batchSize: Int
    let skipInvalid: Bool
    let force: Bool

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        checkpointPath = arguments.text("checkpoint")!
        outPath = arguments.text("out")!
        heads = arguments.text("heads")
        keepFraction = arguments.optionalNumber("keep-fraction")
        stepHeads = arguments.integer("step-heads")
        dataPath = arguments.text("data")
        batchSize = arguments.integer("batch-size")
        skipInvalid = arguments.flag("skip-invalid")
        force = arguments.flag("force")
    }

    func validate() throws(UsageError) {
        switch (heads, keepFraction) {
        case (nil, nil): throw UsageError("prune: expected --heads SPEC or --keep-fraction F, got neither")
        case (.some, .some): throw UsageError("--heads: cannot be combined with --keep-fraction; give one of them")
        case (.some, nil):
            if dataPath != nil { throw UsageError("--data: only with --keep-fraction (--heads names the heads itself)") }
            _ = try Self.parseHeads(heads!)
        case (nil, .some):
            if dataPath == nil { throw UsageError("--data: expected the file to measure head importance on (--keep-fraction), got nothing") }
        }
        guard outPath.hasSuffix(".safetensors") else {
            throw .invalidValue(option: "out", expected: "a file name ending in .safetensors", found: UsageError.quoted(outPath))
        }
        guard outPath != checkpointPath else {
            throw UsageError("--out: must differ from --checkpoint (\(UsageError.quoted(outPath))); the input is never overwritten")
        }
    }

    /// "encoder:1:2,cross:2:4" -> 0-based ``PrunedHeads``; a usage error names the bad item.
    static func parseHeads(_ text: String) throws(UsageError) -> PrunedHeads {
        var result = PrunedHeads()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let kind = AttentionKind(rawValue: parts[0]),
                  let layer = Int(parts[1]), let head = Int(parts[2]), layer >= 1, head >= 1 else {
                throw .invalidValue(option: "heads", expected: "ATTENTION:LAYER:HEAD items (encoder|decoder|cross, numbered from 1) "
                                    + "separated by commas", found: UsageError.quoted(String(item)))
            }
            result.remove([head - 1], kind: kind, layer: layer - 1)
        }
        return result
    }

    func run() throws -> Int32 {
        if !force && FileManager.default.fileExists(atPath: outPath) {
            throw CommandFailure("\(outPath): already exists; choose another --out or add --force", status: ExitCode.cannotCreate)
        }
        let measurement = try HeadMeasurement.load(checkpointPath, data: dataPath, batchSize: batchSize, skipInvalid: skipInvalid)
        let original = measurement.model
        let before = original.attentionSites.reduce(0) { $0 + $1.keptHeads.count }
        let pruned: any TransformerModel
        if let heads {
            let removed = try Self.parseHeads(heads)
            do { pruned = try Self.prune(original, removed) }
            catch { throw UsageError("--heads: \(Self.describe(error))") }
        } else {
            pruned = try measurement.pruneIteratively(Double(keepFraction!), stepHeads) { model, importance in
                let kept = model.attentionSites.reduce(0) { $0 + $1.keptHeads.count }
                printError("\(kept) heads: loss \(String(format: "%.4f", importance.baselineLoss)), "
                           + "\(importance.baselineMetric.name) \(String(format: "%.4f", importance.baselineMetric.value))")
            }
        }
        let after = pruned.attentionSites.reduce(0) { $0 + $1.keptHeads.count }
        var metadata = measurement.keptMetadata
        metadata["pruned_from"] = checkpointPath
        do {
            try Checkpoint.save(model: pruned, metadata: metadata, to: URL(fileURLWithPath: outPath))
        } catch {
            throw CommandFailure("\(error)", status: ExitCode.cannotCreate)
        }
        let removed = pruned.prunedHeads
        let list = pruned.attentionSites.filter { !removed.removedHeads($0.kind, layer: $0.layer).isEmpty }.map { site in
            "\(site.kind.name) \(site.layer + 1): " + removed.removedHeads(site.kind, layer: site.layer).map { "\($0 + 1)" }.joined(separator: ",")
        }
        print("Wrote \(outPath): \(after) of \(before + original.prunedHeads.count) heads kept (\(before) before), "
              + "\(TextFormatting.grouped(pruned.parameterCount)) parameters (\(TextFormatting.grouped(original.parameterCount)) before)")
        if !list.isEmpty { print("Removed heads (attention layer: heads): " + list.joined(separator: "; ")) }
        return ExitCode.success
    }

    private static func prune<M: TransformerModel>(_ model: M, _ heads: PrunedHeads) throws(ConfigurationError) -> any TransformerModel {
        try model.pruning(heads)
    }

    /// A pruning error in the command line's numbering (layers and heads from 1).
    static func describe(_ error: ConfigurationError) -> String {
        switch (error.expected, error.found) {
        case let (expected, found) where expected.hasPrefix("heads from 0 to "):
            let top = Int(expected.dropFirst("heads from 0 to ".count)).map { $0 + 1 } ?? 0
            return "expected heads from 1 to \(top), got \(renumbered(found))"
        case let (expected, found) where expected.hasPrefix("a layer from 0 to "):
            let top = Int(expected.dropFirst("a layer from 0 to ".count)).map { $0 + 1 } ?? 0
            return "expected a layer from 1 to \(top), got \(renumbered(found))"
        default:
            return "expected \(error.expected), got \(renumbered(error.found))"
        }
    }

    /// "head 4 in encoder layer 0" -> "head 5 in encoder layer 1": every number after "head " or "layer " plus one.
    static func renumbered(_ text: String) -> String {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for i in words.indices.dropFirst() where ["head", "layer"].contains(words[i - 1]) {
            if let n = Int(words[i]) { words[i] = "\(n + 1)" }
        }
        return words.joined(separator: " ")
    }
}
