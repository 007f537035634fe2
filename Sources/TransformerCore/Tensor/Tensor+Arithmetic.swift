/// Elementwise arithmetic with broadcasting. Each op's backward sits right after its forward.
extension Tensor {
    enum BinaryOperation { case add, subtract, multiply, divide }

    /// z = a (op) b, broadcasting both to a common shape.
    static func binary(_ a: Tensor, _ b: Tensor, _ operation: BinaryOperation) -> Tensor {
        let shape = Broadcast.shape(a.shape, b.shape)
        let count = shape.reduce(1, *)
        let mapA = Broadcast.map(from: a.shape, to: shape)
        let mapB = Broadcast.map(from: b.shape, to: shape)
        let x = Broadcast.expand(a.scalars, mapA, outputCount: count)   // a stretched to `shape`
        let y = Broadcast.expand(b.scalars, mapB, outputCount: count)   // b stretched to `shape`
        let z = elementwise(x, y) { x, y, z, n in
            switch operation {
            case .add: for i in 0..<n { z[i] = x[i] + y[i] }
            case .subtract: for i in 0..<n { z[i] = x[i] - y[i] }
            case .multiply: for i in 0..<n { z[i] = x[i] * y[i] }
            case .divide: for i in 0..<n { z[i] = x[i] / y[i] }
            }
        }
        let (countA, countB) = (a.count, b.count)
        let (needA, needB) = (a.requiresGradient, b.requiresGradient)
        return result(shape: shape, scalars: z, inputs: [a, b]) { g in
            // dz/da and dz/db elementwise, then summed over the broadcast dimensions.
            var ga: [Float]? = nil, gb: [Float]? = nil
            switch operation {
            case .add:
                if needA { ga = g }
                if needB { gb = g }
            case .subtract:
                if needA { ga = g }
                if needB { gb = elementwise(g, g) { g, _, d, n in for i in 0..<n { d[i] = -g[i] } } }
            case .multiply:                       // z = x y: dz/dx = y, dz/dy = x
                if needA { ga = elementwise(g, y) { g, y, d, n in for i in 0..<n { d[i] = g[i] * y[i] } } }
                if needB { gb = elementwise(g, x) { g, x, d, n in for i in 0..<n { d[i] = g[i] * x[i] } } }
            case .divide:                         // z = x / y: dz/dx = 1/y, dz/dy = -x / y^2 = -z / y
                if needA { ga = elementwise(g, y) { g, y, d, n in for i in 0..<n { d[i] = g[i] / y[i] } } }
                if needB {
                    gb = elementwise(g, y) { g, y, d, n in
                        x.withUnsafeBufferPointer { x in for i in 0..<n { d[i] = -g[i] * x[i] / (y[i] * y[i]) } }
                    }
                }
            }
            return [ga.map { Broadcast.reduce($0, mapA, inputCount: countA) },
                    gb.map { Broadcast.reduce($0, mapB, inputCount: countB) }]
        }
    }

    /// Runs `body(x, y, out, n)` over raw buffers of two equal-length arrays and a fresh output.
    static func elementwise(_ x: [Float], _ y: [Float],
                            _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> [Float] {
        precondition(x.count == y.count, "elementwise: \(x.count) != \(y.count) elements")
        return Kernels.uninitializedArray(x.count) { o in   // `body` writes every element
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in body(x.baseAddress!, y.baseAddress!, o, x.count) }
            }
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .add) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .subtract) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .multiply) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .divide) }

    /// z = s * x + t for scalars s, t (no broadcasting needed): dz/dx = s.
    public func affine(scale: Float, shift: Float = 0) -> Tensor {
        let z = Tensor.affine(scalars, scale: scale, shift: shift)
        return Tensor.result(shape: shape, scalars: z, inputs: [self]) { g in [Tensor.affine(g, scale: scale, shift: 0)] }
    }

    /// scale * x + shift over raw pointers (a closure passed to `map` did not vectorize: the embeddings'
    /// scaling by sqrt(d_model) was ~1.4% of a small training step).
    static func affine(_ x: [Float], scale: Float, shift: Float) -> [Float] {
        Kernels.uninitializedArray(x.count) { y in
            x.withUnsafeBufferPointer { x in
                for i in 0..<x.count { y[i] = scale * x[i] + shift }
            }
        }
    }

    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s) }
    public static func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: -s) }
    /// s - a, as in the gates' 1 - z.
    public static func - (s: Float, a: Tensor) -> Tensor { a.affine(scale: -1, shift: s) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1 / s) }
    public static prefix func - (a: Tensor) -> Tensor { a.affine(scale: -1) }
}
