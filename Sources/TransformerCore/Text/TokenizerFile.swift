import Foundation

/// A tokenizer file that could not be used: which file, and what was expected and found, as one line.
public struct TokenizerFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let reason: String

    public init(file: String, _ reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}

/// Reads the tokenizer files other ecosystems write, by their name:
///
/// | file | format | type |
/// |---|---|---|
/// | `*.json` (`tokenizer.json`) | Hugging Face `tokenizers`: WordLevel, BPE (also byte-level), Unigram | ``HuggingFaceTokenizer`` |
/// | `*.model`, `*.spm` | SentencePiece `ModelProto`: unigram, BPE, word or char | ``SentencePieceTokenizer`` |
///
/// ```swift
/// let tokenizer = try TokenizerFile.load(URL(fileURLWithPath: "tokenizer.json"))
/// tokenizer.encodeIDs("Hello world")
/// ```
public enum TokenizerFile {
    /// The formats, told apart by the file's extension.
    public enum Format: String, Sendable, CaseIterable {
        case huggingFace = "tokenizer.json"
        case sentencePiece = "SentencePiece model"

        /// The format of a file called `path`, nil when the extension is none of them.
        public init?(path: String) {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "json": self = .huggingFace
            case "model", "spm": self = .sentencePiece
            default: return nil
            }
        }
    }

    /// The largest tokenizer file read (a 250,000-piece SentencePiece model is about 5 MB).
    public static let maximumBytes = 256 << 20

    /// Whether `text`, given where a tokenizer is asked for, names a file rather than a built-in kind.
    public static func isFileName(_ text: String) -> Bool { Format(path: text) != nil }

    /// The tokenizer in the file at `url`.
    /// - Throws: ``TokenizerFileError`` naming the file: missing, unreadable, too large, an unknown
    ///   extension, or contents its format's reader refuses.
    public static func load(_ url: URL) throws(TokenizerFileError) -> AnyTokenizer {
        let name = url.path
        guard let format = Format(path: name) else {
            throw TokenizerFileError(file: name, "expected a tokenizer.json (.json) or a SentencePiece model (.model), "
                                     + "found a file ending in '.\(url.pathExtension)'")
        }
        let bytes = try read(url)
        switch format {
        case .huggingFace:
            do { return .huggingFace(try HuggingFaceTokenizer(jsonBytes: bytes, file: name)) }
            catch { throw TokenizerFileError(file: name, error.reason) }
        case .sentencePiece:
            do { return .sentencePiece(try SentencePieceTokenizer(bytes: bytes, source: name)) } catch { throw TokenizerFileError(file: name, "not a usable SentencePiece model: \(error.reason)") }
        }
    }

    /// The file's bytes; at most ``maximumBytes``.
    static func read(_ url: URL) throws(TokenizerFileError) -> [UInt8] {
        let name = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory) else {
            throw TokenizerFileError(file: name, "expected a tokenizer file, found no such file")
        }
        guard !isDirectory.boolValue else { throw TokenizerFileError(file: name, "expected a tokenizer file, found a directory") }
        let size = (try? FileManager.default.attributesOfItem(atPath: name)[.size] as? Int) ?? 0
        guard size <= maximumBytes else {
            throw TokenizerFileError(file: name, "expected at most \(maximumBytes) bytes, found \(size)")
        }
        do { return [UInt8](try Data(contentsOf: url)) }
        catch { throw TokenizerFileError(file: name, "cannot be read: \(error.localizedDescription)") }
    }
}
