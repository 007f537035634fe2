import Foundation
import Testing
@testable import TransformerCore

/// A checkpoint's configuration is a claim made by the file: loading must not allocate a model the
/// file's tensors cannot fill.
@Suite struct CheckpointLimitsTests {
    typealias F = SerializationFixtures

    /// A 10 KB file whose configuration asks for a 268M-parameter model (1 GiB, within the 2^30 cap):
    /// refused at once, naming both counts. Before the check it drew 268M random weights, then failed.
    @Test(.timeLimit(.minutes(1)))
    func aHugeConfigurationInASmallFileIsRefusedBeforeAllocating() {
        var huge = F.smallConfiguration
        (huge.modelDimension, huge.feedForwardDimension, huge.headCount) = (4096, 4096, 1)
        #expect(huge.parameterCount > 200_000_000)
        let stored = F.model().parameterCount
        let start = Date()
        expectCheckpointError(.missingTensor, "needs \(huge.parameterCount) parameter values but the file holds only \(stored)",
                              file: CheckpointTests.name) {
            try CheckpointTests.decode(F.model().namedParameters, metadata: CheckpointTests.checkpointMetadata(huge))
        }
        #expect(Date().timeIntervalSince(start) < 5)
    }
}
