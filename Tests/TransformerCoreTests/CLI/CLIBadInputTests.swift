import Foundation
import Testing

/// Issue 6's bad-input list, end to end: each case runs the built `transformer-cli` as a process in an
/// empty working directory and checks the exit status, that standard error is one `error:` line (after
/// the `file:line:` detail lines a pairs file may produce) naming the file, line or flag at fault, that
/// nothing crashed, and that no file was created or changed besides what the command promises.
///
/// The cases are data: flags here, pairs files in ``CLIBadInputFixtures``, checkpoints in
/// ``CLIBadCheckpointTests``. `{dir}` in an argument is the shared fixture directory, `{cwd}` the case's
/// own working directory.
@Suite("transformer-cli bad input (process)")
struct CLIBadInputTests {
    /// One command line and what it must do.
    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let status: Int32
        /// Texts the stderr must contain (after `{dir}` substitution): the file, line or flag at fault.
        let mentions: [String]
        var input: String?
        /// Paths under the working directory the command may create (a successful `train`'s run).
        var creates: [String] = []
        /// The exact standard output, when it matters (successful cases).
        var output: String?

        init(_ arguments: [String], _ status: Int32, _ mentions: [String], input: String? = nil,
             creates: [String] = [], output: String? = nil) {
            (self.arguments, self.status, self.mentions, self.input, self.creates, self.output)
                = (arguments, status, mentions, input, creates, output)
        }

        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let tiny = CLITraining.tinyModel
    static let data = "{dir}/pairs.tsv"
    static let checkpoint = "{dir}/best.safetensors"

    /// Command lines: exit 64, one line naming the flag.
    static let usageCases: [Case] = [
        Case(["train"], 64, ["--data"]),
        Case(["translate"], 64, ["--checkpoint"]),
        Case(["evaluate"], 64, ["--data"]),
        Case(["evaluate", "--data", "d.tsv"], 64, ["missing --checkpoint or --model"]),
        Case(["plot-attention"], 64, ["--out"]),
        Case(["plot-attention", "--checkpoint", checkpoint, "--out", "{cwd}/p"], 64, ["--text", "empty text"]),
        Case(["plot-attention", "--text", "a", "--out", "p"], 64, ["missing --checkpoint or --model"]),
        Case(["plot-loss"], 64, ["--logdir"]),
        Case(["plot-positional-encoding"], 64, ["--out"]),
        Case(["plot-loss", "--logdir", "{dir}", "--bogus"], 64, ["--bogus"]),
        Case(["plot-attention", "--checkpoint", checkpoint, "--text", "a", "--out", "{cwd}/p", "--layer", "0"], 64, ["--layer", "got 0"]),
        Case(["plot-attention", "--checkpoint", checkpoint, "--text", "a", "--out", "{cwd}/p", "--head", "x"], 64, ["--head", "'x'"]),
        Case(["plot-positional-encoding", "--out", "{cwd}/p", "--d-model", "0"], 64, ["--d-model", "got 0"]),
        Case(["plot-positional-encoding", "--out", "{cwd}/p", "--length", "1e9"], 64, ["--length", "'1e9'"]),
        Case(["help", "bogus"], 64, ["'bogus'"]),
        Case(["model", "--bogus"], 64, ["--bogus"]),
        Case(["train", "--data", data, "--bogus"], 64, ["--bogus"]),
        Case(["translate", "--checkpoint", checkpoint, "--bogus", "x"], 64, ["--bogus"]),
        Case(["evaluate", "--checkpoint", checkpoint, "--data", data, "--bogus"], 64, ["--bogus"]),
        Case(["bench", "--bogus"], 64, ["--bogus"]),
        Case(["model", "--d-model", "16", "--d-model", "32"], 64, ["--d-model", "'16'", "'32'", "give it once"]),
        Case(["train", "--data", data, "--data", "{dir}/other.tsv"], 64, ["--data"]),
        Case(["translate", "--checkpoint", checkpoint, "--beam", "2", "--beam=3", "x"], 64, ["--beam"]),
        Case(["model", "--d-model", "0"], 64, ["--d-model", "got 0"]),
        Case(["train", "--data", data, "--batch-size", "-3"], 64, ["--batch-size", "got -3"]),
        Case(["model", "--heads", "1e9"], 64, ["--heads", "'1e9'"]),
        Case(["train", "--data", data, "--lr", "nan"], 64, ["--lr", "got nan"]),
        Case(["train", "--data", data, "--lr", "1e39"], 64, ["--lr"]),
        Case(["train", "--data", data, "--epochs", "99999999999999999999"], 64, ["--epochs"]),
        Case(["train", "--data", data, "--warmup", "abc"], 64, ["--warmup", "'abc'"]),
        Case(["model", "--d-model", "10", "--heads", "3"], 64, ["--heads", "divisor of --d-model (10)"]),
        Case(["train", "--data", data, "--d-model", "16", "--heads", "3"], 64, ["--heads"]),
        Case(["model", "--d-model="], 64, ["--d-model", "''"]),
        Case(["model", "--dropout", "-0.1"], 64, ["--dropout"]),
        Case(["translate", "--checkpoint", checkpoint, "--beam", "-1", "x"], 64, ["--beam"]),
        Case(["translate", "--checkpoint", checkpoint, "--max-len", "1e9", "x"], 64, ["--max-len"]),
        Case(["evaluate", "--checkpoint", checkpoint, "--data", data, "--beam", "99999"], 64, ["--beam"]),
        Case(["bench", "--threads", "0"], 64, ["--threads"]),
        Case(["train", "--resume", checkpoint, "--d-model", "32"], 64, ["--d-model", "the checkpoint has 16"]),
    ]

    /// Pairs files: 65 with `file:line`, or accepted.
    static let dataCases: [Case] = [
        Case(["train", "--data", "{dir}/empty.tsv"] + tiny, 65, ["{dir}/empty.tsv", "empty or blank"]),
        Case(["train", "--data", "{dir}/blank.tsv"] + tiny, 65, ["{dir}/blank.tsv", "empty or blank"]),
        Case(["train", "--data", "{dir}/binary.tsv"] + tiny, 65, ["{dir}/binary.tsv", "NUL byte"]),
        Case(["train", "--data", "{dir}/invalid-utf8.tsv"] + tiny, 65, ["{dir}/invalid-utf8.tsv:3:", "UTF-8"]),
        Case(["train", "--data", "{dir}/long-line.tsv"] + tiny, 65, ["{dir}/long-line.tsv:2:", "65536"]),
        Case(["train", "--data", "{dir}/tabs.tsv"] + tiny, 65, ["{dir}/tabs.tsv:4:", "2 tabs"]),
        Case(["train", "--data", "{dir}/long-source.tsv", "--max-len", "20"] + tiny, 65,
             ["{dir}/long-source.tsv:41:", "source has 30 tokens, more than --max-len 20"]),
        Case(["train", "--data", "{dir}/long-target.tsv", "--max-len", "20"] + tiny, 65,
             ["{dir}/long-target.tsv:41:", "target has 25 tokens"]),
        Case(["train", "--data", data, "--val-data", "{dir}/binary.tsv"] + tiny, 65, ["{dir}/binary.tsv"]),
        Case(["evaluate", "--checkpoint", checkpoint, "--data", "{dir}/tabs.tsv"], 65, ["{dir}/tabs.tsv:4:"]),
        Case(["evaluate", "--checkpoint", checkpoint, "--data", "{dir}/empty.tsv"], 65, ["{dir}/empty.tsv"]),
        Case(["translate", "--checkpoint", checkpoint, "ok", String(repeating: "a", count: 101)], 65, ["argument 2"]),
        Case(["translate", "--checkpoint", checkpoint], 65, ["<stdin>:2"], input: "ok\n" + String(repeating: "b", count: 101) + "\n"),
        // Accepted: CRLF line ends, a byte-order mark, unseen characters, an empty text.
        Case(["train", "--data", "{dir}/crlf.tsv", "--epochs", "1", "--samples", "0", "--logdir", "run"] + tiny, 0, [],
             creates: ["run"]),
        Case(["train", "--data", "{dir}/bom.tsv", "--epochs", "1", "--samples", "0", "--logdir", "run"] + tiny, 0, [],
             creates: ["run"]),
        Case(["evaluate", "--checkpoint", checkpoint, "--data", "{dir}/crlf.tsv"], 0, []),
        Case(["translate", "--checkpoint", checkpoint, "--", ""], 0, [], output: "\n"),
        Case(["translate", "--checkpoint", checkpoint, "€"], 0, ["note: argument 1: 1 unknown token ('€')"]),
    ]

    /// Missing inputs (66) and unusable output directories (73); a directory that does not exist yet is made.
    static let fileCases: [Case] = [
        Case(["train", "--data", "{dir}/missing.tsv"] + tiny, 66, ["{dir}/missing.tsv", "not found"]),
        Case(["train", "--data", "{dir}"] + tiny, 66, ["{dir}"]),
        Case(["train", "--data", data, "--val-data", "{dir}/missing.tsv"] + tiny, 66, ["{dir}/missing.tsv"]),
        Case(["train", "--resume", "{dir}/missing.safetensors"], 66, ["{dir}/missing.safetensors"]),
        Case(["translate", "--checkpoint", "{dir}/missing.safetensors", "x"], 66, ["{dir}/missing.safetensors"]),
        Case(["plot-attention", "--checkpoint", "{dir}/missing.safetensors", "--text", "a", "--out", "{cwd}/p"], 66, ["{dir}/missing.safetensors"]),
        Case(["plot-loss", "--logdir", "{dir}/missing-run"], 66, ["{dir}/missing-run/metrics.csv"]),
        Case(["evaluate", "--checkpoint", checkpoint, "--data", "{dir}/missing.tsv"], 66, ["{dir}/missing.tsv"]),
        Case(["evaluate", "--checkpoint", "{dir}", "--data", data], 66, ["{dir}"]),
        Case(["train", "--data", data, "--logdir", "{dir}/file.txt"] + tiny, 73, ["--logdir {dir}/file.txt", "is a file"]),
        Case(["train", "--data", data, "--logdir", "run", "--out", "{dir}/file.txt/sub"] + tiny, 73,
             ["--out {dir}/file.txt/sub", "is a file"]),
        Case(["train", "--data", data, "--logdir", "/proc/transformer-cli-test/run"] + tiny, 73,
             ["--logdir /proc/transformer-cli-test/run: cannot create '/proc/transformer-cli-test': "]),
        Case(["train", "--data", data, "--epochs", "1", "--samples", "0", "--logdir", "new/deeper/run"] + tiny, 0, [],
             creates: ["new"]),
    ]

    @Test(arguments: usageCases + dataCases + fileCases)
    func badInput(_ badCase: Case) throws {
        try Self.check(badCase)
    }

    /// Runs `badCase` in a fresh working directory and checks everything the suite promises.
    static func check(_ badCase: Case, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fixtures = try CLIBadInputFixtures.directory.get()
        let cwd = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cwd) }
        func substitute(_ text: String) -> String {
            text.replacingOccurrences(of: "{dir}", with: fixtures.path).replacingOccurrences(of: "{cwd}", with: cwd.path)
        }
        let before = FileSnapshot(fixtures)
        let run = try CLITool.run(badCase.arguments.map(substitute), input: badCase.input, currentDirectory: cwd,
                                  sourceLocation: sourceLocation)
        let context = "\(badCase.testDescription)\n\(run)"
        #expect(!run.endedBySignal, "ended by a signal: \(context)", sourceLocation: sourceLocation)
        #expect(run.status == badCase.status, "\(context)", sourceLocation: sourceLocation)
        for marker in ["Fatal error", "Stack dump", "Backtrace", "fatalError", "precondition", "Illegal instruction"] {
            #expect(!run.standardError.contains(marker), "crash output: \(context)", sourceLocation: sourceLocation)
        }
        let lines = run.errorLinesBesidesDebugNote
        if badCase.status == 0 {
            #expect(!lines.contains { $0.hasPrefix("error:") }, "\(context)", sourceLocation: sourceLocation)
        } else {
            // The detail lines a pairs file may list (`file:line: reason`, `... and N more`), then one error line.
            #expect(lines.last?.hasPrefix("error: ") == true, "\(context)", sourceLocation: sourceLocation)
            #expect(lines.filter { $0.hasPrefix("error:") }.count == 1, "\(context)", sourceLocation: sourceLocation)
            for detail in lines.dropLast() {
                #expect(detail.range(of: #"^.+:\d+: .+|^\.\.\. and \d+ more$"#, options: .regularExpression) != nil,
                        "unexpected stderr line '\(detail)': \(context)", sourceLocation: sourceLocation)
            }
            #expect(badCase.status != 64 || lines.count == 1, "usage errors are one line: \(context)",
                    sourceLocation: sourceLocation)
        }
        for mention in badCase.mentions.map(substitute) {
            #expect(run.standardError.contains(mention), "stderr does not name '\(mention)': \(context)",
                    sourceLocation: sourceLocation)
        }
        if let output = badCase.output {
            #expect(run.standardOutput == output, "\(context)", sourceLocation: sourceLocation)
        }
        // Nothing changed in the fixtures; nothing created in the working directory but what was promised.
        #expect(FileSnapshot(fixtures) == before, "the fixtures changed: \(context)", sourceLocation: sourceLocation)
        let created = ((try? FileManager.default.contentsOfDirectory(atPath: cwd.path)) ?? []).sorted()
        #expect(created == badCase.creates.sorted(), "created \(created): \(context)", sourceLocation: sourceLocation)
    }
}

/// Every regular file under a directory: its size, modification time and, when under 1 MB, a hash of
/// its bytes (the 10 MB fixture is compared by size and time only: hashing it per case made the suite
/// slow in debug and sanitizer builds).
struct FileSnapshot: Equatable {
    struct Entry: Equatable {
        let size: Int
        let modified: Date?
        let hash: UInt64?
    }

    let entries: [String: Entry]

    init(_ directory: URL) {
        var entries: [String: Entry] = [:]
        let manager = FileManager.default
        for case let relative as String in manager.enumerator(atPath: directory.path) ?? FileManager.DirectoryEnumerator() {
            let path = directory.appendingPathComponent(relative).path
            let attributes = (try? manager.attributesOfItem(atPath: path)) ?? [:]
            let size = (attributes[.size] as? Int) ?? -1
            let isFile = (attributes[.type] as? FileAttributeType) == .typeRegular
            entries[relative] = Entry(size: size, modified: attributes[.modificationDate] as? Date,
                                      hash: isFile && size < 1_000_000 ? Self.hash(path) : nil)
        }
        self.entries = entries
    }

    /// FNV-1a of the file's bytes, read with POSIX calls (Foundation's `FileManager.contents(atPath:)`
    /// leaks its buffer under LeakSanitizer on this toolchain).
    static func hash(_ path: String) -> UInt64? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { return count == 0 ? hash : nil }
            buffer.withUnsafeBufferPointer { bytes in
                for index in 0..<count { hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3 }
            }
        }
    }
}
