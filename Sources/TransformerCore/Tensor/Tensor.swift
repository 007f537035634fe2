import Foundation

/// A dense, row-major, Float32 N-dimensional array that can take part in reverse-mode autodiff.
///
/// A `Tensor` is a reference type: parameters are shared by the layers that use them and updated in
/// place by optimizers. Every operation returns a new tensor; an operation is recorded in the graph only
/// when gradients are enabled (see ``Tensor/withoutGradients(_:)``) and at least one input has
/// ``requiresGradient`` set. Calling ``backward(retainingGraph:)`` on a scalar result then fills ``gradient``
/// of every leaf that requires one, accumulating across calls until ``zeroGradient()``, and releases the
/// graph (unless asked to retain it). The graph links each tensor's ``GraphVertex``, not the tensor, so an
/// intermediate result's values are freed once neither the caller nor a backward function needs them.
///
/// ```swift
/// let w = Tensor.uniform([3, 2], in: -1...1, generator: SeededGenerator(seed: 1), requiresGradient: true)
/// let loss = (x.matmul(w)).sum()
/// loss.backward()
/// print(w.gradient!)
/// ```
public final class Tensor {
    /// The size of each dimension, outermost first.
    public let shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public internal(set) var scalars: [Float] {
        didSet { version &+= 1 }   // (no oldValue: in-place mutation stays in place)
    }
    /// Counts changes of ``scalars``, so that caches derived from the values can tell they are stale.
    private(set) var version = 0
    /// The values packed as a GEMM operand (see ``packedGEMMOperand(transposed:m:)``), for inference.
    var packedCache: Kernels.PackedMatrix?
    /// The autodiff state: requiresGradient, the accumulated gradient and the recording node.
    let vertex: GraphVertex
    /// Whether gradients flow to this tensor. Set it on leaves (parameters); results of recorded ops get it.
    public var requiresGradient: Bool {
        get { vertex.requiresGradient }
        set { vertex.requiresGradient = newValue }
    }
    /// The accumulated gradient d(loss)/d(self), same count as `scalars`; nil until a backward pass reaches it.
    public internal(set) var gradientScalars: [Float]? {
        get { vertex.gradientScalars }
        set { vertex.gradientScalars = newValue }
        _modify { yield &vertex.gradientScalars }   // in place, no copy of the array
    }
    /// The op that produced this tensor, when it was recorded; nil for leaves.
    var node: GraphNode? {
        get { vertex.node }
        set { vertex.node = newValue }
    }
    /// True once a backward pass has released this tensor's node (see ``backward(retainingGraph:)``):
    /// the tensor is an intermediate result whose graph is gone, not a leaf.
    var graphReleased: Bool { vertex.graphReleased }

    /// Creates a tensor from row-major scalars. Precondition: the count matches the shape.
    public init(shape: [Int], scalars: [Float], requiresGradient: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative dimension")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
        vertex = GraphVertex(count: scalars.count, requiresGradient: requiresGradient)
    }

    /// Creates a rank-0 (scalar) tensor.
    public convenience init(_ value: Float, requiresGradient: Bool = false) {
        self.init(shape: [], scalars: [value], requiresGradient: requiresGradient)
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { scalars.count }

    /// The single value of a tensor with one element.
    public var item: Float {
        precondition(scalars.count == 1, "item needs a tensor with one element, shape is \(shape)")
        return scalars[0]
    }

    /// The gradient as a tensor of the same shape, or nil when none has been accumulated.
    public var gradient: Tensor? {
        gradientScalars.map { Tensor(shape: shape, scalars: $0) }
    }

    /// The element at a multi-dimensional index (slow; for tests and printing).
    public subscript(_ index: Int...) -> Float {
        scalars[Tensor.flatIndex(index, shape: shape)]
    }

    /// A copy of the values that is not connected to the graph.
    public func detached() -> Tensor {
        Tensor(shape: shape, scalars: scalars)
    }

    /// Runs `body` with mutable access to the scalars, outside of autodiff (optimizer updates, loading).
    public func withMutableScalars<R>(_ body: (inout [Float]) throws -> R) rethrows -> R {
        try body(&scalars)
    }

    /// Row-major strides of `shape`.
    static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    static func flatIndex(_ index: [Int], shape: [Int]) -> Int {
        precondition(index.count == shape.count, "Index \(index) does not match shape \(shape)")
        var flat = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "Index \(index) out of range for shape \(shape)")
            flat = flat * shape[axis] + i
        }
        return flat
    }

    /// Resolves a possibly negative axis (-1 is the last) against `rank`.
    static func normalize(axis: Int, rank: Int) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank, "Axis \(axis) out of range for rank \(rank)")
        return resolved
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String(format: "%.4f", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(scalars.count > 8 ? ", ..." : "")])"
    }
}
