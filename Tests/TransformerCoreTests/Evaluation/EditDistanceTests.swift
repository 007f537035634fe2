import Testing
@testable import TransformerCore

@Suite struct EditDistanceTests {
    @Test(arguments: [("kitten", "sitting", 3), ("flaw", "lawn", 2), ("", "abc", 3), ("abc", "", 3),
                      ("same", "same", 0), ("abc", "cba", 2), ("intention", "execution", 5)])
    func levenshteinOfStrings(hypothesis: String, reference: String, distance: Int) {
        #expect(editDistance(Array(hypothesis), Array(reference)) == distance)
        #expect(editDistance(Array(reference), Array(hypothesis)) == distance)
    }
}
