import Foundation
import Testing
@testable import TransformerCore

@Suite struct MetricsCSVReaderTests {
    static let header = "step,wall_time,tag,value\n"

    @Test func readsBackWhatTheWriterWrote() throws {
        try LogFixtures.withTemporaryDirectory { root in
            let writer = try MetricsCSVWriter(logDirectory: root, clock: { 5 })
            try writer.addScalars([("train/loss", 2.5), ("train/lr", 1e-3), ("a,\"quoted\"\ntag", -1)], step: 10)
            try writer.addScalars([("train/loss", 1.25), ("val/loss", .nan)], step: 20)
            try writer.close()
            let log = try MetricsCSVReader.read(path: writer.path)
            #expect(log.tags == ["train/loss", "train/lr", "a,\"quoted\"\ntag", "val/loss"])
            #expect(log.series["train/loss"] == [.init(step: 10, value: 2.5), .init(step: 20, value: 1.25)])
            #expect(log.series["train/lr"] == [.init(step: 10, value: 1e-3)])
            #expect(log.series["a,\"quoted\"\ntag"] == [.init(step: 10, value: -1)])
            #expect(log.series["val/loss"]?.first?.value.isNaN == true)
            #expect(log.skipped.isEmpty)
        }
    }

    /// A resumed run appends rows for steps already logged: the last row of a step wins, sorted by step.
    @Test func aResumedRunsRepeatedStepsKeepTheLastValue() throws {
        let text = Self.header + "1,0,train/loss,3\n2,0,train/loss,2\n3,0,train/loss,1.5\n2,0,train/loss,2.25\r\n3,0,train/loss,1.75\n\n4,0,train/loss,1\n"
        let log = try MetricsCSVReader.parse(text, file: "m.csv")
        #expect(log.series["train/loss"]?.map(\.step) == [1, 2, 3, 4])
        #expect(log.series["train/loss"]?.map(\.value) == [3, 2.25, 1.75, 1])
    }

    @Test(arguments: [
        ("", "m.csv:1: expected the header \"step,wall_time,tag,value\", found an empty file"),
        ("step,tag,value\n", "m.csv:1: expected the header \"step,wall_time,tag,value\", found \"step,tag,value\""),
        (header + "1,0,train/loss\n", "m.csv:2: expected 4 fields (step,wall_time,tag,value), found 3"),
        (header + "1,0,train/loss,1\nx,0,train/loss,1\n", "m.csv:3: expected an integer step, found \"x\""),
        (header + "1,noon,train/loss,1\n", "m.csv:2: expected a number wall_time, found \"noon\""),
        (header + "1,0,\"two\nlines\",1\n2,0,train/loss,low\n", "m.csv:4: expected a number value for train/loss, found \"low\""),
    ])
    func badFilesNameTheLineAndWhatWasExpected(text: String, message: String) {
        #expect(throws: MetricsCSVError.self) { try MetricsCSVReader.parse(text, file: "m.csv") }
        do {
            _ = try MetricsCSVReader.parse(text, file: "m.csv")
        } catch {
            #expect(error.description == message)
            #expect(!error.description.contains("\n") || message.contains("\n"))
        }
    }

    @Test func malformedRowsCanBeSkippedButNotABadHeader() throws {
        let text = Self.header + "1,0,train/loss,2\n2,17000,tra\n3,0,train/loss,1\n"
        let log = try MetricsCSVReader.parse(text, file: "m.csv", skipMalformedRows: true)
        #expect(log.series["train/loss"]?.map(\.step) == [1, 3])
        #expect(log.skipped.map(\.line) == [3])
        #expect(throws: MetricsCSVError.self) { try MetricsCSVReader.parse("a,b\n", file: "m.csv", skipMalformedRows: true) }
    }

    @Test func missingFilesAndDirectoriesAreNamed() throws {
        try LogFixtures.withTemporaryDirectory { root in
            #expect(throws: MetricsCSVError(file: root + "/none.csv", line: nil, problem: .missing)) {
                try MetricsCSVReader.read(path: root + "/none.csv")
            }
            #expect(throws: MetricsCSVError(file: root, line: nil, problem: .unreadable)) {
                try MetricsCSVReader.read(path: root)
            }
        }
    }
}
