import Testing
@testable import TransformerCore

@Suite struct DatasetSplitTests {
    @Test func splitIsDisjointCompleteAndOrderPreserving() throws {
        let items = Array(0..<100)
        let split = try DatasetSplit(items, validationFraction: 0.1, seed: 42)
        #expect(split.validation.count == 10 && split.training.count == 90)
        #expect((split.training + split.validation).sorted() == items)
        #expect(split.training == split.training.sorted() && split.validation == split.validation.sorted())
    }

    @Test func sameSeedSameSplitOtherSeedOtherSplit() throws {
        let items = Array(0..<50)
        let a = try DatasetSplit(items, validationFraction: 0.2, seed: 1)
        #expect(try DatasetSplit(items, validationFraction: 0.2, seed: 1) == a)
        #expect(try DatasetSplit(items, validationFraction: 0.2, seed: 2).validation != a.validation)
    }

    @Test(arguments: [(2, 0.1, 1), (3, 0.01, 1), (10, 0.25, 3), (10, 0.24, 2), (1, 0.5, 0), (5, 0.0, 0), (10, 0.5, 5)])
    func validationCounts(count: Int, fraction: Double, expected: Int) throws {
        let split = try DatasetSplit(Array(0..<count), validationFraction: fraction, seed: 0)
        #expect(split.validation.count == expected)
        #expect(split.training.count == count - expected)
    }

    @Test func fractionsThatLeaveNoTrainingDataAreErrors() {
        #expect(throws: DataError(.invalidSplit("validation fraction 0.8 of 2 examples leaves no training example; lower the fraction or add examples"))) {
            try DatasetSplit([1, 2], validationFraction: 0.8, seed: 0)
        }
        #expect(throws: DataError(.invalidSplit("expected at least one example to train on, found none"))) {
            try DatasetSplit([Int](), validationFraction: 0.1, seed: 0)
        }
        for bad in [1.0, -0.1, .nan, .infinity] {
            #expect(throws: DataError.self) { try DatasetSplit([1, 2, 3], validationFraction: bad, seed: 0) }
        }
        #expect(DataError(.invalidSplit("expected a validation fraction in [0, 1), found 1.0")).description
                == "expected a validation fraction in [0, 1), found 1.0")
    }
}
