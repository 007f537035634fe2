/// Elementwise arithmetic with broadcasting. Each op's backward sits right after its forward.
extension Tensor {
    enum BinaryOperation { case add, subtract, multiply, divide }

    /// z = a (op) b, broadcasting both to a common shape.
    static func binary(_ a: Tensor, _ b: Tensor, _ operation: BinaryOperation) -> Tensor {
        let shape = Broadcast.shape(a.shape, b.shape)
        let offsetsA = Broadcast.offsets(from: a.shape, to: shape)
        let offsetsB = Broadcast.offsets(from: b.shape, to: shape)
        let x = Broadcast.expand(a.scalars, offsets: offsetsA)   // a stretched to `shape`
        let y = Broadcast.expand(b.scalars, offsets: offsetsB)   // b stretched to `shape`
        var z = [Float](repeating: 0, count: shape.reduce(1, *))
        z.withUnsafeMutableBufferPointer { z in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    switch operation {
                    case .add: for i in 0..<z.count { z[i] = x[i] + y[i] }
                    case .subtract: for i in 0..<z.count { z[i] = x[i] - y[i] }
                    case .multiply: for i in 0..<z.count { z[i] = x[i] * y[i] }
                    case .divide: for i in 0..<z.count { z[i] = x[i] / y[i] }
                    }
                }
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
                if needB { gb = g.map { -$0 } }
            case .multiply:                       // z = x y: dz/dx = y, dz/dy = x
                if needA { ga = zip(g, y).map { $0 * $1 } }
                if needB { gb = zip(g, x).map { $0 * $1 } }
            case .divide:                         // z = x / y: dz/dx = 1/y, dz/dy = -x / y^2
                if needA { ga = zip(g, y).map { $0 / $1 } }
                if needB { gb = (0..<g.count).map { -g[$0] * x[$0] / (y[$0] * y[$0]) } }
            }
            return [ga.map { Broadcast.reduce($0, offsets: offsetsA, inputCount: countA) },
                    gb.map { Broadcast.reduce($0, offsets: offsetsB, inputCount: countB) }]
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .add) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .subtract) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .multiply) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .divide) }

    /// z = s * x + t for scalars s, t (no broadcasting needed): dz/dx = s.
    public func affine(scale: Float, shift: Float = 0) -> Tensor {
        let z = scalars.map { scale * $0 + shift }
        return Tensor.result(shape: shape, scalars: z, inputs: [self]) { g in [g.map { scale * $0 }] }
    }

    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s) }
    public static func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: -s) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1 / s) }
    public static prefix func - (a: Tensor) -> Tensor { a.affine(scale: -1) }
}
