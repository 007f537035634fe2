import Foundation
import Testing
@testable import TransformerCore

/// ``ViTModel/fineTuning(for:generator:)``: the model to train on a dataset's classes.
@Suite struct ViTFineTuningTests {
    static func logits(_ model: VisionTransformer) throws -> [Float] {
        let pixels = try ViTFixtures.expected(ViTFixtures.rgb).pixelValues
        model.setTraining(false)
        return model.inferring { model(pixels) }.scalars                                      // [2, K]
    }

    /// The model's own classes in another order: the same model, its logits' columns in the data's order.
    @Test func sameClassesKeepTheHeadReordered() throws {
        let vit = try ViTModel.load(directory: ViTFixtures.directory(ViTFixtures.rgb))
        let classes = ["frog", "cat", "truck", "dog", "ship"]                                 // ids 4, 0, 3, 1, 2
        let (tuned, head) = try vit.fineTuning(for: classes, generator: SeededGenerator(seed: 1))
        #expect(head == .kept)
        let original = try Self.logits(vit.model), reordered = try Self.logits(tuned)
        let ids = classes.map { vit.labels.firstIndex(of: $0)! }
        for row in 0..<2 {
            expectClose(ids.indices.map { reordered[row * 5 + $0] }, ids.map { original[row * 5 + $0] }, tolerance: Tolerance.exact)
        }
    }

    /// Other classes (fewer, or names the model lacks): every weight but the head kept, a new head of the data's size.
    @Test(arguments: [["cat", "dog"], ["cat", "dog", "ship", "truck", "horse"]])
    func otherClassesGetANewHead(classes: [String]) throws {
        let vit = try ViTModel.load(directory: ViTFixtures.directory(ViTFixtures.rgb))
        let (tuned, head) = try vit.fineTuning(for: classes, generator: SeededGenerator(seed: 2))
        #expect(head == .new)
        #expect(tuned.configuration.classCount == classes.count)
        let before = Dictionary(uniqueKeysWithValues: vit.model.namedParameters.map { ($0.name, $0.tensor.scalars) })
        for (name, parameter) in tuned.namedParameters {
            if name.hasPrefix("head.") {
                #expect(parameter.shape.first == classes.count, "\(name)")
            } else {
                #expect(parameter.scalars == before[name], "\(name)")
            }
        }
        #expect(tuned.head.weight.scalars.contains { $0 != 0 })
    }

    /// Loading with a dropout rate (to fine-tune) builds the model with it; nil takes config.json's hidden_dropout_prob.
    @Test func dropoutFromTheCallerOrTheConfig() throws {
        let directory = try ViTLoaderErrorTests.copyOfFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try ViTModel.load(directory: directory).model.configuration.block.dropout == 0)
        #expect(try ViTModel.load(directory: directory, dropout: 0.2).model.configuration.block.dropout == 0.2)
        try ViTLoaderErrorTests.edit(directory, "config.json") { $0["hidden_dropout_prob"] = 0.1 }
        #expect(try ViTModel.load(directory: directory, dropout: nil).model.configuration.block.dropout == 0.1)
    }
}
