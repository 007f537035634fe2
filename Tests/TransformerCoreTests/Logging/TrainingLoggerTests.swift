import Foundation
import Testing
@testable import TransformerCore

/// Records what it is given; fails on demand.
final class RecordingScalarSink: ScalarSink {
    var rows: [(tags: [String], values: [Float], step: Int, wallTime: Double?)] = []
    var flushCount = 0, closeCount = 0
    var failure: LogFileError?

    func addScalars(_ scalars: [(tag: String, value: Float)], step: Int, wallTime: Double?) throws(LogFileError) {
        if let failure { throw failure }
        rows.append((scalars.map(\.tag), scalars.map(\.value), step, wallTime))
    }

    func flush() throws(LogFileError) {
        flushCount += 1
    }

    func close() throws(LogFileError) {
        closeCount += 1
        if let failure { throw failure }
    }
}

@Suite struct TrainingLoggerTests {
    @Test func fansOutEachStepWithOneWallTime() throws {
        let a = RecordingScalarSink(), b = RecordingScalarSink()
        let logger = TrainingLogger(sinks: [a, b], clock: LogTestClock(123.5).read)
        try logger.log([("train/loss", 2), ("train/learning_rate", 0.5)], step: 7)
        try logger.log([("valid/loss", 3)], step: 8, wallTime: 200)
        try logger.flush()
        for sink in [a, b] {
            #expect(sink.rows.count == 2)
            #expect(sink.rows[0].tags == ["train/loss", "train/learning_rate"] && sink.rows[0].values == [2, 0.5])
            #expect(sink.rows[0].step == 7 && sink.rows[0].wallTime == 123.5)
            #expect(sink.rows[1].step == 8 && sink.rows[1].wallTime == 200)
            #expect(sink.flushCount == 1)
        }
    }

    @Test func oneFailingSinkDoesNotStopTheOthers() throws {
        let broken = RecordingScalarSink(), healthy = RecordingScalarSink()
        broken.failure = LogFileError(path: "full-disk", problem: .writeFailed("No space left on device"))
        let logger = TrainingLogger(sinks: [broken, healthy])
        #expect(throws: broken.failure!) { try logger.log([("a", 1)], step: 1) }
        #expect(healthy.rows.count == 1)
        #expect(throws: broken.failure!) { try logger.close() }
        #expect(healthy.closeCount == 1)
    }

    @Test func aLogDirectoryGetsAnEventFileAndACSVThatAgree() throws {
        try LogFixtures.withTemporaryDirectory { root in
            let directory = root + "/runs/exp"
            let logger = try TrainingLogger(logDirectory: directory, clock: LogTestClock(1_700_000_000).read)
            try logger.log([("train/loss", 1.5), ("train/tokens_per_second", 5321)], step: 50)
            try logger.close()
            let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            #expect(files.count == 2 && files[0].hasPrefix("events.out.tfevents.1700000000.") && files[1] == "metrics.csv")
            let events = try TensorBoardEvent.events(inFileAt: directory + "/" + files[0])
            #expect(events.last == TensorBoardEvent(wallTime: 1_700_000_000, step: 50, content: .scalars([
                .init(tag: "train/loss", value: 1.5), .init(tag: "train/tokens_per_second", value: 5321)])))
            #expect(String(decoding: LogFixtures.fileBytes(directory + "/metrics.csv"), as: UTF8.self) == """
                step,wall_time,tag,value
                50,1700000000.0,train/loss,1.5
                50,1700000000.0,train/tokens_per_second,5321.0

                """)
        }
    }
}
