/// Central-difference gradient checking: compares the gradients ``Tensor/backward()`` computes with
/// (f(x + h) - f(x - h)) / 2h, one input element at a time.
///
/// In Float32 the truncation error is O(h^2) and the rounding error O(ulp * |f| / h); the defaults
/// balance the two for functions of order-one values.
public enum GradientCheck {
    /// Default finite-difference step h.
    public static let defaultStep: Float = 1e-2
    /// Default pass criterion on |analytic - numeric| / max(1, |analytic|, |numeric|).
    public static let defaultTolerance: Float = 2e-2

    /// The result of a check: the worst scaled error and where it was.
    public struct Report: CustomStringConvertible {
        public let maximumError: Float
        public let inputIndex: Int
        public let elementIndex: Int
        public let analytic: Float
        public let numeric: Float

        public var description: String {
            "max scaled error \(maximumError) at input \(inputIndex) element \(elementIndex): analytic \(analytic), numeric \(numeric)"
        }
    }

    /// Checks the gradients of the scalar `function(inputs)` with respect to every element of every input.
    ///
    /// The inputs must be leaves (not results of recorded ops); they are marked `requiresGradient` and
    /// their gradients are reset. `function` must be
    /// deterministic (no fresh dropout masks between calls).
    public static func check(_ inputs: [Tensor], step: Float = defaultStep,
                             _ function: ([Tensor]) -> Tensor) -> Report {
        for input in inputs {
            precondition(input.node == nil, "gradient check inputs must be leaves; pass input.detached()")
            input.requiresGradient = true
            input.zeroGradient()
        }
        let output = function(inputs)
        precondition(output.count == 1, "gradient check needs a scalar function, got shape \(output.shape)")
        output.backward()
        var worst = Report(maximumError: 0, inputIndex: -1, elementIndex: -1, analytic: 0, numeric: 0)
        for (inputIndex, input) in inputs.enumerated() {
            let analytic = input.gradientScalars ?? [Float](repeating: 0, count: input.count)
            for element in 0..<input.count {
                let original = input.scalars[element]
                input.scalars[element] = original + step
                let plus = Tensor.withoutGradients { function(inputs).item }
                input.scalars[element] = original - step
                let minus = Tensor.withoutGradients { function(inputs).item }
                input.scalars[element] = original
                let numeric = (plus - minus) / (2 * step)
                let scale = Swift.max(1, abs(analytic[element]), abs(numeric))
                let error = abs(analytic[element] - numeric) / scale
                if error > worst.maximumError || error.isNaN {
                    worst = Report(maximumError: error, inputIndex: inputIndex, elementIndex: element,
                                   analytic: analytic[element], numeric: numeric)
                }
            }
        }
        return worst
    }
}
