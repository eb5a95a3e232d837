import Foundation
import PledgeCore
import PledgeIO
import PledgeStore

/// The CLI's only output paths: results to stdout, errors to stderr with CONTRACT's exit codes.
enum Console {
    static func out(_ text: String) { FileHandle.standardOutput.write(Data(line(text).terminalSafe.utf8)) }
    static func err(_ text: String) { FileHandle.standardError.write(Data(line(text).terminalSafe.utf8)) }

    /// The text ending in a line break (a CSV's CRLF counts: its last byte is LF).
    static func line(_ text: String) -> String { text.utf8.last == 10 ? text : text + "\n" }

    static func exitCode(_ category: FailureCategory) -> Int32 {
        switch category {
        case .usage: 64
        case .badInput: 65
        case .missing: 66
        case .internal: 70
        case .conflict: 73
        case .io: 74
        case .busy: 75
        case .forbidden: 77
        }
    }

    /// The language of this run: `--lang` wherever it stands on the command line, else `$LANG` (CONTRACT). Known
    /// before the arguments are parsed, so that help texts and parsing errors speak it too.
    static let language: Language = {
        let args = CommandLine.arguments
        for (i, a) in args.enumerated() {
            if a == "--" { break }
            if a.hasPrefix("--lang="), let l = Language(rawValue: String(a.dropFirst(7))) { return l }
            if a == "--lang", i + 1 < args.count, let l = Language(rawValue: args[i + 1]) { return l }
        }
        return Language.fromEnvironment(ProcessInfo.processInfo.environment["LANG"])
    }()

    static let messages = Messages(language)

    /// Prints every line of the failure as `pledge: error: …` (`pledge: 错误：…`) and exits with its code.
    static func fail(_ failure: any PledgeFailure) -> Never {
        let prefix = failure.linesAreLocated ? "" : language.pick("pledge: 错误：", "pledge: error: ")
        for line in messages.describe(failure).split(separator: "\n") { err(prefix + line) }
        exit(exitCode(failure.category))
    }
}

/// Help text in the language of this run (`Console.language`): Chinese first, English beside it.
func L(_ zh: String, _ en: String) -> String { Console.language == .zh ? zh : en }
