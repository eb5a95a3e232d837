import ArgumentParser
import PledgeIO

/// A command line ArgumentParser refused (exit 64), worded by the catalog in the run's language: the error line, the
/// option's own help, the usage line and where to read more. ArgumentParser's error values are not public; its
/// English sentences are, and each known form is read back into a catalog key with its arguments.
enum UsageFailure {
    static func lines(for error: any Error) -> [String] {
        let m = Console.messages
        var lines = [m.language.pick("pledge: 错误：", "pledge: error: ") + describe(Pledge.message(for: error))]
        for line in Pledge.fullMessage(for: error).split(separator: "\n").map(String.init) {
            if let help = line.after("Help:") {
                lines.append(m.text(.usageHelp, ["help": help.trimmingLeadingSpaces]))
            } else if let usage = line.after("Usage: ") {
                lines.append(m.text(.usageLine, ["usage": usage]))
            } else if let see = line.trimmingLeadingSpaces.after("See '"), let end = see.range(of: " --help'") {
                lines.append(m.text(.usageSeeHelp, ["command": String(see[..<end.lowerBound])]))
            }
        }
        return lines
    }

    /// ArgumentParser's sentence as a catalog message; a form it does not know keeps its words.
    static func describe(_ message: String) -> String {
        let m = Console.messages
        if let argument = message.between("Missing expected argument '", "'") {
            return m.text(.usageMissingArgument, ["argument": argument])
        }
        if let arguments = message.after("Missing one of: ") {
            return m.text(.usageMissingOneOf, ["arguments": arguments])
        }
        if let rest = message.after("Unknown option '"), let end = rest.firstIndex(of: "'") {
            let option = String(rest[..<end])
            if let suggestion = String(rest[rest.index(after: end)...]).between(". Did you mean '", "'?") {
                return m.text(.usageUnknownOptionSuggest, ["option": option, "suggestion": suggestion])
            }
            return m.text(.usageUnknownOption, ["option": option])
        }
        if let option = message.between("Missing value for '", "'") {
            return m.text(.usageMissingValue, ["option": option])
        }
        if let argument = message.between("Unexpected argument '", "'") {
            return m.text(.usageUnexpectedArgument, ["arguments": argument])
        }
        if let range = message.range(of: " unexpected arguments: '"), message.hasSuffix("'") {
            let arguments = message[range.upperBound..<message.index(before: message.endIndex)]
            return m.text(.usageUnexpectedArgument, ["arguments": arguments.replacingOccurrences(of: "', '", with: " ")])
        }
        if let rest = message.after("The value '"), let split = rest.range(of: "' is invalid for '"),
           let end = rest[split.upperBound...].firstIndex(of: "'") {
            let tail = String(rest[rest.index(after: end)...])
            let detail: String
            if let list = tail.after(". Please provide one of the following:\n") {
                let names = list.split(separator: "\n").map { String(String($0).trimmingLeadingSpaces.dropFirst(2)) }
                detail = m.text(.usageChoices, ["choices": m.language.pick(names.joined(separator: "、"), names.joined(separator: ", "))])
            } else if let choices = tail.between(". Please provide one of ", ".") {
                let names = choices.replacingOccurrences(of: "'", with: "")
                    .replacingOccurrences(of: " or ", with: ", ").replacingOccurrences(of: " and ", with: ", ").components(separatedBy: ", ")
                detail = m.text(.usageChoices, ["choices": m.language.pick(names.joined(separator: "、"), choices)])
            } else {
                detail = tail
            }
            return m.text(.usageInvalidValue, ["value": String(rest[..<split.lowerBound]),
                                               "option": String(rest[split.upperBound..<end]), "detail": detail])
        }
        if let rest = message.after("The option '"), let split = rest.range(of: "' does not take any value, but '"),
           let value = String(rest[split.upperBound...]).between("", "' was specified.") {
            return m.text(.usageTakesNoValue, ["option": String(rest[..<split.lowerBound]), "value": value])
        }
        if message == "Missing required subcommand." { return m.text(.usageMissingSubcommand) }
        // The commands' own validation messages come from the catalog already, and its Chinese always has Han.
        if message.unicodeScalars.contains(where: { (0x4E00...0x9FFF).contains($0.value) }) { return message }
        return m.text(.usageOther, ["message": message])
    }
}

private extension String {
    func after(_ prefix: String) -> String? { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil }

    /// The text between `prefix` at the start and the last `suffix` at the end.
    func between(_ prefix: String, _ suffix: String) -> String? {
        guard hasPrefix(prefix), hasSuffix(suffix), count >= prefix.count + suffix.count else { return nil }
        return String(dropFirst(prefix.count).dropLast(suffix.count))
    }

    var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
}
