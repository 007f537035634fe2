import Foundation
@testable import TransformerCore

/// A fresh folder under the system's temporary directory, removed by ``remove()``.
struct TextScratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("TransformerCoreTextTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `name` inside the folder and returns its URL.
    func write(_ bytes: [UInt8], to name: String = "pairs.tsv") throws -> URL {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Writes `bytes` to a temporary `pairs.tsv`, reads it back as characters on both sides (messages name
/// the file `pairs.tsv`), and removes it.
func readPairs(_ bytes: [UInt8], maximumLength: Int? = nil,
               sourceKind: TokenizerKind = .character, targetKind: TokenizerKind = .character,
               limits: PairFile.Limits = .standard) throws -> PairFileContents {
    let scratch = try TextScratch()
    defer { scratch.remove() }
    let url = try scratch.write(bytes)
    return try PairFile.read(at: url, sourceKind: sourceKind, targetKind: targetKind,
                             maximumLength: maximumLength, limits: limits, name: "pairs.tsv")
}

/// The UTF-8 bytes of `text`.
func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The folder `Data/` of the package, found from this file's path.
let packageDataDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()      // Text
    .deletingLastPathComponent()      // TransformerCoreTests
    .deletingLastPathComponent()      // Tests
    .deletingLastPathComponent()      // package root
    .appendingPathComponent("Data", isDirectory: true)
