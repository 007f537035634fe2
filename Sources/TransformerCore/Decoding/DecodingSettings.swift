/// The special-token and length arguments shared by the decoders, checked against the model.
struct DecodingSettings {
    let startToken: Int
    let endToken: Int
    /// Steps to run at most: the caller's maximum clamped to the model's `maximumLength`.
    let maximumLength: Int
    /// Whether each target id may be emitted: everything but padding and `<sos>`.
    let emittable: [Bool]

    init(model: any SequenceToSequenceModel, maximumLength: Int, startToken: Int?, endToken: Int?) throws(DecodingError) {
        let startToken = startToken ?? model.specialTokens.start, endToken = endToken ?? model.specialTokens.end
        let vocabulary = model.targetVocabularySize
        guard maximumLength >= 0 else {
            throw .invalidArgument(name: "maximumLength", expected: "a number of tokens >= 0", found: "\(maximumLength)")
        }
        for (name, token) in [("<sos>", startToken), ("<eos>", endToken)] where !(0..<vocabulary).contains(token) {
            throw .specialTokenOutOfVocabulary(name: name, token: token, vocabularySize: vocabulary)
        }
        emittable = (0..<vocabulary).map { $0 != model.specialTokens.padding && $0 != startToken }
        guard emittable.contains(true) else { throw .nothingToEmit(vocabularySize: vocabulary) }
        self.startToken = startToken
        self.endToken = endToken
        self.maximumLength = min(maximumLength, model.maximumLength)
    }
}
