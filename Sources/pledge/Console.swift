import Foundation
import PledgeCore
import PledgeStore

/// The CLI's only output paths: results to stdout, errors to stderr with CONTRACT's exit codes.
enum Console {
    static func out(_ text: String) { FileHandle.standardOutput.write(Data(line(text).terminalSafe.utf8)) }
    static func err(_ text: String) { FileHandle.standardError.write(Data(line(text).terminalSafe.utf8)) }

    /// The text ending in a line break (a CSV's CRLF counts: its last byte is LF).
    static func line(_ text: String) -> String { text.utf8.last == 10 ? text : text + "\n" }

    static func exitCode(_ category: FailureCategory) -> Int32 {
        switch category {
        case .badInput: 65
        case .missing: 66
        case .internal: 70
        case .conflict: 73
        case .io: 74
        case .busy: 75
        }
    }

    /// Prints every line of the failure as `pledge: error: …` and exits with its code.
    static func fail(_ failure: any PledgeFailure) -> Never {
        let prefix = failure.linesAreLocated ? "" : "pledge: error: "
        let text = (failure as? StoreError)?.cliMessage ?? failure.description
        for line in text.split(separator: "\n") { err(prefix + line) }
        exit(exitCode(failure.category))
    }
}
