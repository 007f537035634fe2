/// `tokenizers`' WordLevel model: each pre-tokenized word is one token, or `unk_token` when the
/// vocabulary lacks it. JSON: `{"type": "WordLevel", "vocab": {token: id}, "unk_token": "[UNK]"}`.
struct HFWordLevelModel: Equatable {
    var vocabulary: HFVocabulary
    var unknownToken: String
    /// The id of ``unknownToken`` (checked to exist when read: Python fails on any unknown word otherwise).
    var unknownID: Int

    func tokenize(_ word: [Unicode.Scalar]) -> [Int] {
        [vocabulary.id(bytes: Array(HFNormalizer.string(word).utf8)) ?? unknownID]
    }

    init(vocabulary: HFVocabulary, unknownToken: String, unknownID: Int) {
        self.vocabulary = vocabulary
        self.unknownToken = unknownToken
        self.unknownID = unknownID
    }

    init(json: HFJSON) throws(HuggingFaceTokenizerError) {
        vocabulary = try HFVocabulary.read(json.required("vocab"))
        unknownToken = try json.string("unk_token", default: "<unk>")
        guard let id = vocabulary.id(unknownToken) else {
            throw json.error("unk_token: expected a token of the vocabulary, found \(JSONText.quoted(unknownToken)), which is not in model.vocab")
        }
        unknownID = id
    }

    var json: JSONValue {
        .object([("type", .string("WordLevel")), ("vocab", vocabulary.json), ("unk_token", .string(unknownToken))])
    }
}
