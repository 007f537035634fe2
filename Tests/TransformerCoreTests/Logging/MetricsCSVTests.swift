import Foundation
import Testing
@testable import TransformerCore

@Suite struct MetricsCSVTests {
    @Test(arguments: [
        ("train/loss", "train/loss"),
        ("", ""),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("carriage\rreturn", "\"carriage\rreturn\""),
        ("crlf\r\n", "\"crlf\r\n\""),
        ("\"", "\"\"\"\""),
        ("spaces stay as they are ", "spaces stay as they are "),
    ])
    func fieldsAreQuotedAsRFC4180Says(text: String, expected: String) {
        #expect(MetricsCSVWriter.field(text) == expected)
    }

    @Test func rowsAreLongFormatWithAHeader() throws {
        try LogFixtures.withTemporaryDirectory { root in
            let clock = LogTestClock(1_712_345_678.25)
            let writer = try MetricsCSVWriter(logDirectory: root + "/run", clock: clock.read)
            #expect(writer.path == root + "/run/metrics.csv")
            try writer.addScalars([("train/loss", 2.3125), ("lr, peak", 7e-4)], step: 100)
            #expect(String(decoding: LogFixtures.fileBytes(writer.path), as: UTF8.self) == """
                step,wall_time,tag,value
                100,1712345678.25,train/loss,2.3125
                100,1712345678.25,"lr, peak",0.0007

                """, "each call's rows are in the file when it returns")
            try writer.addScalar(tag: "odd", value: .nan, step: -1, wallTime: 5)
            try writer.addScalar(tag: "big", value: -.infinity, step: 2, wallTime: 5)
            try writer.close()
            let lines = String(decoding: LogFixtures.fileBytes(writer.path), as: UTF8.self).split(separator: "\n")
            #expect(lines.suffix(2) == ["-1,5.0,odd,nan", "2,5.0,big,-inf"])
        }
    }

    @Test func reopeningAppendsWithoutASecondHeader() throws {
        try LogFixtures.withTemporaryDirectory { root in
            let first = try MetricsCSVWriter(logDirectory: root)
            try first.addScalar(tag: "a", value: 1, step: 1, wallTime: 10)
            try first.close()
            let second = try MetricsCSVWriter(logDirectory: root)
            try second.addScalar(tag: "a", value: 2, step: 2, wallTime: 20)
            try second.close()
            #expect(String(decoding: LogFixtures.fileBytes(second.path), as: UTF8.self) == "step,wall_time,tag,value\n1,10.0,a,1.0\n2,20.0,a,2.0\n")
        }
    }

    @Test func aRowCutShortByACrashIsEndedBeforeAppending() throws {
        try LogFixtures.withTemporaryDirectory { root in
            let path = root + "/metrics.csv"
            FileManager.default.createFile(atPath: path, contents: Data("step,wall_time,tag,value\r\n1,10.0,a,1.0\r\n2,20".utf8))
            let writer = try MetricsCSVWriter(path: path)
            try writer.addScalar(tag: "a", value: 3, step: 3, wallTime: 30)
            try writer.close()
            #expect(String(decoding: LogFixtures.fileBytes(path), as: UTF8.self).hasSuffix("\r\n2,20\n3,30.0,a,3.0\n"))
        }
    }

    @Test func aFileWithAnotherHeaderIsNotAppendedTo() throws {
        try LogFixtures.withTemporaryDirectory { root in
            let path = root + "/metrics.csv"
            FileManager.default.createFile(atPath: path, contents: Data("epoch,loss\n1,2\n".utf8))
            let expected = LogFileError(path: path, problem: .unexpectedHeader(expected: "step,wall_time,tag,value", found: "epoch,loss"))
            #expect(throws: expected) { try MetricsCSVWriter(path: path) }
            #expect(expected.description == "\(path): expected the header \"step,wall_time,tag,value\", found \"epoch,loss\"; move the file away or log to another directory")
            #expect(LogFixtures.fileBytes(path).count == 15, "left untouched")
        }
    }
}
