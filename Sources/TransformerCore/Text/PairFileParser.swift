import Foundation

/// The streaming half of ``PairFile``: fed the file's bytes chunk by chunk, it cuts lines at `\n`,
/// checks each line on its own, and keeps at most ``lineLimit`` bytes of the current line in memory.
struct PairFileParser {
    let name: String
    let sourceKind: TokenizerKind
    let targetKind: TokenizerKind
    let maximumLength: Int?
    let lineLimit: Int

    /// Lines finished so far; the line being read is `lineNumber + 1`.
    private var lineNumber = 0
    /// The bytes of the line being read (without its `\n`).
    private var current: [UInt8] = []
    /// Set once the current line passes `lineLimit`: its byte count so far (its bytes are dropped).
    private var overflowBytes: Int?
    /// Bytes consumed so far, for the offset of a NUL byte.
    private var consumed = 0
    private var pairs: [TextPair] = []
    private var problems: [LineProblem] = []

    init(name: String, sourceKind: TokenizerKind, targetKind: TokenizerKind, maximumLength: Int?, lineLimit: Int) {
        self.name = name
        self.sourceKind = sourceKind
        self.targetKind = targetKind
        self.maximumLength = maximumLength
        self.lineLimit = max(1, lineLimit)
    }

    /// Takes the next chunk of the file. Throws when it holds a NUL byte (a binary file).
    mutating func consume(_ buffer: UnsafeRawBufferPointer) throws(DataError) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        if let nul = memchr(base, 0, buffer.count) {
            throw DataError(file: name, .binary(offset: consumed + (UnsafeRawPointer(nul) - base)))
        }
        var start = 0
        while start < buffer.count {
            let remaining = buffer.count - start
            if let newline = memchr(base + start, 0x0A, remaining) {
                let end = UnsafeRawPointer(newline) - base
                append(UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
                finishLine()
                start = end + 1
            } else {
                append(UnsafeRawBufferPointer(rebasing: buffer[start...]))
                start = buffer.count
            }
        }
        consumed += buffer.count
    }

    /// Ends the input: checks a last line with no `\n`, then returns what was read.
    /// Throws ``DataError/Reason/empty`` when there was no pair and no rejected line.
    mutating func finish() throws(DataError) -> PairFileContents {
        if !current.isEmpty || overflowBytes != nil { finishLine() }
        guard !pairs.isEmpty || !problems.isEmpty else { throw DataError(file: name, .empty) }
        return PairFileContents(pairs: pairs, problems: problems)
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if let overflow = overflowBytes {
            overflowBytes = overflow + bytes.count
        } else if current.count + bytes.count > lineLimit {
            overflowBytes = current.count + bytes.count
            current = []
        } else {
            current.append(contentsOf: bytes)
        }
    }

    private mutating func finishLine() {
        lineNumber += 1
        defer { current.removeAll(keepingCapacity: current.count <= 4096) }
        if let overflow = overflowBytes {
            overflowBytes = nil
            problems.append(LineProblem(line: lineNumber, reason: .lineTooLong(bytes: overflow, limit: lineLimit)))
            return
        }
        var bytes = current[...]
        if lineNumber == 1 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.last == 0x0D { bytes = bytes.dropLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            problems.append(LineProblem(line: lineNumber, reason: .invalidUTF8(column: Self.firstInvalidByte(bytes) + 1)))
            return
        }
        switch check(text) {
        case .blank: break
        case .pair(let source, let target): pairs.append(TextPair(source: source, target: target, line: lineNumber))
        case .problem(let reason): problems.append(LineProblem(line: lineNumber, reason: reason))
        }
    }

    private enum LineResult {
        case blank
        case pair(String, String)
        case problem(LineProblem.Reason)
    }

    /// The rules for one decoded line (see ``PairFile``).
    private func check(_ text: String) -> LineResult {
        if text.allSatisfy(\.isWhitespace) { return .blank }
        let fields = text.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 2 else {
            return .problem(fields.count == 1 ? .noTab : .extraTabs(count: fields.count - 1))
        }
        let source = Self.trimmed(fields[0]), target = Self.trimmed(fields[1])
        if source.isEmpty { return .problem(.emptySide(.source)) }
        if target.isEmpty { return .problem(.emptySide(.target)) }
        if let maximumLength {
            let sourceCount = sourceKind.tokenCount(source)
            if sourceCount > maximumLength { return .problem(.tooManyTokens(.source, count: sourceCount, maximum: maximumLength)) }
            let targetCount = targetKind.tokenCount(target)
            if targetCount > maximumLength { return .problem(.tooManyTokens(.target, count: targetCount, maximum: maximumLength)) }
        }
        return .pair(source, target)
    }

    /// `text` without leading and trailing whitespace.
    static func trimmed(_ text: Substring) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
              let last = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(text[first...last])
    }

    /// The 0-based offset of the first byte that does not belong to a valid UTF-8 sequence.
    static func firstInvalidByte(_ bytes: ArraySlice<UInt8>) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }
}
