import Foundation
import Testing
@testable import TransformerCore

/// A writer killed with SIGKILL mid-write leaves its temporary file; the next successful write of the
/// same destination removes it (its pid is gone), and keeps those of live writers and unrelated files.
@Suite struct AtomicFileStaleTests {
    typealias F = SerializationFixtures

    @Test func aSuccessfulWriteRemovesTemporaryFilesOfDeadWriters() throws {
        try F.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("last.safetensors")
            // pid_max is at most 2^22 on Linux: this pid cannot be running.
            let names = ["last.safetensors.tmp-99999999-1a2b", "last.safetensors.tmp-1-ffff", "best.safetensors.tmp-99999999-1",
                         "last.safetensors.tmp-notapid-1", "last.safetensors.bak"]
            for name in names { try Data([1, 2, 3]).write(to: directory.appendingPathComponent(name)) }
            try AtomicFile.write(Array("new".utf8), to: url)
            #expect(F.contents(of: directory) == [
                "best.safetensors.tmp-99999999-1", "last.safetensors", "last.safetensors.bak",
                "last.safetensors.tmp-1-ffff", "last.safetensors.tmp-notapid-1",
            ])
        }
    }
}
