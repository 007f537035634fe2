import Foundation

/// Elementwise functions. Each backward uses the derivative written in its comment.
extension Tensor {
    /// Applies `forward` elementwise; `derivative(x, y)` gives dy/dx from the input x and output y.
    func unary(_ forward: (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Tensor {
        let x = scalars
        let y = Kernels.uninitializedArray(x.count) { y in
            x.withUnsafeBufferPointer { x in for i in 0..<x.count { y[i] = forward(x[i]) } }
        }
        return Tensor.result(shape: shape, scalars: y, inputs: [self]) { g in
            [Kernels.uninitializedArray(g.count) { d in
                g.withUnsafeBufferPointer { g in x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in
                    for i in 0..<g.count { d[i] = g[i] * derivative(x[i], y[i]) }
                } } }
            }]
        }
    }

    /// y = e^x; dy/dx = y.
    public func exp() -> Tensor { unary(Foundation.exp, derivative: { _, y in y }) }

    /// y = ln x; dy/dx = 1 / x.
    public func log() -> Tensor { unary(Foundation.log, derivative: { x, _ in 1 / x }) }

    /// y = sqrt(x); dy/dx = 1 / (2 y).
    public func sqrt() -> Tensor { unary(Foundation.sqrt, derivative: { _, y in 0.5 / y }) }

    /// y = tanh x; dy/dx = 1 - y^2. Computed by ``Kernels/activation(_:count:x:y:backend:)`` (vectorised,
    /// threaded; Kernels+Activations.swift has the steps and the error bounds).
    public func tanh() -> Tensor {
        activation(.tanh) { g, y, d, n in for i in 0..<n { d[i] = g[i] * (1 - y[i] * y[i]) } }
    }

    /// y = sigmoid(x) = 1 / (1 + e^-x); dy/dx = y (1 - y). The gate non-linearity of the GRU and LSTM
    /// cells (see ``GRUCell``, ``LSTMCell``). Written as e^x / (1 + e^x) for x < 0 so that e^-x never
    /// overflows.
    /// Computed by ``Kernels/activation(_:count:x:y:backend:)``, which evaluates it the same way.
    public func sigmoid() -> Tensor {
        activation(.sigmoid) { g, y, d, n in for i in 0..<n { d[i] = g[i] * (y[i] * (1 - y[i])) } }
    }

    /// y = f(x) by the activation kernel; the backward computes dx from g and y with `derivative(g, y, dx, n)`.
    private func activation(_ function: Kernels.Activation,
                            derivative: @escaping (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        let x = scalars
        let backend = KernelBackend.current
        let y = Kernels.uninitializedArray(x.count) { y in
            x.withUnsafeBufferPointer { x in Kernels.activation(function, count: x.count, x: x.baseAddress!, y: y, backend: backend) }
        }
        return Tensor.result(shape: shape, scalars: y, inputs: [self]) { g in [Tensor.elementwise(g, y, derivative)] }
    }

    /// y = max(0, x); dy/dx = 1 for x > 0, else 0.
    /// (Written out rather than through ``unary(_:derivative:)``: plain loops that vectorize.)
    public func relu() -> Tensor {
        let x = scalars
        let y = Kernels.uninitializedArray(x.count) { y in
            x.withUnsafeBufferPointer { x in for i in 0..<x.count { y[i] = Swift.max(0, x[i]) } }
        }
        return Tensor.result(shape: shape, scalars: y, inputs: [self]) { g in
            [Tensor.elementwise(g, x) { g, x, d, n in for i in 0..<n { d[i] = g[i] * (x[i] > 0 ? 1 : 0) } }]
        }
    }

    /// GELU (Hendrycks & Gimpel 2016), the exact form: y = x * Phi(x) = x/2 * (1 + erf(x / sqrt 2));
    /// dy/dx = Phi(x) + x * phi(x) with phi the standard normal density. Computed by ``Kernels/gelu(count:x:y:backend:)``
    /// (Phi from a rational fit of erfc with relative error below 1.2e-7, vectorised and threaded; see
    /// Kernels+GELU.swift) rather than libm's `erf` per element.
    public func gelu() -> Tensor {
        kernelPair(forward: { Kernels.gelu(count: $0, x: $1, y: $2, backend: $3) },
                   backward: { Kernels.geluBackward(count: $0, x: $1, g: $2, dx: $3, backend: $4) })
    }

    /// SiLU, also called swish (Elfwing et al. 2017; Ramachandran et al. 2017): y = x * s, s = sigmoid(x) =
    /// 1 / (1 + e^-x); dy/dx = s + x s (1 - s) = s (1 + x (1 - s)).
    /// Computed by ``Kernels/activation(_:count:x:y:backend:)`` and ``Kernels/siluBackward(count:x:g:dx:backend:)``.
    public func silu() -> Tensor {
        kernelPair(forward: { Kernels.activation(.silu, count: $0, x: $1, y: $2, backend: $3) },
                   backward: { Kernels.siluBackward(count: $0, x: $1, g: $2, dx: $3, backend: $4) })
    }

    /// y = f(x) by a forward kernel `forward(count, x, y, backend)`; the backward computes dx from x and g
    /// with `backward(count, x, g, dx, backend)` (each reads the backend on its own calling thread).
    private func kernelPair(
        forward: (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>, KernelBackend) -> Void,
        backward: @escaping (Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, KernelBackend) -> Void
    ) -> Tensor {
        let x = scalars
        let backend = KernelBackend.current
        let y = Kernels.uninitializedArray(x.count) { y in
            x.withUnsafeBufferPointer { x in forward(x.count, x.baseAddress!, y, backend) }
        }
        return Tensor.result(shape: shape, scalars: y, inputs: [self]) { g in
            let backend = KernelBackend.current
            return [Tensor.elementwise(g, x) { g, x, d, n in backward(n, x, g, d, backend) }]
        }
    }
}
