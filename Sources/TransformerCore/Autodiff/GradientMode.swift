/// Whether ops are recorded for backpropagation on the current task/thread.
///
/// A task-local value rather than global state: `Tensor.withoutGradients { ... }` turns recording off
/// for the duration of the closure (inference, evaluation, optimizer updates) and nests safely.
public enum GradientMode {
    @TaskLocal static var enabled: Bool = true

    /// True unless inside `Tensor.withoutGradients`.
    public static var isEnabled: Bool { enabled }
}

extension Tensor {
    /// Runs `body` with op recording turned off: results never require gradients and no graph is kept.
    public static func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
        try GradientMode.$enabled.withValue(false, operation: body)
    }
}
