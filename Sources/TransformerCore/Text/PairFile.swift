import Foundation

/// Reads a tab-separated file of translation pairs (`pairs.tsv`).
///
/// The format: UTF-8 text, one example a line, `source<TAB>target`.
/// - Line endings `\n` or `\r\n`; a UTF-8 byte-order mark at the start of the file is ignored.
/// - Blank lines (empty or only whitespace) are skipped and are not problems.
/// - Each side is **trimmed** of surrounding whitespace (`Character.isWhitespace`); whitespace inside
///   a side is kept (the word tokenizer splits on it, the character tokenizer keeps it as a token).
/// - A line is rejected, with its 1-based number and a ``LineProblem/Reason``, when it has no tab, more
///   than one tab, an empty side, invalid UTF-8 (checked line by line, so one bad line does not hide
///   the rest of the file), more tokens than `maximumLength` on either side (counted with that side's
///   ``TokenizerKind``, without `<sos>` / `<eos>`: ``Batch`` adds one, so the model needs
///   `maximumLength + 1` positions), or more than ``Limits/lineBytes`` bytes.
/// - The whole file is refused (a ``DataError``) when it is missing, a directory, unreadable, larger than
///   ``Limits/fileBytes``, binary (holds a NUL byte), or has no pair and no rejected line (empty or blank).
///
/// The file is streamed in 1 MiB chunks: a line longer than the limit is counted and skipped without
/// being held in memory, so a 10 MB line costs one `lineTooLong` problem, not a hang.
///
/// ```swift
/// let contents = try PairFile.read(at: url, sourceKind: .character, targetKind: .character, maximumLength: 100)
/// let pairs = try contents.requireValid(file: url.relativePath)   // strict; or use contents.pairs and warn
/// ```
public enum PairFile {
    /// Size limits, chosen so that a wrong file fails fast instead of filling memory.
    public struct Limits: Equatable, Sendable {
        /// The largest file accepted, in bytes. Default 1 GiB.
        public var fileBytes: Int
        /// The longest line accepted, in bytes (a `\r` counts, the `\n` does not). Default 64 KiB: about 10,000
        /// English words, far beyond any sentence the model is meant to take.
        public var lineBytes: Int

        public init(fileBytes: Int = 1 << 30, lineBytes: Int = 1 << 16) {
            self.fileBytes = fileBytes
            self.lineBytes = lineBytes
        }

        public static let standard = Limits()
    }

    /// The bytes read from the file at a time.
    static let chunkBytes = 1 << 20

    /// Reads and checks every line of the file at `url`.
    /// - Parameters:
    ///   - sourceKind, targetKind: how each side is counted against `maximumLength`.
    ///   - maximumLength: the most tokens a side may have (no limit when nil).
    ///   - name: the file's name in messages; defaults to `url.relativePath` (the path as the user typed it).
    public static func read(at url: URL, sourceKind: TokenizerKind, targetKind: TokenizerKind,
                            maximumLength: Int? = nil, limits: Limits = .standard,
                            name: String? = nil) throws(DataError) -> PairFileContents {
        let name = name ?? url.relativePath
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(file: name, .fileNotFound)
        }
        guard !isDirectory.boolValue else { throw DataError(file: name, .notAFile) }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limits.fileBytes {
            throw DataError(file: name, .fileTooLarge(bytes: size, limit: limits.fileBytes))
        }
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw DataError(file: name, .unreadable(Self.oneLine(error)))
        }
        defer { try? handle.close() }

        var parser = PairFileParser(name: name, sourceKind: sourceKind, targetKind: targetKind,
                                    maximumLength: maximumLength, lineLimit: limits.lineBytes)
        var total = 0
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: chunkBytes) } catch {
                throw DataError(file: name, .unreadable(Self.oneLine(error)))
            }
            guard let chunk, !chunk.isEmpty else { break }
            total += chunk.count
            // The size was checked above; this catches files that grow, or report no size, while read.
            guard total <= limits.fileBytes else {
                throw DataError(file: name, .fileTooLarge(bytes: total, limit: limits.fileBytes))
            }
            try Self.feed(chunk, to: &parser)
        }
        return try parser.finish()
    }

    /// Checks `bytes` as if they were the content of a file called `name` (same rules as ``read(at:sourceKind:targetKind:maximumLength:limits:name:)``).
    public static func parse(_ bytes: [UInt8], name: String, sourceKind: TokenizerKind, targetKind: TokenizerKind,
                             maximumLength: Int? = nil, limits: Limits = .standard) throws(DataError) -> PairFileContents {
        guard bytes.count <= limits.fileBytes else {
            throw DataError(file: name, .fileTooLarge(bytes: bytes.count, limit: limits.fileBytes))
        }
        var parser = PairFileParser(name: name, sourceKind: sourceKind, targetKind: targetKind,
                                    maximumLength: maximumLength, lineLimit: limits.lineBytes)
        try Self.feed(bytes, to: &parser)
        return try parser.finish()
    }

    /// Passes `bytes` to `parser` (withUnsafeBytes is `rethrows`, so the typed error is carried out by hand).
    private static func feed(_ bytes: some ContiguousBytes, to parser: inout PairFileParser) throws(DataError) {
        var failure: DataError?
        bytes.withUnsafeBytes { buffer in
            do throws(DataError) { try parser.consume(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// A system error's text on one line.
    private static func oneLine(_ error: any Error) -> String {
        let text = (error as NSError).localizedDescription
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
