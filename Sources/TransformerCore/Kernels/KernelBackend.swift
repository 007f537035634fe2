import CKernels
import Foundation

/// Which compiled kernels compute the fused ops: the one dispatch point between the readable ops of
/// `Layers/` and `Tensor/` and the C kernels of `Sources/CKernels`.
///
/// Every fused kernel is "the same math, faster": each backend computes what the portable Swift loops
/// compute (bit for bit where a kernel's doc says so, else within the named tolerance of its oracle
/// test). The backend is chosen once per process, from the CPU, unless the environment variable
/// ``environmentVariable`` (`TRANSFORMERCORE_KERNELS`) names another supported one, so any path can be
/// run and measured on any machine that can execute it:
///
/// ```sh
/// TRANSFORMERCORE_KERNELS=portable swift run -c release transformer-cli bench --config small
/// ```
///
/// Tests and benchmarks switch it for a scope with ``override``:
///
/// ```swift
/// KernelBackend.$override.withValue(.avx2) { ... }   // only when KernelBackend.avx2.isSupported
/// ```
///
/// Ops read ``current`` once, on the calling thread, and pass the value to their row loops and worker
/// threads (a task-local value is not visible on the GEMM worker pool's threads).
public enum KernelBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    /// AVX-512F, AVX-512DQ and FMA: 16-lane C kernels (Intel Xeon Skylake-SP and later, Ice Lake, AMD Zen 4
    /// and later). Its GEMM uses 12 x 32 tiles where they fill and the AVX2 tiles elsewhere.
    case avx512
    /// AVX2 and FMA: 8-lane C kernels (Intel Haswell and later client chips, AMD Zen 1-3).
    case avx2
    /// Swift only (SIMD8 loops and the portable 6 x 16 GEMM kernel): every CPU, the one arm64 runs, and
    /// the oracle of the C kernels.
    case portable

    /// The environment variable that picks a backend for the whole process: `avx512`, `avx2`,
    /// `portable`, or `auto` (the same as unset: the fastest this CPU supports).
    public static let environmentVariable = "TRANSFORMERCORE_KERNELS"

    /// Whether this CPU (and operating system) can run the backend's kernels.
    public var isSupported: Bool {
        switch self {
        case .avx512: Self.cpu.avx512
        case .avx2: Self.cpu.avx2
        case .portable: true
        }
    }

    /// The backends this CPU supports, fastest first (always ends with ``portable``).
    public static var supported: [KernelBackend] { allCases.filter(\.isSupported) }

    /// The fastest backend this CPU supports.
    public static var fastest: KernelBackend { supported[0] }

    /// The process's backend: the one ``environmentVariable`` names when it names a supported one,
    /// else ``fastest``. Read once.
    public static let selected: KernelBackend = environmentChoice.backend

    /// Why ``environmentVariable`` was ignored (an unknown name, or a backend this CPU cannot run), as
    /// one line naming the variable, what it holds and what was expected; nil when it is unset or valid.
    /// The command-line tool refuses to start when this is not nil.
    public static let environmentProblem: String? = environmentChoice.problem

    /// A backend for the work run inside `KernelBackend.$override.withValue(...)` on this thread or task;
    /// nil (the default) means ``selected``. Precondition for a non-nil value: it ``isSupported``.
    @TaskLocal public static var override: KernelBackend? = nil

    /// The backend work started here uses: ``override``, else ``selected``.
    public static var current: KernelBackend {
        guard let chosen = override else { return selected }
        precondition(chosen.isSupported, "the \(chosen) kernels need a CPU this one is not (supported: \(supported))")
        return chosen
    }

    public var description: String { rawValue }

    /// A description for people: the backend and its vector width.
    public var summary: String {
        switch self {
        case .avx512: "avx512 (AVX-512F + DQ, FMA: 16 lanes)"
        case .avx2: "avx2 (AVX2 + FMA: 8 lanes)"
        case .portable: "portable (Swift SIMD8)"
        }
    }

    /// What the CPU offers, read once. Off x86-64 no C kernel can run (their bodies are stubs).
    private static let cpu: (avx2: Bool, avx512: Bool) = {
        #if arch(x86_64)
        let avx2 = ck_cpu_has_avx2_fma() != 0
        return (avx2, avx2 && ck_cpu_has_avx512f() != 0 && ck_cpu_has_avx512dq() != 0)
        #else
        return (false, false)
        #endif
    }()

    /// The backend the environment asks for, and the problem with it if it cannot be used.
    static func choice(fromEnvironmentValue value: String?) -> (backend: KernelBackend, problem: String?) {
        guard let raw = value?.trimmingCharacters(in: .whitespaces), !raw.isEmpty, raw.lowercased() != "auto" else {
            return (fastest, nil)
        }
        let names = (["auto"] + allCases.map(\.rawValue)).joined(separator: ", ")
        guard let named = KernelBackend(rawValue: raw.lowercased()) else {
            return (fastest, "\(environmentVariable)=\(raw): expected one of \(names)")
        }
        guard named.isSupported else {
            let available = supported.map(\.rawValue).joined(separator: ", ")
            return (fastest, "\(environmentVariable)=\(raw): this CPU cannot run the \(named) kernels (it supports \(available))")
        }
        return (named, nil)
    }

    private static let environmentChoice = choice(fromEnvironmentValue: ProcessInfo.processInfo.environment[environmentVariable])
}
