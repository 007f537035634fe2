import Foundation
import TransformerCore

/// Picture formats of the plot commands (`--format`).
enum PictureFormat: String, CaseIterable {
    case svg, png

    /// The file name extension: `svg`.
    var fileExtension: String { rawValue }
}

/// The files a plot command produces, rendered in memory first, then written into `--out`.
///
/// Nothing touches the disk until everything is rendered: a bad flag, a missing input or a rendering
/// problem leaves no directory and no file. Each file is then written with ``AtomicFile`` (a temporary
/// file, fsync, rename), so none is ever half-written, and its path is printed on stdout.
struct PlotFiles {
    let directory: OutputDirectory
    private(set) var files: [(name: String, bytes: [UInt8])] = []

    init(directory: OutputDirectory) {
        self.directory = directory
    }

    mutating func add(_ name: String, bytes: [UInt8]) {
        files.append((name, bytes))
    }

    mutating func add(_ name: String, text: String) {
        files.append((name, Array(text.utf8)))
    }

    /// Creates the directory if needed, writes every file and prints each path; returns the paths.
    @discardableResult
    func write() throws(CommandFailure) -> [String] {
        try directory.create()
        var written: [String] = []
        for file in files {
            let url = directory.url.appendingPathComponent(file.name)
            let shown = Self.path(in: directory.path, file.name)
            do {
                try AtomicFile.write(file.bytes, to: url)
            } catch {
                throw CommandFailure("\(shown): \(error.detail(calling: "picture"))", status: ExitCode.cannotCreate)
            }
            print(shown)
            written.append(shown)
        }
        return written
    }

    /// `dir/name` as the user would type it (no doubled slash).
    static func path(in directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
