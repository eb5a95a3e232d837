import PledgeCore

/// A problem with an import file that stops it before any row is read: missing file, encoding, header.
public enum ImportError: PledgeFailure, Equatable {
    case fileMissing(path: String)
    /// A FIFO, socket, device or folder: only a regular file is read.
    case notRegular
    case io(detail: String)
    case badEncoding(line: Int, detail: String)
    case empty
    case noDataRows
    /// A header problem at row 1; `column` is the header as written (or the missing column's names).
    case header(column: String, message: String)

    public var category: FailureCategory {
        switch self {
        case .fileMissing, .notRegular: .missing
        case .io: .io
        case .badEncoding, .empty, .noDataRows, .header: .badInput
        }
    }

    public var description: String { message(file: "FILE") }

    /// The message with the file named as the user typed it.
    public func message(file: String) -> String {
        switch self {
        case .fileMissing(let p): "\(p): no such file; check the path"
        case .io(let d): "\(file): cannot read: \(d)"
        case .notRegular: "\(file): not a regular file (a pipe, socket, device or folder); save the list as a file and import that"
        case .badEncoding(let line, let d):
            "\(file):\(line): \(d); save the file as UTF-8 or GB18030 (Excel: CSV UTF-8), or pass --encoding"
        case .empty: "\(file):1: the file is empty; a header row is required (see `pledge import --help`)"
        case .noDataRows: "\(file):2: the file has a header but no data rows; nothing to import"
        case .header(let column, let m): "\(file):1:\(column): \(m)"
        }
    }
}

/// The outcome of an import: the summary counts and every reported problem, one line each.
public struct ImportSummary: Sendable, Equatable {
    public var new = 0
    public var unchanged = 0
    public var conflicting = 0
    public var invalid = 0
    /// `FILE:ROW:COLUMN: …` lines, at most `maxErrors` of them (invalid rows first, then conflicts).
    public var problems: [String] = []
    /// Problems found beyond `maxErrors` and not listed.
    public var unlisted = 0
    public var rows = 0
    public var dryRun = false

    public init() {}

    public var line: String { "\(new) new, \(unchanged) unchanged, \(conflicting) conflicting, \(invalid) invalid" }
}

/// An import that was refused: nothing was written.
public struct ImportRefused: PledgeFailure {
    public var summary: ImportSummary
    public var file: String
    public var linesAreLocated: Bool { true }
    /// Invalid rows win over conflicts (65 before 73).
    public var category: FailureCategory { summary.invalid > 0 ? .badInput : .conflict }

    public var description: String {
        var lines = summary.problems
        if summary.unlisted > 0 { lines.append("… \(summary.unlisted) more problems not listed (raise --max-errors to see them)") }
        lines.append(summary.line)
        lines.append("\(file): import refused, nothing was written" + (summary.invalid > 0 ? "; fix the rows above and import the file again"
                     : "; the file disagrees with the ledger: correct the ledger (`pledge correct`) or the file"))
        return lines.joined(separator: "\n")
    }
}

/// A file-level import failure with the file named as the user typed it; nothing was written.
public struct ImportFileError: PledgeFailure {
    public var lines: [String]
    public var category: FailureCategory
    public var linesAreLocated: Bool { true }
    public var description: String { lines.joined(separator: "\n") }
}
