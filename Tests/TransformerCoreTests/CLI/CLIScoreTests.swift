import Foundation
import Testing

/// `transformer-cli score` as a process: sacreBLEU 2.6.0's numbers for the same files (BLEUTests'
/// "punctuation" case and CHRFTests' "sentences" case), the table, and its bad inputs.
@Suite("transformer-cli score (process)")
struct CLIScoreTests {
    static let hypotheses = "The cat sat on the mat.\nIt is raining, isn't it?\nWe paid $3.50 for 1,000 items (roughly).\n"
    static let references = "The cat is on the mat.\r\nIt's raining, isn't it?\r\nWe paid $3.50 for 1,000 items.\r\n"

    /// A fresh directory holding `files` (name: bytes).
    static func directory(_ files: [String: [UInt8]]) throws -> URL {
        let directory = try CLITraining.temporaryDirectory()
        for (name, bytes) in files { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
        return directory
    }

    @Test func jsonMatchesSacreBLEU() throws {
        let directory = try Self.directory(["hyp.txt": Array(Self.hypotheses.utf8), "ref.txt": Array(Self.references.utf8)])
        defer { try? FileManager.default.removeItem(at: directory) }
        let (hyp, ref) = (directory.appendingPathComponent("hyp.txt").path, directory.appendingPathComponent("ref.txt").path)
        let json = try CLITool.run(["score", "--hyp", hyp, "--ref", ref, "--json"])
        #expect(json.status == 0, "\(json)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["segments"] as? Int == 3)
        #expect(abs((object["bleu"] as? Double ?? -1) - 57.76780299058959) <= 1e-9, "\(json)")
        #expect(abs((object["chrf"] as? Double ?? -1) - 82.30087917329634) <= 1e-9, "\(json)")
        #expect(object["chrf_match"] as? [Int] == [60, 53, 48, 44, 40, 36])
        #expect(object["bleu_matches"] as? [Int] == [19, 14, 10, 7])

        let table = try CLITool.run(["score", "--hyp", hyp, "--ref", ref])
        #expect(table.status == 0, "\(table)")
        #expect(table.standardOutput.hasPrefix("Scored \(hyp) against \(ref): 3 segments\n"), "\(table)")
        #expect(table.standardOutput.contains("\n  BLEU-4  57.77  BLEU = 57.77 76.0/63.6/52.6/43.8 "), "\(table)")
        #expect(table.standardOutput.contains("\n  chrF2   82.30  "), "\(table)")
    }

    /// Bad files: exit 66 when missing, 65 for bad content; one `error:` line naming the file.
    @Test func badInputIsOneLineNamingTheFile() throws {
        let directory = try Self.directory([
            "hyp.txt": Array(Self.hypotheses.utf8), "short.txt": Array("one line\n".utf8),
            "latin1.txt": [0x61, 0x0A, 0x63, 0x61, 0x66, 0xE9, 0x0A, 0x62, 0x0A], "binary.txt": [0x61, 0x00, 0x62, 0x0A],
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let cases: [([String], Int32, String)] = [
            (["--hyp", path("hyp.txt"), "--ref", path("missing.txt")], 66, "error: \(path("missing.txt")): not found"),
            (["--hyp", directory.path, "--ref", path("hyp.txt")], 66, "error: \(directory.path): is a directory"),
            (["--hyp", path("hyp.txt"), "--ref", path("short.txt")], 65,
             "error: \(path("hyp.txt")) has 3 lines but \(path("short.txt")) has 1; expected one reference line per hypothesis line"),
            (["--hyp", path("latin1.txt"), "--ref", path("hyp.txt")], 65,
             "error: \(path("latin1.txt")): line 2: expected UTF-8 text, found invalid bytes"),
            (["--hyp", path("binary.txt"), "--ref", path("hyp.txt")], 65,
             "error: \(path("binary.txt")): has a NUL byte at offset 1; expected UTF-8 text, found a binary file"),
            (["--hyp", path("hyp.txt")], 64, "--ref"),
        ]
        for (arguments, status, message) in cases {
            let run = try CLITool.run(["score"] + arguments)
            #expect(run.status == status, "\(arguments): \(run)")
            #expect(run.errorLines.count == 1 && run.errorLines[0].hasPrefix(status == 64 ? "error:" : message)
                    && run.errorLines[0].contains(message), "\(arguments): \(run)")
            #expect(run.standardOutput.isEmpty, "\(run)")
        }
    }
}
