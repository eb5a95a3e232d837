import Foundation
import PledgeCore
import PledgeStore

public struct ImportOptions: Sendable {
    public var encoding: ImportEncoding = .auto
    public var dryRun = false
    public var maxErrors = 100
    public var ignoreUnknownColumns = false
    public var allowBadUSCC = false
    public var late = false
    /// Why late rows are recorded in closed months, or rights pledged twice.
    public var reason: String?
    public var allowDoublePledge = false
    /// Rows with warnings (an unusual amount, a USCC under another name) are invalid.
    public var strict = false
    /// The language of the problem lines and the summary.
    public var language: Language = .en
    /// Options named as the server's keys (`late`), not the CLI's flags (`--late`).
    public var http = false
    /// A workbook's sheet to read (the first when nil).
    public var sheet: String?
    /// The row the header is on; nil: row 1 of a CSV file, and in a workbook the first of its first rows that names
    /// the required columns (title rows above the header are skipped).
    public var headerRow: Int?
    public init() {}
}

/// Where an import's rows come from: the header as written, the row it is on, the file's size for progress, and the
/// data rows, each handed to `emit` prepared (`false` back: stop).
struct RowSource {
    var headerRow: Int
    /// A line added when the header is refused (a workbook's other sheets).
    var headerHint: String? = nil
    var header: [String]
    var total: Int64
    var produce: (_ layout: ImportLayout, _ prepare: Importer.RowPreparer, _ emit: (PreparedRow, Int64) -> Bool) throws -> Void
}

/// Loads a bank's CSV file into the ledger as ONE transaction: every row valid and none conflicting,
/// or nothing written. Streams the file: memory does not grow with its size.
public struct Importer {
    public var ledger: any LedgerStore
    public var options: ImportOptions
    public var today: CivilDate
    /// Told every few hundred rows how far the reading is, then each step that completes the load.
    public var progress: ((ImportProgress) -> Void)?

    public init(ledger: any LedgerStore, options: ImportOptions, today: CivilDate, progress: ((ImportProgress) -> Void)? = nil) {
        self.ledger = ledger
        self.options = options
        self.today = today
        self.progress = progress
    }

    /// From this file size on (about 20,000 rows), a first load writes through a rollback journal (`Ledger.bulkWrite`).
    static let bulkWriteBytes: Int64 = 4 << 20

    /// Imports `path`; `name` is how messages call the file (as the user typed it).
    /// Returns the summary when rows were written (or would be, with `dryRun`); throws `ImportRefused`
    /// when any row is invalid or conflicting, `ImportFileError` for file-level problems.
    public func run(path: String, name: String) throws -> ImportSummary {
        let messages = Messages(options.language, http: options.http)
        // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever; it is refused below.
        let raw = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard raw >= 0 else {
            throw fileError(errno == ENOENT ? .fileMissing(path: name) : .io(detail: String(cString: strerror(errno))), name)
        }
        defer { close(raw) }
        var info = stat()
        guard fstat(raw, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw fileError(.notRegular, name)
        }
        _ = fcntl(raw, F_SETFL, fcntl(raw, F_GETFL) & ~O_NONBLOCK)
        if WorkbookSource.isWorkbook(fd: raw) {
            return try load(WorkbookSource.open(path: path, name: name, options: options, messages: messages), name: name)
        }
        if options.sheet != nil { throw ImportFileError(lines: [messages.text(.sheetNotWorkbook, ["file": name])], category: .badInput) }
        var fd = raw
        var transcoded = false
        do {
            switch options.encoding {
            case .utf8: break
            case .gb18030:
                fd = try TextEncoding.transcodeGB18030(fd: raw)
                transcoded = true
            case .auto:
                if !TextEncoding.hasUTF8BOM(fd: raw), try !TextEncoding.isValidUTF8(fd: raw) {
                    fd = try TextEncoding.transcodeGB18030(fd: raw)
                    transcoded = true
                }
            }
        } catch let e as ImportError {
            throw fileError(e, name)
        }
        defer { if transcoded { close(fd) } }
        let total = transcoded ? Int64(lseek(fd, 0, SEEK_END)) : Int64(info.st_size)
        if transcoded { lseek(fd, 0, SEEK_SET) }
        return try load(csvSource(CSVReader(fileDescriptor: fd), total: total, name: name, messages: messages), name: name)
    }

    func fileError(_ e: ImportError, _ name: String, headerRow: Int = 1) -> ImportFileError {
        ImportFileError(lines: [Messages(options.language, http: options.http).describe(e, file: name, headerRow: headerRow)], category: e.category)
    }

    /// A CSV file's header (row `--header-row`, 1 by default) and its records.
    private func csvSource(_ reader: CSVReader, total: Int64, name: String, messages: Messages) throws -> RowSource {
        let forcedUTF8 = options.encoding == .utf8
        @Sendable func readError(_ e: CSVReadError, _ headers: [String]) -> ImportProblem {
            let line = messages.describe(e, file: name, headers: headers, forcedUTF8: forcedUTF8)
            guard let (row, c) = e.place else { return ImportProblem(row: 0, column: "", value: "", rule: line, line: line) }
            return ImportProblem(file: name, row: row, column: c < headers.count ? headers[c] : messages.text(.column, ["index": String(c + 1)]), line: line)
        }
        let headerRecord: CSVRecord
        do {
            var h = try reader.next()
            while let r = h, r.row < (options.headerRow ?? 1) { h = try reader.next() }
            guard let h, !(h.fields.count == 1 && h.fields[0].trimmingSpaces.isEmpty) else {
                throw fileError(.empty, name)
            }
            headerRecord = h
        } catch let e as CSVReadError {
            throw ImportFileError(lines: [readError(e, []).line], category: .badInput)
        }
        let reader_ = UncheckedBox(reader)
        return RowSource(headerRow: headerRecord.row, header: headerRecord.fields, total: total) { layout, prepare, emit in
            while true {
                let record: CSVRecord
                do {
                    guard let r = try reader_.value.next() else { return }
                    record = r
                } catch let e as CSVReadError {
                    _ = emit(.unreadable(readError(e, layout.headers)), reader_.value.bytesConsumed)
                    return
                }
                if record.fields.count == 1 && record.fields[0].trimmingSpaces.isEmpty { continue }
                if !emit(prepare.prepare(record), reader_.value.bytesConsumed) { return }
            }
        }
    }

    /// The rows of `source` validated on a second thread and loaded in one transaction by the store.
    private func load(_ source: RowSource, name: String) throws -> ImportSummary {
        let messages = Messages(options.language, http: options.http)
        let total = source.total
        let layout: ImportLayout
        do {
            layout = try ImportLayout(headers: source.header, ignoreUnknown: options.ignoreUnknownColumns, maxProblems: options.maxErrors)
        } catch let h as HeaderProblems {
            let more = h.unlisted > 0 ? [messages.text(.moreProblems, ["count": String(h.unlisted)])] : []
            throw ImportFileError(lines: h.listed.map { messages.describe($0, file: name, headerRow: source.headerRow) } + more
                                    + [source.headerHint].compactMap { $0 } + [messages.text(.headerRefused, ["file": name])],
                                  category: .badInput)
        }

        let reference = try ledger.reference()
        let validator = RegistrationValidator(reference: reference, today: today, fieldName: { [layout] in layout.fieldName($0) })
        let tally = Tally(maxErrors: options.maxErrors)
        tally.summary.dryRun = options.dryRun

        let prepare = RowPreparer(importer: self, name: name, layout: layout, validator: validator, messages: messages)
        let produce = UncheckedBox(source.produce)
        let pipeline = ImportPipeline { emit in try produce.value(layout, prepare, emit) }
        defer { pipeline.finish() }
        // The reader's half of each row: problem lines for the invalid ones; the store decides the rest (and the
        // transaction: written only when every row is valid and none conflicts).
        var unreadable = false
        let finishing = progress.map { report in { (step: LoadStep) in report(.finishing(step)) } }
        var loadOptions = LoadOptions(dryRun: options.dryRun, late: options.late, large: total >= Self.bulkWriteBytes)
        loadOptions.reason = options.reason
        loadOptions.allowDoublePledge = options.allowDoublePledge
        loadOptions.strict = options.strict
        loadOptions.name = name
        let result = try ledger.importRows(options: loadOptions, progress: finishing, next: {
            guard !unreadable, let batch = try pipeline.take() else { return nil }
            var rows: [LoadRow] = []
            rows.reserveCapacity(batch.rows.count)
            for row in batch.rows {
                switch row {
                case .unreadable(let problem):
                    // Nothing after it can be read: the load is refused whatever came before.
                    tally.listInvalid(problem)
                    unreadable = true
                    rows.append(.invalid)
                case .invalid(let problems):
                    tally.summary.rows += 1
                    for problem in problems { tally.listInvalid(problem) }
                    rows.append(.invalid)
                case .valid(let r, let lifecycle, let n, let regDateText):
                    tally.summary.rows += 1
                    tally.regDateText[n] = regDateText
                    rows.append(.valid(r, lifecycle: lifecycle, row: n))
                }
                if unreadable { break }
            }
            progress?(.reading(bytes: batch.bytesConsumed, total: total, rows: tally.summary.rows))
            return rows
        }, outcome: { r, row, outcome in
            record(outcome, registration: r, row: row, name: name, layout: layout, tally: tally)
        })
        tally.summary.new = result.new
        tally.summary.unchanged = result.unchanged
        tally.summary.invalid = result.invalid
        tally.summary.conflicting = result.conflicting
        tally.summary.warned = result.warned
        tally.summary.proposal = result.proposal
        if tally.summary.rows == 0 && tally.summary.invalid == 0 { throw fileError(.noDataRows, name, headerRow: source.headerRow) }
        let summary = tally.finished()
        if summary.invalid > 0 || summary.conflicting > 0 { throw ImportRefused(summary: summary, file: name) }
        return summary
    }

    /// Counts and problems of one import; invalid rows are listed before conflicts, within --max-errors.
    final class Tally {
        var summary = ImportSummary()
        var conflicts: [ImportProblem] = []
        var unlistedConflicts = 0
        /// The date cell of each valid row as written (a closed-period conflict quotes it); only rows waiting for
        /// their outcome are kept.
        var regDateText: [Int: String] = [:]
        let maxErrors: Int
        init(maxErrors: Int) { self.maxErrors = maxErrors }

        func listInvalid(_ problem: ImportProblem) {
            if summary.problems.count < maxErrors { summary.problems.append(problem) } else { summary.unlisted += 1 }
        }

        func warning(_ line: String) {
            if summary.warnings.count < maxErrors { summary.warnings.append(line) }
        }

        func conflict(_ problem: ImportProblem) {
            if conflicts.count < maxErrors { conflicts.append(problem) } else { unlistedConflicts += 1 }
        }

        func finished() -> ImportSummary {
            var s = summary
            let room = max(0, maxErrors - s.problems.count)
            s.problems += conflicts.prefix(room)
            s.unlisted += max(0, conflicts.count - room) + unlistedConflicts
            return s
        }
    }

    /// Parsing and validation of one record: no database, safe on the pipeline's thread.
    struct RowPreparer: @unchecked Sendable {
        var importer: Importer
        var name: String
        var layout: ImportLayout
        var validator: RegistrationValidator
        var messages: Messages

        func prepare(_ record: CSVRecord) -> PreparedRow {
            if record.fields.count != layout.width {
                let where_ = record.fields.count > layout.width ? messages.text(.column, ["index": String(layout.width + 1)])
                    : layout.headers[record.fields.count]
                let line = messages.text(.fieldCount, ["place": "\(name):\(record.row):\(where_)", "count": String(record.fields.count),
                                                       "width": String(layout.width)])
                return .invalid([ImportProblem(file: name, row: record.row, column: where_, line: line)])
            }
            var input = RegistrationInput(amountUnit: layout.amountUnit, allowBadUSCC: importer.options.allowBadUSCC)
            for (column, i) in layout.index {
                if let field = column.field { input[field] = Importer.unneutralized(record.fields[i]) }
            }
            var errors: [FieldError] = []
            let registration: Registration?
            switch validator.validate(input) {
            case .success(let r): registration = r
            case .failure(let e): registration = nil; errors = e.errors
            }
            let lifecycle = importer.statusEvent(record, layout: layout, registration: registration, errors: &errors)
            guard let registration, errors.isEmpty else {
                return .invalid(errors.map {
                    ImportProblem(row: record.row, column: $0.field, value: $0.value, rule: messages.rule($0.rule),
                                  line: "\(name):\(record.row):" + messages.describe($0))
                })
            }
            return .valid(registration, lifecycle: lifecycle, row: record.row, regDateText: record.fields[layout.index[.regDate]!])
        }
    }

    /// The message, if any, for what became of one valid row.
    private func record(_ outcome: RowOutcome, registration: Registration, row: Int, name: String, layout: ImportLayout, tally: Tally) {
        let dateText = tally.regDateText.removeValue(forKey: row) ?? registration.regDate.description
        let m = Messages(options.language, http: options.http)
        func problem(_ field: ImportColumn, _ value: String, _ line: (String) -> String) -> ImportProblem {
            let column = layout.header(field)
            return ImportProblem(file: name, row: row, column: column, value: value, line: line("\(name):\(row):\(column)"))
        }
        switch outcome {
        case .unchanged, .new(_, []): break
        case .new(_, let warnings):
            for w in warnings {
                let column: ImportColumn = w.isAmount ? (layout.amountUnit == .wan ? .amountWan : .amountYuan) : .uscc
                let p = problem(column, w.isAmount ? registration.amount.wanDisplay : registration.uscc) {
                    m.text(.warningLine, ["place": $0, "warning": m.warning(w, enterprise: registration.enterprise)])
                }
                if options.strict { tally.listInvalid(p) } else { tally.warning(p.line) }
            }
        case .rightPledged(let right, let holder):
            tally.conflict(problem(.ipNumbers, right) { $0 + ": " + m.describe(StoreError.rightPledged(regNo: registration.regNo, right: right, holder: holder)) })
        case .conflict(let changes):
            tally.conflict(problem(.regNo, registration.regNo) {
                m.text(.importConflict, ["place": $0, "regNo": registration.regNo, "changes": m.describe(changes)])
            })
        case .inClosedPeriod(let month):
            tally.conflict(problem(.regDate, dateText) { m.text(.importChangesClosed, ["place": $0, "value": dateText, "month": month]) })
        case .differsFromEarlierRow(let earlier, let changes):
            tally.listInvalid(problem(.regNo, registration.regNo) {
                m.text(.importDuplicateInFile, ["place": $0, "regNo": registration.regNo, "row": String(earlier), "changes": m.describe(changes)])
            })
        }
    }

    /// Undoes the apostrophe that CSV exports put before a cell starting with = + - @ (formula injection guard): one
    /// apostrophe off a cell of apostrophes followed by one of those (`CSVOutput.isFormula`). On bytes, as the export
    /// decides: "=" with a combining accent is another Character but still the byte "=".
    static func unneutralized(_ cell: String) -> String {
        guard let apostrophes = CSVOutput.apostrophesBeforeFormulaSign(cell.utf8), apostrophes > 0 else { return cell }
        return String(decoding: cell.utf8.dropFirst(), as: UTF8.self)
    }



    /// The optional status/status_date columns (what `export` writes) as a lifecycle event.
    fileprivate func statusEvent(_ record: CSVRecord, layout: ImportLayout, registration: Registration?, errors: inout [FieldError]) -> LedgerEvent? {
        guard let si = layout.index[.status] else { return nil }
        let text = record.fields[si].trimmingSpaces
        if text.isEmpty { return nil }
        guard let status = RegistrationStatus(text: text) else {
            errors.append(FieldError(field: layout.header(.status), value: text, rule: .status))
            return nil
        }
        if status == .active { return nil }
        if status == .void { return .void(reason: "imported as void") }
        let dateText = layout.index[.statusDate].map { record.fields[$0] } ?? ""
        guard let date = try? CivilDate.parsePast(dateText, field: layout.header(.statusDate), today: today) else {
            errors.append(FieldError(field: layout.header(.statusDate), value: dateText, rule: .statusDateRequired(status)))
            return nil
        }
        if let registration, date < registration.regDate {
            errors.append(FieldError(field: layout.header(.statusDate), value: dateText, rule: .beforeRegistrationDate(registration.regDate)))
            return nil
        }
        return status == .released ? .release(date: date, reason: .other) : .default(date: date)
    }
}

/// Hands a value owned by one thread at a time to the pipeline's producer.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
