import Foundation
import Testing
@testable import TransformerCore

@Suite struct PairFileTests {
    @Test func readsPairsWithCRLFBOMBlankLinesAndTrimming() throws {
        let text = "\u{FEFF}team\teamtay\r\n\r\n   \n\t\n  fly \t  yflay  \r\nnaïve\t👍🏽"   // no final newline
        let contents = try readPairs(utf8(text))
        #expect(contents.problems == [])
        #expect(contents.pairs == [TextPair(source: "team", target: "eamtay", line: 1),
                                   TextPair(source: "fly", target: "yflay", line: 5),
                                   TextPair(source: "naïve", target: "👍🏽", line: 6)])
    }

    @Test func innerWhitespaceIsKept() throws {
        let contents = try readPairs(utf8("the  cat\tle chat\n"), sourceKind: .word, targetKind: .word)
        #expect(contents.pairs.map(\.source) == ["the  cat"])
    }

    @Test func everyLineProblemIsReportedWithItsLineNumber() throws {
        var bytes = utf8("good\tline\n")                   // 1
        bytes += utf8("no tab here\n")                     // 2
        bytes += utf8("a\tb\tc\n")                         // 3
        bytes += utf8("  \tonly target\n")                 // 4
        bytes += utf8("only source\t \r\n")                // 5
        bytes += [0x61, 0x09, 0x62, 0xFF, 0x63, 0x0A]      // 6: a<TAB>b<0xFF>c
        bytes += utf8("abcdef\tab\n")                      // 7: source too long
        bytes += utf8("ab\tabcdef\n")                      // 8: target too long
        bytes += utf8("\n")                                // 9: blank
        bytes += utf8("fine\tok\n")                        // 10
        let contents = try readPairs(bytes, maximumLength: 5)
        #expect(contents.pairs.map(\.line) == [1, 10])
        #expect(contents.problems == [
            LineProblem(line: 2, reason: .noTab),
            LineProblem(line: 3, reason: .extraTabs(count: 2)),
            LineProblem(line: 4, reason: .emptySide(.source)),
            LineProblem(line: 5, reason: .emptySide(.target)),
            LineProblem(line: 6, reason: .invalidUTF8(column: 4)),
            LineProblem(line: 7, reason: .tooManyTokens(.source, count: 6, maximum: 5)),
            LineProblem(line: 8, reason: .tooManyTokens(.target, count: 6, maximum: 5)),
        ])
    }

    @Test func messagesAreOneLineWithFileAndLine() throws {
        var lines = [String](repeating: "x\ty", count: 11)
        lines.append("no tab")
        let contents = try readPairs(utf8(lines.joined(separator: "\n")))
        #expect(throws: DataError(file: "pairs.tsv", line: 12, .invalidLine(.noTab))) {
            try contents.requireValid(file: "pairs.tsv")
        }
        #expect(DataError(file: "pairs.tsv", line: 12, .invalidLine(.noTab)).description
                == "pairs.tsv:12: expected 'source<TAB>target', found no tab")
        #expect(DataError(file: "pairs.tsv", line: 7, .invalidLine(.tooManyTokens(.source, count: 140, maximum: 100))).description
                == "pairs.tsv:7: source has 140 tokens, more than --max-len 100")
        #expect(DataError(file: "pairs.tsv", .fileNotFound).description == "pairs.tsv: file not found")
        #expect(DataError(.invalidSplit("x")).description == "x")
    }

    @Test func strictSummaryNamesTheCountAndTheFirstFew() throws {
        let contents = try readPairs(utf8("a\nb\nc\td\te\nok\tok\n\tx\ny\t\n"))
        let error = DataError.invalidLines(file: "pairs.tsv", problems: contents.problems)
        #expect(error.description == "pairs.tsv: 5 invalid lines: line 1: expected 'source<TAB>target', found no tab; "
                + "line 2: expected 'source<TAB>target', found no tab; "
                + "line 3: expected 'source<TAB>target' with one tab, found 2 tabs; and 2 more")
        #expect(throws: error) { try contents.requireValid(file: "pairs.tsv") }
        #expect(!error.description.contains("\n"))
    }

    @Test func tokenLimitCountsWithEachSidesKind() throws {
        let line = utf8("👍🏽 naïve\tthe cat sat\n")   // 7 characters; 3 words
        #expect(try readPairs(line, maximumLength: 3, sourceKind: .word, targetKind: .word).problems == [])
        #expect(try readPairs(line, maximumLength: 7, sourceKind: .character, targetKind: .word).problems == [])
        #expect(try readPairs(line, maximumLength: 6, sourceKind: .character, targetKind: .word).problems
                == [LineProblem(line: 1, reason: .tooManyTokens(.source, count: 7, maximum: 6))])
        #expect(try readPairs(line, maximumLength: 2, sourceKind: .word, targetKind: .word).problems
                == [LineProblem(line: 1, reason: .tooManyTokens(.target, count: 3, maximum: 2))])
    }

    @Test func invalidUTF8OnOneLineDoesNotHideTheRest() throws {
        var bytes = utf8("é\tok\n")
        bytes += [0xC3, 0x28, 0x09, 0x61, 0x0A]    // a truncated two-byte sequence
        bytes += [0xED, 0xA0, 0x80, 0x09, 0x61, 0x0A]  // an encoded surrogate
        bytes += utf8("ü\tok\n")
        let contents = try readPairs(bytes)
        #expect(contents.pairs.map(\.source) == ["é", "ü"])
        #expect(contents.problems == [LineProblem(line: 2, reason: .invalidUTF8(column: 1)),
                                      LineProblem(line: 3, reason: .invalidUTF8(column: 1))])
    }

    @Test func fileErrors() throws {
        let scratch = try TextScratch()
        defer { scratch.remove() }
        func read(_ url: URL) throws -> PairFileContents {
            try PairFile.read(at: url, sourceKind: .character, targetKind: .character, name: "pairs.tsv")
        }
        #expect(throws: DataError(file: "pairs.tsv", .fileNotFound)) { try read(scratch.url.appendingPathComponent("nope.tsv")) }
        #expect(throws: DataError(file: "pairs.tsv", .notAFile)) { try read(scratch.url) }
        #expect(throws: DataError(file: "pairs.tsv", .empty)) { try read(scratch.write([])) }
        #expect(throws: DataError(file: "pairs.tsv", .empty)) { try read(scratch.write(utf8("\u{FEFF}\n  \r\n\t\n"))) }
        #expect(throws: DataError(file: "pairs.tsv", .binary(offset: 6))) { try read(scratch.write(utf8("a\tb\nc\t") + [0, 1, 2])) }
        let big = try scratch.write(utf8("a\tb\n"))
        #expect(throws: DataError(file: "pairs.tsv", .fileTooLarge(bytes: 4, limit: 3))) {
            try PairFile.read(at: big, sourceKind: .character, targetKind: .character,
                              limits: .init(fileBytes: 3), name: "pairs.tsv")
        }
        #expect(DataError(file: "pairs.tsv", .binary(offset: 6)).description
                == "pairs.tsv: expected UTF-8 text, found a NUL byte at byte offset 6 (a binary file?)")
    }

    @Test func theDefaultNameIsThePathAsGiven() throws {
        let scratch = try TextScratch()
        defer { scratch.remove() }
        let missing = scratch.url.appendingPathComponent("missing.tsv")
        #expect(throws: DataError(file: missing.path, .fileNotFound)) {
            try PairFile.read(at: missing, sourceKind: .word, targetKind: .word)
        }
    }

    @Test func aTenMegabyteLineIsOneCleanProblem() throws {
        var bytes = [UInt8](repeating: 0x61, count: 10_000_000)
        bytes[5_000_000] = 0x09
        bytes += utf8("\nteam\teamtay\n")
        let start = ContinuousClock.now
        let contents = try readPairs(bytes)
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(contents.problems == [LineProblem(line: 1, reason: .lineTooLong(bytes: 10_000_000, limit: 65_536))])
        #expect(contents.pairs == [TextPair(source: "team", target: "eamtay", line: 2)])
    }

    @Test func aLongLastLineWithoutNewlineIsReported() throws {
        let contents = try PairFile.parse(utf8("a\tb\n") + [UInt8](repeating: 0x62, count: 100), name: "p",
                                          sourceKind: .word, targetKind: .word, limits: .init(lineBytes: 10))
        #expect(contents.problems == [LineProblem(line: 2, reason: .lineTooLong(bytes: 100, limit: 10))])
        #expect(contents.problems[0].description == "line 2: line has 100 bytes, more than the limit of 10")
    }

    @Test func chunkBoundariesDoNotChangeTheResult() throws {
        let bytes = utf8("\u{FEFF}ab\tcd\r\nnaïve\t👍🏽\n\nno tab\nx\ty\tz\n") + [0xFF, 0x09, 0x61]
        let whole = try PairFile.parse(bytes, name: "p", sourceKind: .character, targetKind: .character)
        for cut in 0...bytes.count {
            for second in cut...bytes.count where second == cut || second == bytes.count || (second - cut) % 3 == 1 {
                var parser = PairFileParser(name: "p", sourceKind: .character, targetKind: .character,
                                            maximumLength: nil, lineLimit: 1 << 16)
                for range in [0..<cut, cut..<second, second..<bytes.count] {
                    try Array(bytes[range]).withUnsafeBytes { try parser.consume($0) }
                }
                #expect(try parser.finish() == whole, "cut at \(cut), \(second)")
            }
        }
    }
}
