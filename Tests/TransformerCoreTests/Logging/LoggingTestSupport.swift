import Foundation
@testable import TransformerCore

/// Helpers for the Logging tests, in a namespace so they cannot collide with other folders' helpers.
enum LogFixtures {
    /// A new empty directory under the system's temporary directory; `body` runs with its path, then it is removed.
    static func withTemporaryDirectory<T>(_ body: (String) throws -> T) rethrows -> T {
        let path = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("TransformerCoreLogging-" + UUID().uuidString).path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// The bytes of a file ([] if it cannot be read).
    static func fileBytes(_ path: String) -> [UInt8] {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
    }

    /// "0a 01 61": bytes as lowercase hex pairs, for readable comparisons.
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
    }

    /// Bytes from "0a 01 61" (spaces optional).
    static func bytes(hex text: String) -> [UInt8] {
        let digits = Array(text.filter { !$0.isWhitespace })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }
}

/// A clock for tests: returns `now`, which the test advances.
final class LogTestClock {
    var now: Double

    init(_ now: Double = 0) {
        self.now = now
    }

    func read() -> Double { now }
}
