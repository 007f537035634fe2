import Foundation
import TransformerCore

/// `transformer-cli score`: corpus BLEU and chrF of a file of outputs against a file of references,
/// with no model involved (what `sacrebleu REF -i HYP -m bleu chrf` prints, to compare with it).
struct ScoreCommand: Command {
    static let name = "score"
    static let abstract = "Score output lines against references (BLEU, chrF)."
    static let discussion = """
        Reads --hyp and --ref, one segment a line (UTF-8; line N of one is scored against line N of the \
        other), and prints corpus BLEU-4 and chrF2 as sacreBLEU 2.x computes them by default: BLEU with \
        13a tokenization and exp smoothing; chrF with character 6-grams, whitespace removed, beta 2 and \
        effective order. Segments are taken as they are (no lowercasing, no tokenization of your own). \
        --json prints the unrounded scores and their n-gram statistics.
        """

    static let options: [OptionSpec] = [
        .text("hyp", default: nil, required: true, help: "The outputs to score, one segment a line."),
        .text("ref", default: nil, required: true, help: "Their references, line by line."),
        .flag("json", help: "Print the scores as one JSON object instead of a table."),
    ]

    let hypothesisPath: String
    let referencePath: String
    let json: Bool

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        hypothesisPath = arguments.text("hyp")!
        referencePath = arguments.text("ref")!
        json = arguments.flag("json")
    }

    func run() throws -> Int32 {
        let hypotheses = try Self.read(hypothesisPath), references = try Self.read(referencePath)
        guard hypotheses.count == references.count else {
            throw CommandFailure("\(hypothesisPath) has \(TextFormatting.grouped(hypotheses.count)) lines but "
                                 + "\(referencePath) has \(TextFormatting.grouped(references.count)); "
                                 + "expected one reference line per hypothesis line", status: ExitCode.dataError)
        }
        let bleu = try BLEU.corpus(hypotheses: hypotheses, references: references)
        let chrF = try CHRF.corpus(hypotheses: hypotheses, references: references)
        if json {
            print(JSONLine.render(.object([
                ("hyp", .string(hypothesisPath)), ("ref", .string(referencePath)), ("segments", .integer(hypotheses.count)),
                ("bleu", .number(bleu.score)), ("bleu_matches", .array(bleu.matches.map { .integer($0) })),
                ("bleu_totals", .array(bleu.totals.map { .integer($0) })),
                ("hyp_len", .integer(bleu.hypothesisLength)), ("ref_len", .integer(bleu.referenceLength)),
                ("chrf", .number(chrF.score)), ("chrf_hyp", .array(chrF.hypothesisCounts.map { .integer($0) })),
                ("chrf_ref", .array(chrF.referenceCounts.map { .integer($0) })),
                ("chrf_match", .array(chrF.matchCounts.map { .integer($0) })),
            ])))
            return ExitCode.success
        }
        print("Scored \(hypothesisPath) against \(referencePath): \(TextFormatting.grouped(hypotheses.count)) segments")
        print(TextFormatting.table([
            ["BLEU-4", String(format: "%.2f", bleu.score), "\(bleu)"],
            ["chrF2", String(format: "%.2f", chrF.score), "character 6-grams, beta 2 (sacreBLEU defaults)"],
        ], rightAligned: [1]))
        return ExitCode.success
    }

    /// The segments of `path`; a missing file exits 66, bad content 65.
    static func read(_ path: String) throws -> [String] {
        do {
            return try SegmentFile.read(path)
        } catch {
            throw CommandFailure(error.description, status: error.isMissing ? ExitCode.noInput : ExitCode.dataError)
        }
    }
}
