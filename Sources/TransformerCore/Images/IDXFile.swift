/// The IDX files of the MNIST family (MNIST, Fashion-MNIST, KMNIST): a 4-byte magic number (two zero
/// bytes, the element type, the number of dimensions), each dimension's size as a big-endian 32-bit
/// integer, then the elements in row-major order. Images are `[count, rows, columns]` of unsigned bytes
/// (type 0x08, 3 dimensions), labels `[count]` (1 dimension). A gzip-compressed file (`*.gz`, magic
/// 1f 8b) is decompressed first (``Inflate/gzip(_:maximumOutput:)``).
public enum IDXFile {
    /// `count` images of `rows` x `columns` grey bytes, row-major, image after image.
    public struct Images: Equatable, Sendable {
        public let count: Int, rows: Int, columns: Int
        public let pixels: [UInt8]

        /// Image `index` as a one-channel ``PixelImage``.
        public func image(_ index: Int) -> PixelImage {
            let size = rows * columns
            return PixelImage(width: columns, height: rows, channels: 1, pixels: Array(pixels[(index * size)..<((index + 1) * size)]))
        }
    }

    /// An image file (`*-images-idx3-ubyte[.gz]`).
    public static func images(_ data: [UInt8]) throws(ImageFileError) -> Images {
        let (sizes, elements) = try read(data, dimensions: 3, what: "images")
        guard sizes[1] > 0, sizes[2] > 0 else { throw ImageFileError("IDX header", at: 8, "zero image size \(sizes[1])x\(sizes[2])") }
        return Images(count: sizes[0], rows: sizes[1], columns: sizes[2], pixels: elements)
    }

    /// A label file (`*-labels-idx1-ubyte[.gz]`): one byte per example.
    public static func labels(_ data: [UInt8]) throws(ImageFileError) -> [Int] {
        try read(data, dimensions: 1, what: "labels").elements.map(Int.init)
    }

    /// The dimension sizes and the elements of an unsigned-byte IDX file of `dimensions` dimensions.
    static func read(_ file: [UInt8], dimensions: Int, what: String) throws(ImageFileError) -> (sizes: [Int], elements: [UInt8]) {
        var data = file
        if file.count >= 2 && file[0] == 0x1F && file[1] == 0x8B {
            do { data = try Inflate.gzip(file) } catch { throw ImageFileError("gzip data", at: 0, error.description) }
        }
        guard data.count >= 4 else { throw ImageFileError("IDX header", at: 0, "truncated: expected a 4-byte magic number, found \(data.count) bytes") }
        guard data[0] == 0, data[1] == 0 else {
            throw ImageFileError("IDX header", at: 0, "not an IDX file (the magic number does not start with two zero bytes)")
        }
        guard data[2] == 0x08 else {
            throw ImageFileError("IDX header", at: 2, "element type \(Inflate.hex(data[2])) is not supported (0x08, unsigned bytes, is)")
        }
        guard Int(data[3]) == dimensions else {
            throw ImageFileError("IDX header", at: 3, "expected \(dimensions) dimension\(dimensions == 1 ? "" : "s") (\(what)), found \(data[3])")
        }
        guard data.count >= 4 + 4 * dimensions else {
            throw ImageFileError("IDX header", at: 4, "truncated: expected \(dimensions) dimension sizes")
        }
        let sizes = (0..<dimensions).map { Int(PNGDecoder.bigEndian32(data, 4 + 4 * $0)) }
        let (count, overflow) = sizes.reduce((1, false)) { partial, size in
            let product = partial.0.multipliedReportingOverflow(by: size)
            return (product.partialValue, partial.1 || product.overflow)
        }
        let start = 4 + 4 * dimensions
        guard !overflow, data.count - start == count else {
            throw ImageFileError("IDX data", at: start, "expected \(sizes.map(String.init).joined(separator: " x ")) = \(count) bytes, found \(data.count - start)")
        }
        return (sizes, Array(data[start...]))
    }
}
