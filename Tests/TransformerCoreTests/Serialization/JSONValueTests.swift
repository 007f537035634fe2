import Testing
@testable import TransformerCore

@Suite struct JSONValueTests {
    static func parse(_ text: String) throws(JSONParseError) -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test func parsesEveryKindOfValueKeepingOrderAndExactNumbers() throws {
        let value = try Self.parse(" {\"z\": [1, -2.5e+3, 18446744073709551616], \"a\": {\"t\": true, \"f\": false, \"n\": null}, \"s\": \"\\u00e9\\ud83d\\ude42\\n\\/\"} ")
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["z", "a", "s"])
        guard case .array(let numbers) = members[0].value else { Issue.record("not an array"); return }
        #expect(numbers.map(\.typeDescription) == ["the number 1", "the number -2.5e+3", "the number 18446744073709551616"])
        #expect(numbers.map(\.nonNegativeInteger) == [1, nil, nil])
        guard case .string(let text) = members[2].value else { Issue.record("not a string"); return }
        #expect(text == "é🙂\n/")
    }

    @Test func quotingRoundTrips() throws {
        for text in ["", "plain", "quote \" backslash \\ slash /", "controls \u{0}\u{1}\u{1F}\n\r\t", "é 🙂 \u{7F}"] {
            guard case .string(let parsed) = try Self.parse(JSONValue.quoted(text)) else { Issue.record("not a string"); continue }
            #expect(parsed == text)
        }
    }

    @Test(arguments: ["", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "[1 2]", "01", "1.", "1e", "+1", "\"\\u12\"", "\"abc", "nul", "{\"a\":1}}"])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: JSONParseError.self) { try Self.parse(text) }
    }
}
