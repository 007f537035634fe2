import Foundation
import TransformerCore

// transformer-cli: dispatch the command line and turn every outcome into output and an exit status.
//   help            -> stdout, exit 0
//   no command      -> usage on stderr, exit 64 (EX_USAGE)
//   usage error     -> one `error:` line on stderr, exit 64
//   run() throws    -> `error:` line(s) on stderr and the status of CommandFailure.report: 64 for a usage
//                      error found late, 65 for bad data, 66 for a missing input file, 73 for an output
//                      directory that cannot be used, 1 for anything else. See ExitCode.

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

func main(_ arguments: [String]) -> Int32 {
    switch TransformerCLI.resolve(arguments) {
    case .help(let text):
        print(text)
        return ExitCode.success
    case .missingCommand(let usage):
        printError(usage)
        return ExitCode.usage
    case .failure(let error):
        printError(error.description)
        return ExitCode.usage
    case .run(let command):
        if let problem = KernelBackend.environmentProblem {   // e.g. TRANSFORMERCORE_KERNELS=avx512 on an AVX2 CPU
            printError("error: \(problem)")
            return ExitCode.usage
        }
        do {
            return try command.run()
        } catch {
            let failure = CommandFailure.report(error)
            fflush(nil)   // what the command printed so far comes before the error
            failure.lines.forEach(printError)
            return failure.status
        }
    }
}

// A write past `ulimit -f` raises SIGXFSZ, whose default action kills the process mid-write (leaving a
// temporary file behind). Ignored, the write fails with EFBIG instead and is reported like any other
// write error: one line, the previous checkpoint kept.
signal(SIGXFSZ, SIG_IGN)
exit(main(Array(CommandLine.arguments.dropFirst())))
