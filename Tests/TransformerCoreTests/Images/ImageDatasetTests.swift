import Foundation
import Testing
@testable import TransformerCore

/// Image folders and MNIST-layout directories, and the one-line errors that name the file.
@Suite struct ImageDatasetTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("image-dataset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func readsAnImageFolderInNameOrder() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for name in ["dog", "cat", ".hidden"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        let red = PNGEncoder.encode(RasterImage(width: 2, height: 1, background: RGB(red: 255, green: 0, blue: 0)))
        try Data(red).write(to: root.appendingPathComponent("cat/b.png"))
        try Data(Array("P5 1 1 255\n".utf8) + [42]).write(to: root.appendingPathComponent("cat/a.pgm"))
        try Data(Array("P6 1 1 255\n".utf8) + [1, 2, 3]).write(to: root.appendingPathComponent("dog/x.ppm"))
        try Data([0]).write(to: root.appendingPathComponent("dog/.DS_Store"))
        try Data("not a class".utf8).write(to: root.appendingPathComponent("README.txt"))
        let dataset = try ImageDataset.imageFolder(root)
        #expect(dataset.classes == ["cat", "dog"])
        #expect(dataset.examples.map(\.label) == [0, 0, 1])
        #expect(dataset.examples.map(\.image.channels) == [1, 3, 3])   // a.pgm, b.png, x.ppm
        #expect(dataset.examples[0].image.pixels == [42] && dataset.examples[1].image.pixels == [255, 0, 0, 255, 0, 0])

        try Data("hello".utf8).write(to: root.appendingPathComponent("dog/notes.txt"))
        do {
            _ = try ImageDataset.imageFolder(root)
            Issue.record("a text file was read as an image")
        } catch {
            #expect(error.description == "\(root.path)/dog/notes.txt: not a PNG, PGM or PPM file (its first bytes are none of their signatures)")
        }
        try Data(Array(red.prefix(20))).write(to: root.appendingPathComponent("dog/notes.txt"))
        do { _ = try ImageDataset.imageFolder(root); Issue.record("a truncated PNG was read") } catch {
            #expect(error.description.hasPrefix("\(root.path)/dog/notes.txt: "), "\(error)")
        }
    }

    @Test func readsAnMNISTLayoutDirectory() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(NetpbmAndIDXTests.idx([3, 2, 2], (0..<12).map(UInt8.init))).write(to: root.appendingPathComponent("t10k-images-idx3-ubyte"))
        try Data(NetpbmAndIDXTests.gzip(NetpbmAndIDXTests.idx([3], [4, 9, 0]))).write(to: root.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        let test = try ImageDataset.mnist(root, split: .test)
        #expect(test.classes == (0...9).map(String.init))
        #expect(test.examples.map(\.label) == [4, 9, 0])
        #expect(test.examples[2].image == PixelImage(width: 2, height: 2, channels: 1, pixels: [8, 9, 10, 11]))
        do { _ = try ImageDataset.mnist(root, split: .train); Issue.record("no train files, no error") } catch {
            #expect(error.description == "\(root.path): expected train-images-idx3-ubyte or train-images-idx3-ubyte.gz, found neither")
        }
        try Data(NetpbmAndIDXTests.idx([2], [1, 2])).write(to: root.appendingPathComponent("t10k-labels-idx1-ubyte"))
        do { _ = try ImageDataset.mnist(root, split: .test); Issue.record("label count mismatch, no error") } catch {
            #expect(error.description == "\(root.path)/t10k-labels-idx1-ubyte: 2 labels for the 3 images of t10k-images-idx3-ubyte")
        }
    }
}
