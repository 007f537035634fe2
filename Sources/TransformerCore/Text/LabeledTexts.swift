import Foundation

/// A line of a labelled text file that cannot be used: `file:line: reason`.
public struct TextFileError: Error, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based; 0 for the file as a whole.
    public let line: Int
    public let reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)" }
}

/// Texts with a class label, read from UTF-8 lines `label<TAB>text` (the classifier's data).
///
/// The label is any non-empty string without a tab; the text is everything after the first tab
/// (further tabs are kept; spaces around label and text are trimmed). Empty lines and a final newline are
/// skipped; `\r\n` endings are accepted.
/// A line without a tab, with an empty label or an empty text is an error naming the line.
public struct LabeledTexts: Equatable, Sendable {
    public var labels: [String]
    public var texts: [String]

    public init(labels: [String], texts: [String]) {
        self.labels = labels
        self.texts = texts
    }

    public var count: Int { texts.count }

    /// Parses `contents`; `file` names the source in errors.
    public static func parse(_ contents: String, file: String) throws(TextFileError) -> LabeledTexts {
        var result = LabeledTexts(labels: [], texts: [])
        var number = 0
        // "\r\n" is one Character in Swift, so it is a separator of its own.
        for rawLine in contents.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " }) { continue }   // empty lines; a line of only a tab is an error below
            guard let tab = line.firstIndex(of: "\t") else {
                throw TextFileError(file: file, line: number, reason: "expected 'label<TAB>text', found no tab")
            }
            let spaces = CharacterSet(charactersIn: " ")   // tabs inside the text are kept
            let label = line[..<tab].trimmingCharacters(in: spaces)
            let text = line[line.index(after: tab)...].trimmingCharacters(in: spaces)
            guard !label.isEmpty else { throw TextFileError(file: file, line: number, reason: "expected a label before the tab, found none") }
            guard !text.isEmpty else { throw TextFileError(file: file, line: number, reason: "expected a text after the tab, found none") }
            result.labels.append(label)
            result.texts.append(text)
        }
        return result
    }

    /// Reads and parses the file at `path`.
    public static func read(_ path: String) throws(TextFileError) -> LabeledTexts {
        try parse(try readText(path), file: path)
    }

    /// The whole UTF-8 file at `path`, or an error naming it.
    public static func readText(_ path: String) throws(TextFileError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TextFileError(file: path, line: 0, reason: "cannot be read (no such file, or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TextFileError(file: path, line: 0, reason: "is not valid UTF-8")
        }
        return text
    }
}
