/// A `tokenizer.json` that cannot be used, as one line: the file, where in the JSON, what was expected
/// and what was found, e.g.
///
///     tokenizer.json: model.merges[3]: merge "ab" "zz": "zz" is not in the vocabulary
///     tokenizer.json: pre_tokenizer: expected a pre-tokenizer type (Whitespace, ...), found "UnicodeScripts"
public struct HuggingFaceTokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file as the caller named it (or `tokenizer.json` for text with no file).
    public let file: String
    /// The problem without the file name.
    public let reason: String

    public init(file: String, _ reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}
