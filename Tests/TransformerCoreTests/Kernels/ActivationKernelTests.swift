import Foundation
import Testing
@testable import TransformerCore

/// ``Kernels/activation(_:count:x:y:backend:)`` (tanh, sigmoid, SiLU) and ``Kernels/siluBackward`` on every
/// backend this CPU runs, against the functions in Double.
@Suite struct ActivationKernelTests {
    /// Bound on the relative error |y - y_ref| / |y_ref| (measured 2026-12-04, every backend: tanh 9.8e-8,
    /// sigmoid 1.6e-7, SiLU 1.9e-7).
    static let relativeTolerance: Double = 5e-7
    /// Results below this size are checked absolutely (sigmoid and SiLU of x < -69).
    static let tinyMagnitude: Double = 1e-30

    static func reference(_ function: Kernels.Activation, _ x: Double) -> Double {
        switch function {
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
        case .silu: return x * reference(.sigmoid, x)
        }
    }

    /// Every 1/256 from -30 to 30 (15,361 values: every tail length of a 16-lane kernel occurs).
    static let sweep: [Float] = (0...15360).map { Float($0 - 7680) / 256 }

    static func run(_ function: Kernels.Activation, _ x: [Float], _ backend: KernelBackend) -> [Float] {
        var y = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { x in Kernels.activation(function, count: x.count, x: x.baseAddress!, y: &y, backend: backend) }
        return y
    }

    static let cases: [(Kernels.Activation, KernelBackend)] = Kernels.Activation.allCases.flatMap { f in
        KernelBackend.supported.map { (f, $0) }
    }

    @Test(arguments: cases)
    func matchesDoubleOnADenseSweep(function: Kernels.Activation, backend: KernelBackend) {
        let x = Self.sweep
        let y = Self.run(function, x, backend)
        var worst = 0.0, worstX: Float = 0
        for (xi, yi) in zip(x, y) {
            let expected = Self.reference(function, Double(xi))
            if abs(expected) < Self.tinyMagnitude {
                #expect(abs(Double(yi)) < Self.tinyMagnitude, "\(function)(\(xi)) = \(yi), expected \(expected)")
                continue
            }
            let error = abs(Double(yi) - expected) / abs(expected)
            if error > worst { (worst, worstX) = (error, xi) }
        }
        #expect(worst <= Self.relativeTolerance, "\(backend) \(function): worst relative error \(worst) at x = \(worstX)")
    }

    @Test(arguments: KernelBackend.supported)
    func siluBackwardMatchesDouble(backend: KernelBackend) {
        let x = Self.sweep
        let g = x.indices.map { Float(1 + $0 % 3) }
        var dx = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { x in
            g.withUnsafeBufferPointer { g in
                Kernels.siluBackward(count: x.count, x: x.baseAddress!, g: g.baseAddress!, dx: &dx, backend: backend)
            }
        }
        for i in x.indices {
            let s = Self.reference(.sigmoid, Double(x[i]))
            let xd = Double(x[i])
            let expected = Double(g[i]) * s * (1 + xd * (1 - s))
            // The slope crosses 0 near x = -1.28: scale the error by s (1 + |x| (1 - s)).
            let scale = Double(g[i]) * s * (1 + abs(xd) * (1 - s))
            if scale < Self.tinyMagnitude {
                #expect(abs(Double(dx[i])) < Self.tinyMagnitude, "silu'(\(x[i])) = \(dx[i]), expected \(expected)")
                continue
            }
            #expect(abs(Double(dx[i]) - expected) / scale <= Self.relativeTolerance,
                    "\(backend): silu'(\(x[i])) * \(g[i]) = \(dx[i]), expected \(expected)")
        }
    }

    @Test(arguments: KernelBackend.supported)
    func specialValues(backend: KernelBackend) {
        let x: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, 100, -100, 1e-8, -1e-8]
        let t = Self.run(.tanh, x, backend), s = Self.run(.sigmoid, x, backend), u = Self.run(.silu, x, backend)
        #expect(t[0].isNaN && s[0].isNaN && u[0].isNaN)
        #expect(t[1] == 1 && t[2] == -1 && s[1] == 1 && s[2] == 0 && u[1] == .infinity && u[2].isNaN)
        #expect(t[3] == 0 && t[4] == 0 && s[3] == 0.5 && u[3] == 0)
        #expect(t[5] == 1 && t[6] == -1 && s[5] == 1 && s[6] == 0 && u[5] == 100 && u[6] == 0)
        #expect(t[7] == 1e-8 && t[8] == -1e-8)   // tanh keeps its relative accuracy near 0
    }

    /// Large inputs are split over threads; elementwise, so every result equals the one-thread result.
    @Test(arguments: KernelBackend.supported)
    func threadedEqualsOneThread(backend: KernelBackend) {
        let count = 4 * Kernels.elementsPerThread + 5
        let x = randomTensor([count], seed: 9).scalars.map { $0 * 6 }
        for function in Kernels.Activation.allCases {
            let one = ComputeThreads.$limit.withValue(1) { Self.run(function, x, backend) }
            let two = ComputeThreads.$limit.withValue(2) { Self.run(function, x, backend) }
            #expect(one == two, "\(function)")
        }
    }
}
