import Foundation
import Testing
@testable import TransformerCore

@Suite struct TensorBoardWriterTests {
    @Test func createsTheDirectoryAndAnEventFileTensorBoardRecognizes() throws {
        try LogFixtures.withTemporaryDirectory { root in
            let directory = root + "/runs/base/seed1"
            let clock = LogTestClock(1_712_345_678.5)
            let writer = try TensorBoardWriter(logDirectory: directory, clock: clock.read)
            let name = URL(fileURLWithPath: writer.path).lastPathComponent
            #expect(name == "events.out.tfevents.1712345678.\(TensorBoardWriter.hostname()).\(getpid())")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [name])

            clock.now += 2
            try writer.addScalar(tag: "train/loss", value: 2.5, step: 10)
            try writer.addScalars([("train/loss", 2.25), ("train/learning_rate", 1e-3)], step: 20, wallTime: 99)
            try writer.close()
            #expect(try TensorBoardEvent.events(inFileAt: writer.path) == [
                TensorBoardEvent(wallTime: 1_712_345_678.5, content: .fileVersion("brain.Event:2")),
                TensorBoardEvent(wallTime: 1_712_345_680.5, step: 10, content: .scalars([.init(tag: "train/loss", value: 2.5)])),
                TensorBoardEvent(wallTime: 99, step: 20, content: .scalars([.init(tag: "train/loss", value: 2.25),
                                                                            .init(tag: "train/learning_rate", value: 1e-3)])),
            ])
        }
    }

    @Test func fileNamesPadTheSecondsSoNameOrderIsTimeOrder() {
        #expect(TensorBoardWriter.fileName(unixSeconds: 42, hostname: "box", processID: 7) == "events.out.tfevents.0000000042.box.7")
        #expect(TensorBoardWriter.fileName(unixSeconds: 1_712_345_678, hostname: "", processID: 1) == "events.out.tfevents.1712345678.localhost.1")
    }

    @Test func writersStartedInTheSameSecondGetDistinctFiles() throws {
        try LogFixtures.withTemporaryDirectory { directory in
            let clock = LogTestClock(1_000_000_000)
            let first = try TensorBoardWriter(logDirectory: directory, clock: clock.read)
            let second = try TensorBoardWriter(logDirectory: directory + "/", clock: clock.read)
            #expect(second.path == first.path + ".1")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == 2)
        }
    }

    @Test func eventsReachTheFileEveryFlushIntervalAndOnClose() throws {
        try LogFixtures.withTemporaryDirectory { directory in
            let writer = try TensorBoardWriter(logDirectory: directory, flushInterval: 3)
            let afterVersion = LogFixtures.fileBytes(writer.path).count
            #expect(afterVersion > 0, "the file-version event is flushed at once")
            try writer.addScalar(tag: "a", value: 1, step: 1)
            try writer.addScalar(tag: "a", value: 2, step: 2)
            #expect(LogFixtures.fileBytes(writer.path).count == afterVersion)
            try writer.addScalar(tag: "a", value: 3, step: 3)
            #expect(try TensorBoardEvent.events(inFileAt: writer.path).count == 4)
            try writer.addScalar(tag: "a", value: 4, step: 4)
            try writer.flush()
            #expect(try TensorBoardEvent.events(inFileAt: writer.path).count == 5)
            try writer.addScalar(tag: "a", value: 5, step: 5)
            try writer.close()
            try writer.close()   // a second close does nothing
            #expect(try TensorBoardEvent.events(inFileAt: writer.path).count == 6)
            #expect(throws: LogFileError(path: writer.path, problem: .closed)) { try writer.addScalar(tag: "a", value: 6, step: 6) }
        }
    }

    @Test func aLogDirectoryThatIsAFileIsATypedError() throws {
        try LogFixtures.withTemporaryDirectory { root in
            let file = root + "/plain"
            FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
            #expect(throws: LogFileError(path: file, problem: .notADirectory)) { try TensorBoardWriter(logDirectory: file) }
            #expect(throws: LogFileError(path: file, problem: .notADirectory)) { try TensorBoardWriter(logDirectory: file + "/below/it") }
            let error = LogFileError(path: file, problem: .notADirectory)
            #expect(error.description == "\(file): is a file, not a directory; pass a directory for the logs")
        }
    }

    @Test(.enabled(if: getuid() != 0, "root may write anywhere"))
    func aReadOnlyLogDirectoryIsATypedError() throws {
        try LogFixtures.withTemporaryDirectory { root in
            let directory = root + "/readonly"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o555])
            #expect(throws: LogFileError(path: directory, problem: .notWritable)) { try TensorBoardWriter(logDirectory: directory) }
        }
    }

    #if os(Linux)
    @Test func aDirectoryThatCannotBeCreatedIsATypedErrorWithTheSystemsReason() throws {
        let path = "/proc/transformercore-logs"   // nobody, not even root, may create directories in /proc
        let error = try #require(throws: LogFileError.self) { try TensorBoardWriter(logDirectory: path + "/run") }
        guard case .cannotCreateDirectory(let reason) = error.problem else { Issue.record("\(error)"); return }
        #expect(error.path == path && !reason.isEmpty)
        #expect(error.description == "\(path): cannot create the log directory: \(reason)")
    }
    #endif

    @Test func relativeLogDirectoriesWork() throws {
        try LogFixtures.withTemporaryDirectory { root in
            let previous = FileManager.default.currentDirectoryPath
            FileManager.default.changeCurrentDirectoryPath(root)
            defer { FileManager.default.changeCurrentDirectoryPath(previous) }
            let writer = try TensorBoardWriter(logDirectory: "runs/relative")
            try writer.close()
            #expect(writer.path.hasPrefix("runs/relative/events.out.tfevents."))
            #expect(FileManager.default.fileExists(atPath: root + "/" + writer.path))
        }
    }

    /// Writes a small run for Scripts/check-tensorboard.sh to open with TensorBoard's own loader.
    /// Runs only when TRANSFORMERCORE_SAMPLE_LOGDIR names the directory to write.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TRANSFORMERCORE_SAMPLE_LOGDIR"] != nil))
    func writeSampleLogDirectory() throws {
        let directory = try #require(ProcessInfo.processInfo.environment["TRANSFORMERCORE_SAMPLE_LOGDIR"])
        let logger = try TrainingLogger(logDirectory: directory)
        let start = Date().timeIntervalSince1970
        for step in stride(from: 0, through: 200, by: 20) {
            let loss = 4 * Float(exp(-Double(step) / 80)) + 0.5
            let rate = Float(step + 1) / 4000
            try logger.log([("train/loss", loss), ("train/learning_rate", rate)], step: step, wallTime: start + Double(step) / 10)
            if step % 100 == 0 {
                try logger.log([("valid/loss", loss + 0.25)], step: step, wallTime: start + Double(step) / 10)
            }
        }
        try logger.close()
    }
}
