import Foundation
import Testing
@testable import TransformerCore

/// The committed German-English sentence pairs (`Data/de-en-*.tsv`, made by
/// `Scripts/data/make-de-en-data.py`; see Data/README.md) read strictly as `train --data` reads them: the
/// documented counts, sentences on both sides, and held-out sentences that never occur in training.
/// (The English-Italian files are not committed; their builder checks them against `Data/en-it.sha256`.)
@Suite struct ShippedSentencePairsTests {
    static let files = [("de-en-train.tsv", 17_610), ("de-en-val.tsv", 1_000), ("de-en-test.tsv", 1_000)]

    static let contents: [String: Result<[TextPair], DataError>] = Dictionary(uniqueKeysWithValues: files.map { name, _ in
        (name, Result { () throws(DataError) in
            try PairFile.read(at: packageDataDirectory.appendingPathComponent(name), sourceKind: .word, targetKind: .word,
                              maximumLength: nil, name: name).requireValid(file: name)
        })
    })

    static func read(_ name: String) throws -> [TextPair] { try contents[name]!.get() }

    /// Every file; the 1.7 MB training file alone takes most of a second to parse in a debug build.
    @Test(arguments: files)
    func parsesStrictlyWithTheDocumentedCount(name: String, count: Int) throws {
        let pairs = try Self.read(name)
        #expect(pairs.count == count)
        #expect(Set(pairs.map { $0.source + "\t" + $0.target }).count == count, "duplicate pairs in \(name)")
        let notSentences = pairs.filter { pair in
            [pair.source, pair.target].contains { side in
                !(side.hasSuffix(".") || side.hasSuffix("?") || side.hasSuffix("!")) || side.utf8.count { $0 == 0x20 } < 2
            }
        }
        #expect(notSentences.isEmpty, "\(name): \(notSentences.prefix(3).map { "\($0.line): \($0.source)" })")
    }

    @Test func heldOutSentencesAreNotInTraining() throws {
        let training = try Self.read("de-en-train.tsv")
        let trainingSides = Set(training.map(\.source)).union(training.map(\.target))
        for name in ["de-en-val.tsv", "de-en-test.tsv"] {
            let leaked = try Self.read(name).filter { trainingSides.contains($0.source) || trainingSides.contains($0.target) }
            #expect(leaked.isEmpty, "\(name): \(leaked.prefix(3).map(\.source))")
        }
    }
}
