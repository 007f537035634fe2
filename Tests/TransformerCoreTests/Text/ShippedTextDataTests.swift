import Foundation
import Testing
@testable import TransformerCore

/// The committed real-data files (see Data/README.md) read as the classifier and the language model read
/// them: the documented counts, two labels, and splits that do not share a text.
@Suite struct ShippedTextDataTests {
    static let dataDirectory = packageDataDirectory

    @Test(arguments: [("sentiment-train.tsv", 8_455), ("sentiment-val.tsv", 1_057), ("sentiment-test.tsv", 1_056)])
    func sentimentSplitsParse(name: String, count: Int) throws {
        let texts = try LabeledTexts.read(Self.dataDirectory.appendingPathComponent(name).path)
        #expect(texts.count == count && Set(texts.labels) == ["neg", "pos"])
    }

    @Test func sentimentTestTextsAreNotTrainingTexts() throws {
        let training = Set(try LabeledTexts.read(Self.dataDirectory.appendingPathComponent("sentiment-train.tsv").path).texts)
        let test = try LabeledTexts.read(Self.dataDirectory.appendingPathComponent("sentiment-test.tsv").path).texts
        #expect(!test.contains(where: training.contains))   // Data/README.md: a duplicate never sits in two splits
    }

    @Test(arguments: ["shakespeare-train.txt", "shakespeare-val.txt", "shakespeare-test.txt"])
    func shakespeareIsNonEmptyUTF8(name: String) throws {
        let text = try LabeledTexts.readText(Self.dataDirectory.appendingPathComponent(name).path)
        #expect(text.count > 200_000 && text.contains("\n"))
    }
}
