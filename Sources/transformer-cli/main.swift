import Foundation

// transformer-cli: dispatch the command line and turn every outcome into output and an exit status.
//   help            -> stdout, exit 0
//   no command      -> usage on stderr, exit 64 (EX_USAGE)
//   usage error     -> one `error:` line on stderr, exit 64
//   run() throws    -> one `error:` line on stderr, exit 1 (a UsageError found late still exits 64)

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
        do {
            return try command.run()
        } catch let error as UsageError {
            printError(error.description)
            return ExitCode.usage
        } catch {
            printError("error: " + UsageError.singleLine("\(error)"))
            return ExitCode.failure
        }
    }
}

exit(main(Array(CommandLine.arguments.dropFirst())))
