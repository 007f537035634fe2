import Foundation
import Testing
@testable import TransformerCore

@Suite struct AtomicFileTests {
    typealias F = SerializationFixtures

    @Test func replacesTheFileAndLeavesNoTemporaryFile() throws {
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("out.bin")
            try AtomicFile.write(Array("first".utf8), to: url)
            try AtomicFile.write(Array("second".utf8), to: url)
            #expect(try String(contentsOf: url, encoding: .utf8) == "second")
            #expect(F.contents(of: directory) == ["out.bin"])
        }
    }

    /// Writes larger than the 1 MiB buffer, mixed with small ones, arrive in order.
    @Test func largeAndSmallWritesArriveInOrder() throws {
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("big.bin")
            let big = (0..<(3 << 19)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try AtomicFile.write(to: url) { output throws(AtomicWriteError.Cause) in
                try output.write([1, 2, 3])
                try output.write(big)
                try output.write([4])
            }
            #expect(try Data(contentsOf: url) == Data([1, 2, 3] + big + [4]))
        }
    }

    @Test func aMissingDirectoryFailsWithErrnoAndWritesNothing() throws {
        F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("missing/out.bin")
            #expect(throws: AtomicWriteError.self) { try AtomicFile.write([1], to: url) }
            do throws(AtomicWriteError) {
                try AtomicFile.write([1], to: url)
            } catch {
                #expect(error.cause.step == .create && error.cause.errorNumber == ENOENT)
                #expect(error.description == "\(url.path): could not write: No such file or directory (creating the temporary file); nothing was written")
            }
        }
    }

    /// Root ignores permissions, so failures come from paths: a parent that is a regular file, and a
    /// destination that is a directory (the rename fails after the temporary file was written).
    @Test func failuresLeaveThePreviousFileAndNoTemporaryFile() throws {
        try F.withTemporaryDirectory { directory in
            let parentFile = directory.appendingPathComponent("plain")
            try AtomicFile.write(Array("keep".utf8), to: parentFile)
            let underFile = parentFile.appendingPathComponent("out.bin")
            do throws(AtomicWriteError) {
                try AtomicFile.write([1], to: underFile)
                Issue.record("writing under a regular file succeeded")
            } catch {
                #expect(error.cause.errorNumber == ENOTDIR)
            }

            let destination = directory.appendingPathComponent("dir.safetensors")
            try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: false)
            try Data("inside".utf8).write(to: destination.appendingPathComponent("x"))
            do throws(AtomicWriteError) {
                try AtomicFile.write(Array("new".utf8), to: destination)
                Issue.record("renaming over a directory succeeded")
            } catch {
                #expect(error.cause.step == .rename)
                #expect(error.detail().hasSuffix("; the previous file is unchanged"), "\(error)")
            }
            #expect(F.contents(of: destination) == ["x"])
            #expect(try String(contentsOf: parentFile, encoding: .utf8) == "keep")
            #expect(F.contents(of: directory) == ["dir.safetensors", "plain"])
        }
    }

    /// Disk full, I/O errors and the like, simulated at each step before the rename.
    @Test(arguments: [(AtomicFile.Step.create, ENOSPC), (.write, ENOSPC), (.sync, EIO), (.rename, EXDEV)])
    func simulatedFailuresKeepThePreviousFile(step: AtomicFile.Step, errorNumber: Int32) throws {
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("last.safetensors")
            try AtomicFile.write(Array("previous".utf8), to: url)
            do throws(AtomicWriteError) {
                try AtomicFile.write(to: url, simulatingFailure: (step, errorNumber)) { output throws(AtomicWriteError.Cause) in
                    try output.write(Array("replacement".utf8))
                }
                Issue.record("the simulated failure was not reported")
            } catch {
                #expect(error.cause == .init(step: step, errorNumber: errorNumber))
                #expect(error.description.contains(String(cString: strerror(errorNumber))))
                #expect(error.description.hasSuffix("(\(step.rawValue)); the previous file is unchanged"))
            }
            #expect(try String(contentsOf: url, encoding: .utf8) == "previous")
            #expect(F.contents(of: directory) == ["last.safetensors"])
        }
    }

    @Test func aFailedDirectorySyncSaysTheNewFileIsInPlace() {
        F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("a.bin")
            do throws(AtomicWriteError) {
                try AtomicFile.write(to: url, simulatingFailure: (.syncDirectory, EIO)) { output throws(AtomicWriteError.Cause) in
                    try output.write([7])
                }
                Issue.record("the simulated failure was not reported")
            } catch {
                #expect(error.destinationReplaced && error.detail().contains("the new file is in place"))
            }
            #expect((try? Data(contentsOf: url)) == Data([7]))
        }
    }

    @Test func aFailingBodyRemovesTheTemporaryFile() throws {
        F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("a.bin")
            #expect(throws: AtomicWriteError.self) {
                try AtomicFile.write(to: url) { output throws(AtomicWriteError.Cause) in
                    try output.write([1, 2])
                    throw AtomicWriteError.Cause(step: .write, errorNumber: ENOSPC)
                }
            }
            #expect(F.contents(of: directory).isEmpty)
        }
    }
}
