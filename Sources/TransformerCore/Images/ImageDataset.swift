import Foundation

/// Labelled images for classification, read from one of the two usual layouts:
///
/// - an image folder (torchvision's ImageFolder convention): one sub-directory per class, named by the
///   class, holding its images (PNG, binary PGM / PPM, recognised by their first bytes); classes sorted by
///   name, files by name within a class; hidden files (starting with ".") skipped;
/// - an MNIST-layout directory: `train-images-idx3-ubyte` with `train-labels-idx1-ubyte` (and `t10k-*` for
///   the test split), each optionally gzipped (`.gz`); classes are the lines of its `classes.txt` when it
///   has one, else the label values "0" ... "9" (or up to the largest label).
public struct ImageDataset: Sendable {
    /// Class names, in label order.
    public let classes: [String]
    /// The images with their labels (indices into ``classes``), in file order.
    public let examples: [(image: PixelImage, label: Int)]

    /// In an MNIST-layout directory, an optional file naming the classes, one a line in label order
    /// (Fashion-MNIST's "T-shirt/top", "Trouser", ...); without it the classes are "0", "1", ...
    public static let classNamesFile = "classes.txt"

    /// The MNIST file prefix of each split.
    public enum Split: String, Sendable { case train, test }

    /// Whether `directory` holds MNIST-layout files (any `train-` or `t10k-images-idx3-ubyte[.gz]`).
    public static func isMNISTLayout(_ directory: URL) -> Bool {
        ["train", "t10k"].contains { prefix in
            ["", ".gz"].contains { FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(prefix)-images-idx3-ubyte\($0)").path) }
        }
    }

    /// Reads `directory` in whichever layout it has: the `split` of an MNIST-layout directory, or else an
    /// image folder (which has no splits; `split` is then ignored).
    public static func read(_ directory: URL, split: Split) throws(ImageDatasetError) -> ImageDataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ImageDatasetError("\(directory.path): expected a directory of images (one sub-directory per class, or MNIST "
                                    + "IDX files), found \(FileManager.default.fileExists(atPath: directory.path) ? "a file" : "nothing")")
        }
        return isMNISTLayout(directory) ? try mnist(directory, split: split) : try imageFolder(directory)
    }

    /// Reads an image folder. Errors name the file: "DIR/cat/3.png: IDAT chunk at byte 33: CRC mismatch ...".
    public static func imageFolder(_ directory: URL) throws(ImageDatasetError) -> ImageDataset {
        let manager = FileManager.default
        let classes: [String]
        do {
            classes = try manager.contentsOfDirectory(atPath: directory.path).filter { name in
                var isDirectory: ObjCBool = false
                return !name.hasPrefix(".") && manager.fileExists(atPath: directory.appendingPathComponent(name).path,
                                                                  isDirectory: &isDirectory) && isDirectory.boolValue
            }.sorted()
        } catch {
            throw ImageDatasetError("\(directory.path): cannot list the directory (\(error.localizedDescription))")
        }
        guard !classes.isEmpty else {
            throw ImageDatasetError("\(directory.path): expected one sub-directory of images per class, found none")
        }
        var examples: [(image: PixelImage, label: Int)] = []
        for (label, name) in classes.enumerated() {
            let folder = directory.appendingPathComponent(name)
            let files = ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            guard !files.isEmpty else { throw ImageDatasetError("\(folder.path): class '\(name)' has no images") }
            for file in files {
                let url = folder.appendingPathComponent(file)
                examples.append((try image(at: url), label))
            }
        }
        return ImageDataset(classes: classes, examples: examples)
    }

    /// Reads one split of an MNIST-layout directory (`train-*` or `t10k-*`, gzipped or not).
    public static func mnist(_ directory: URL, split: Split) throws(ImageDatasetError) -> ImageDataset {
        let prefix = split == .train ? "train" : "t10k"
        let (imagesURL, imagesData) = try readFirst(directory, ["\(prefix)-images-idx3-ubyte", "\(prefix)-images-idx3-ubyte.gz"])
        let (labelsURL, labelsData) = try readFirst(directory, ["\(prefix)-labels-idx1-ubyte", "\(prefix)-labels-idx1-ubyte.gz"])
        let images: IDXFile.Images, labels: [Int]
        do { images = try IDXFile.images(imagesData) } catch { throw ImageDatasetError("\(imagesURL.path): \(error)") }
        do { labels = try IDXFile.labels(labelsData) } catch { throw ImageDatasetError("\(labelsURL.path): \(error)") }
        guard labels.count == images.count else {
            throw ImageDatasetError("\(labelsURL.path): \(labels.count) labels for the \(images.count) images of \(imagesURL.lastPathComponent)")
        }
        let classCount = max(10, (labels.max() ?? 0) + 1)
        var classes = (0..<classCount).map(String.init)
        let namesURL = directory.appendingPathComponent(classNamesFile)
        if let data = FileManager.default.contents(atPath: namesURL.path) {
            let names = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            guard names.count >= (labels.max() ?? 0) + 1, Set(names).count == names.count else {
                throw ImageDatasetError("\(namesURL.path): expected \(classCount) distinct class names, one a line, found "
                                        + "\(names.count)\(Set(names).count == names.count ? "" : " with repeats")")
            }
            classes = names
        }
        return ImageDataset(classes: classes,
                            examples: (0..<images.count).map { (images.image($0), labels[$0]) })
    }

    /// One image file, its format recognised by its first bytes (PNG signature, `P5` / `P6`).
    public static func image(at url: URL) throws(ImageDatasetError) -> PixelImage {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: url)) } catch {
            throw ImageDatasetError("\(url.path): cannot read the file (\(error.localizedDescription))")
        }
        do {
            if bytes.starts(with: PNGEncoder.signature) { return try PNGDecoder.decode(bytes) }
            if bytes.count >= 2, bytes[0] == UInt8(ascii: "P") { return try NetpbmDecoder.decode(bytes) }
        } catch {
            throw ImageDatasetError("\(url.path): \(error)")
        }
        throw ImageDatasetError("\(url.path): not a PNG, PGM or PPM file (its first bytes are none of their signatures)")
    }

    static func readFirst(_ directory: URL, _ names: [String]) throws(ImageDatasetError) -> (URL, [UInt8]) {
        for name in names {
            let url = directory.appendingPathComponent(name)
            if let data = FileManager.default.contents(atPath: url.path) { return (url, [UInt8](data)) }
        }
        throw ImageDatasetError("\(directory.path): expected \(names.joined(separator: " or ")), found neither")
    }
}

/// A dataset that cannot be read: one line naming the file or directory, and what was expected or found.
public struct ImageDatasetError: Error, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
