/// What kind of failure an error is. The CLI maps each category to one exit code (CONTRACT.md);
/// the libraries only say which category a failure belongs to.
public enum FailureCategory: Sendable, Equatable {
    /// The input data broke a rule (bad identifier, bad amount, unknown bank, …).
    case badInput
    /// A ledger or input file does not exist.
    case missing
    /// The change conflicts with what the ledger holds (existing 登记号, closed period, wrong state).
    case conflict
    /// Reading or writing a file failed, or the ledger was opened read-only.
    case io
    /// Another process holds the ledger's write lock.
    case busy
    /// The person may not do this (the maker approving their own proposal).
    case forbidden
    /// The command does not apply here (a SQLite-only command on a PostgreSQL ledger).
    case usage
    /// A bug or an inconsistent ledger: never the user's input.
    case `internal`
}

/// Every error the libraries throw conforms: one line that says what, where and what to do.
public protocol PledgeFailure: Error, CustomStringConvertible, Sendable {
    var category: FailureCategory { get }
    /// True when each line already starts with its location (`FILE:ROW:COLUMN: …`, like a compiler's
    /// diagnostics), so the CLI prints the lines as they are instead of prefixing `pledge: error:`.
    var linesAreLocated: Bool { get }
}

extension PledgeFailure {
    public var linesAreLocated: Bool { false }
}

/// A field value that broke a validation rule. `field` is the name the user typed
/// (a flag such as `--uscc` or a CSV header), `value` the offending text, `rule` what it broke.
public struct FieldError: PledgeFailure, Equatable {
    public var field: String
    public var value: String
    public var rule: FieldRule

    public init(field: String, value: String, rule: FieldRule) {
        self.field = field
        self.value = value
        self.rule = rule
    }

    public var category: FailureCategory { .badInput }
    /// Not for users: PledgeIO's catalog words the rule.
    public var description: String { "\(field): value \"\(value.printableExcerpt)\" breaks \(rule)" }

    /// The same error reported under another field name (a flag vs. a CSV column).
    public func renamed(_ field: String) -> FieldError {
        FieldError(field: field, value: value, rule: rule)
    }
}

extension String {
    /// The value as it can be shown on one line: control characters escaped, long text cut.
    public var printableExcerpt: String {
        var out = ""
        for scalar in unicodeScalars.prefix(80) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return unicodeScalars.count > 80 ? out + "…" : out
    }

    /// True when the text holds a control character (NUL, tab, newline, DEL, …).
    public var hasControlCharacters: Bool {
        unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }
    }
}

extension String {
    /// The text as it may reach a terminal: every control character escaped (`\u{1b}`) but line breaks (LF, CRLF) and
    /// tabs, so that no value from a file, the ledger or the environment can move the cursor, retitle the window or
    /// hide text. Text without control characters comes back unchanged.
    public var terminalSafe: String {
        guard unicodeScalars.contains(where: { Self.needsEscape($0) && $0 != "\r" }) || contains("\r") else { return self }
        var out = String.UnicodeScalarView()
        let scalars = Array(unicodeScalars)
        for (i, s) in scalars.enumerated() {
            let keep = s == "\n" || s == "\t" || (s == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n")
            if keep || !Self.needsEscape(s) { out.append(s) } else {
                out.append(contentsOf: "\\u{\(String(s.value, radix: 16))}".unicodeScalars)
            }
        }
        return String(out)
    }

    private static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || s.value == 0x7F || (0x80...0x9F).contains(s.value)
    }
}
