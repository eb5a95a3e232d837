import PledgeCore

/// A problem with an import file that stops it before any row is read: missing file, encoding, header. Worded by
/// `Messages` in the user's language.
public enum ImportError: PledgeFailure, Equatable {
    case fileMissing(path: String)
    /// A FIFO, socket, device or folder: only a regular file is read.
    case notRegular
    case io(detail: String)
    case badEncoding(line: Int, problem: EncodingProblem)
    case empty
    case noDataRows
    /// A header problem at row 1; `column` is the header as written (or the missing column's name).
    case header(column: String, problem: HeaderProblem)

    public enum EncodingProblem: Sendable, Equatable { case truncatedCharacter, neitherEncoding }

    public enum HeaderProblem: Sendable, Equatable {
        case empty(index: Int)
        case unknown
        case duplicate(first: String, index: Int, column: String)
        case missing(names: [String])
        case noAmount
        case twoAmounts
    }

    public var category: FailureCategory {
        switch self {
        case .fileMissing, .notRegular: .missing
        case .io: .io
        case .badEncoding, .empty, .noDataRows, .header: .badInput
        }
    }

    public var description: String { Messages(.en).describe(self, file: "FILE") }
}

/// The outcome of an import: the summary counts and every reported problem, one line each.
public struct ImportSummary: Sendable, Equatable {
    public var new = 0
    public var unchanged = 0
    public var conflicting = 0
    public var invalid = 0
    /// At most `maxErrors` problems (invalid rows first, then conflicts), each also as its `FILE:ROW:COLUMN: …` line.
    public var problems: [ImportProblem] = []
    /// Problems found beyond `maxErrors` and not listed.
    public var unlisted = 0
    /// Rows written with warnings, and their lines (at most `maxErrors`).
    public var warned = 0
    public var warnings: [String] = []
    public var rows = 0
    public var dryRun = false
    /// While the ledger requires approval: the proposal holding the new rows (nothing counts until it is approved).
    public var proposal: Int64?

    public init() {}

    /// `N new, M unchanged, K conflicting, E invalid` (CONTRACT), or its Chinese; `, W with warnings` when rows warned.
    public func line(_ m: Messages) -> String {
        let line = m.text(.importSummary, ["new": String(new), "unchanged": String(unchanged), "conflicting": String(conflicting), "invalid": String(invalid)])
        return warned == 0 ? line : m.text(.importSummaryWarned, ["summary": line, "warned": String(warned)])
    }
}

/// One problem of an import, located: the file's row (counting the header as 1) and column as written, the cell's
/// value, and the rule it breaks in the run's language. The API lists these; the CLI prints `line`.
public struct ImportProblem: Sendable, Equatable, Encodable {
    public var row: Int
    public var column: String
    public var value: String
    public var rule: String
    /// `FILE:ROW:COLUMN: …`, as the CLI prints it.
    public var line: String

    /// A problem whose rule is its line without the leading `FILE:ROW:COLUMN: `.
    init(file: String, row: Int, column: String, value: String = "", line: String) {
        let place = "\(file):\(row):\(column)"
        var rule = line.hasPrefix(place) ? String(line.dropFirst(place.count)) : line
        for prefix in [": ", "：", ":"] where rule.hasPrefix(prefix) { rule = String(rule.dropFirst(prefix.count)); break }
        (self.row, self.column, self.value, self.rule, self.line) = (row, column, value, rule, line)
    }

    init(row: Int, column: String, value: String, rule: String, line: String) {
        (self.row, self.column, self.value, self.rule, self.line) = (row, column, value, rule, line)
    }

    enum CodingKeys: String, CodingKey { case row, column, value, rule }
}

/// An import that was refused: nothing was written.
public struct ImportRefused: PledgeFailure {
    public var summary: ImportSummary
    public var file: String
    public var linesAreLocated: Bool { true }
    /// Invalid rows win over conflicts (65 before 73).
    public var category: FailureCategory { summary.invalid > 0 ? .badInput : .conflict }

    public var description: String { Messages(.en).describe(self) }
}

/// A file-level import failure with the file named as the user typed it; nothing was written.
public struct ImportFileError: PledgeFailure {
    public var lines: [String]
    public var category: FailureCategory
    public var linesAreLocated: Bool { true }
    public var description: String { lines.joined(separator: "\n") }
}
