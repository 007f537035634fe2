import Foundation
import Testing
@testable import TransformerCore

/// The Pig-Latin files in `Data/` (made by `Scripts/make-pig-latin-data.py`).
@Suite struct ShippedDataTests {
    static let files = [("pig-latin-small.tsv", 2_880), ("pig-latin-small-test.tsv", 320),
                        ("pig-latin-large.tsv", 19_800), ("pig-latin-large-test.tsv", 2_200)]

    /// Each file read once (strictly) and shared by the tests.
    static let contents: [String: Result<[TextPair], DataError>] = Dictionary(uniqueKeysWithValues: files.map { name, _ in
        (name, Result { () throws(DataError) in
            let url = packageDataDirectory.appendingPathComponent(name)
            return try PairFile.read(at: url, sourceKind: .character, targetKind: .character, maximumLength: 15, name: name)
                .requireValid(file: name)
        })
    })

    static func read(_ name: String) throws -> [TextPair] { try contents[name]!.get() }

    @Test(arguments: files)
    func parsesAndObeysTheRule(name: String, count: Int) throws {
        let pairs = try Self.read(name)
        #expect(pairs.count == count)
        #expect(Set(pairs.map(\.source)).count == count, "duplicate words")
        let letters = Set("abcdefghijklmnopqrstuvwxyz")
        let badWords = pairs.filter { pair in
            !pair.source.allSatisfy { letters.contains($0) || $0 == "-" } || !(2...12).contains(pair.source.count { $0 != "-" })
        }
        #expect(badWords.isEmpty, "not 2-12 lowercase letters: \(badWords.prefix(5))")
        let wrong = pairs.filter { PigLatin.translate($0.source) != $0.target }
        #expect(wrong.isEmpty, "not the rule: \(wrong.prefix(5).map { "\(name):\($0.line): \($0.source) -> \($0.target), expected \(PigLatin.translate($0.source))" })")
    }

    @Test func testWordsNeverAppearInAnyTrainingFile() throws {
        let small = Set(try Self.read("pig-latin-small.tsv").map(\.source))
        let smallTest = Set(try Self.read("pig-latin-small-test.tsv").map(\.source))
        let large = Set(try Self.read("pig-latin-large.tsv").map(\.source))
        let largeTest = Set(try Self.read("pig-latin-large-test.tsv").map(\.source))
        for test in [smallTest, largeTest] {
            #expect(test.isDisjoint(with: small) && test.isDisjoint(with: large))
        }
        #expect(small.isSubset(of: large) && smallTest.isSubset(of: largeTest))
    }
}
