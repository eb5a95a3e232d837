import Foundation
import PledgeCore
import PledgeStore

/// A bank's .xlsx workbook as an import's rows: the header found (or given with `--header-row`), each data row's
/// cells made the text the CSV path reads: dates as YYYY-MM-DD, numbers as plain decimals. A cell that cannot be
/// one (an error value, a number that is no plausible date, an identifier that a number cell cut short) is a
/// problem on its row and column.
enum WorkbookSource {
    /// A ZIP archive (an .xlsx) or a legacy binary workbook (.xls, refused with its own message).
    static func isWorkbook(fd: Int32) -> Bool {
        var head = [UInt8](repeating: 0, count: 4)
        let n = pread(fd, &head, 4, 0)
        return n == 4 && (head == [0x50, 0x4B, 0x03, 0x04] || head == [0xD0, 0xCF, 0x11, 0xE0])
    }

    static func open(path: String, name: String, options: ImportOptions, messages: Messages) throws -> RowSource {
        func refuse(_ e: WorkbookError) -> ImportFileError { ImportFileError(lines: [messages.describe(e, file: name)], category: .badInput) }
        let book: XLSXWorkbook, sheet: XLSXSheet
        var firstRows: [SheetRow] = []
        do {
            book = try XLSXWorkbook(path: path)
            sheet = try book.sheet(options.sheet)
            try sheet.rows { row, _ in
                if let wanted = options.headerRow {
                    if row.row == wanted { firstRows.append(row) }
                    return row.row < wanted
                }
                if row.isEmpty { return true }
                firstRows.append(row)
                return firstRows.count < 20
            }
        } catch let e as WorkbookError {
            throw refuse(e)
        }
        guard let header = options.headerRow == nil ? findHeader(firstRows) : firstRows.first else {
            throw ImportFileError(lines: [messages.describe(.empty, file: name, headerRow: options.headerRow ?? 1)], category: .badInput)
        }
        let texts = header.cells.map(text)
        // Columns with a header; an empty header cell (a merged title, a spacer column) must have nothing under it.
        let named = texts.indices.filter { !texts[$0].trimmingSpaces.isEmpty }
        let field = Dictionary(uniqueKeysWithValues: named.enumerated().map { ($1, $0) })
        let date1904 = book.date1904
        let hint = book.sheetNames.count > 1
            ? messages.text(.workbookSheets, ["file": name, "sheet": sheet.name, "sheets": book.sheetNames.map(\.printableExcerpt).joined(separator: messages.language == .zh ? "、" : ", ")])
            : nil
        return RowSource(headerRow: header.row, headerHint: hint, header: named.map { texts[$0] }, total: sheet.bytes) { layout, prepare, emit in
            let dates = Set([ImportColumn.regDate, .maturity, .statusDate].compactMap { layout.index[$0] })
            let identifiers = Set([ImportColumn.regNo, .uscc, .ipNumbers].compactMap { layout.index[$0] })
            func convert(_ row: SheetRow) -> PreparedRow {
                var fields = [String](repeating: "", count: named.count)
                var problems: [ImportProblem] = []
                for (c, cell) in row.cells.enumerated() where cell != .empty {
                    var reference: String { cellColumn(c) + String(row.row) }
                    guard let i = field[c] else {
                        let header = messages.text(.column, ["index": String(c + 1)])
                        problems.append(ImportProblem(file: name, row: row.row, column: header, value: text(cell),
                                                      line: messages.text(.cellWithoutHeader, ["place": "\(name):\(row.row):\(header)", "cell": reference,
                                                                                                "value": text(cell).printableExcerpt])))
                        continue
                    }
                    func refuse(_ key: MessageKey, _ value: String) {
                        problems.append(ImportProblem(file: name, row: row.row, column: layout.headers[i], value: value,
                                                      line: messages.text(key, ["place": "\(name):\(row.row):\(layout.headers[i])", "cell": reference,
                                                                                "value": value])))
                    }
                    switch cell {
                    case .empty: break
                    case .text(let s): fields[i] = s
                    case .bool(let b): fields[i] = b ? "true" : "false"
                    case .error(let code): refuse(.cellError, code)
                    case .date(let serial):
                        guard let d = date(serial: serial, date1904: date1904) else { refuse(.cellNotADate, numberText(String(serial))); continue }
                        fields[i] = d.description
                    case .number(let raw):
                        if dates.contains(i) {
                            guard let serial = Double(raw), let d = date(serial: serial, date1904: date1904) else { refuse(.cellNotADate, raw); continue }
                            fields[i] = d.description
                        } else if identifiers.contains(i) && lostDigits(raw) {
                            refuse(.cellDigitsLost, raw)
                        } else {
                            fields[i] = numberText(raw)
                        }
                    }
                }
                return problems.isEmpty ? prepare.prepare(CSVRecord(row: row.row, fields: fields)) : .invalid(problems)
            }
            do {
                try rows(of: sheet, after: header.row) { row, position in emit(convert(row), position) }
            } catch let e as WorkbookError {
                let line = messages.describe(e, file: name)
                _ = emit(.unreadable(ImportProblem(row: 0, column: "", value: "", rule: line, line: line)), sheet.bytes)
            }
        }
    }

    /// The sheet's rows below the header, parsed on a thread of their own while the caller converts and validates
    /// the ones before (with the database thread that makes three stages; XML parsing alone is as slow as the rest of
    /// a row's way). Stops when `body` answers false.
    static func rows(of sheet: XLSXSheet, after headerRow: Int, _ body: (SheetRow, Int64) -> Bool) throws {
        final class Parser: @unchecked Sendable {
            let sheet: XLSXSheet
            let channel = BatchChannel<[(SheetRow, Int64)]>(capacity: 8)
            /// Set before the channel closes (its lock orders the two).
            var failure: Error?
            let done = DispatchSemaphore(value: 0)
            init(_ sheet: XLSXSheet) { self.sheet = sheet }
        }
        let parser = Parser(sheet)
        let thread = Thread {
            defer { parser.channel.close(); parser.done.signal() }
            var batch: [(SheetRow, Int64)] = []
            do {
                try parser.sheet.rows { row, position in
                    guard row.row > headerRow, !row.isEmpty else { return true }
                    batch.append((row, position))
                    guard batch.count >= 256 else { return true }
                    defer { batch = [] }
                    return parser.channel.put(batch)
                }
                _ = parser.channel.put(batch)
            } catch {
                parser.failure = error
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        defer { parser.channel.cancel(); parser.done.wait() }
        while let batch = parser.channel.take() {
            for (row, position) in batch where !body(row, position) { return }
        }
        if let failure = parser.failure { throw failure }
    }

    /// The first of the sheet's first rows that names every required column, else the one naming the most columns
    /// (its problems are then reported), else the first.
    static func findHeader(_ rows: [SheetRow]) -> SheetRow? {
        func headers(_ r: SheetRow) -> [String] { r.cells.map(text).filter { !$0.trimmingSpaces.isEmpty } }
        if let complete = rows.first(where: { (try? ImportLayout(headers: headers($0), ignoreUnknown: true)) != nil }) { return complete }
        let known = rows.map { headers($0).filter { ImportColumn(header: $0) != nil }.count }
        guard let best = known.max(), best > 0 else { return rows.first }
        return rows[known.firstIndex(of: best)!]
    }

    /// A cell as text, the way a header or a message shows it.
    static func text(_ cell: SheetCell) -> String {
        switch cell {
        case .empty: ""
        case .text(let s): s
        case .number(let raw): numberText(raw)
        case .date(let serial): date(serial: serial, date1904: false)?.description ?? numberText(String(serial))
        case .bool(let b): b ? "TRUE" : "FALSE"
        case .error(let code): code
        }
    }

    /// A number cell's value as a plain decimal: integers whole, others to 15 significant digits (as a spreadsheet
    /// shows them: `1234.5599999999999` is 1234.56), the stored text when it needs an exponent.
    static func numberText(_ raw: String) -> String {
        guard let d = Double(raw), d.isFinite else { return raw }
        if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
        // A short decimal as stored (19.86) is already what a spreadsheet shows.
        if raw.utf8.count <= 16 && !raw.utf8.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) { return raw }
        let s = String(format: "%.15g", d)
        return s.contains("e") ? raw : s
    }

    /// A number too large to hold a long identifier exactly (a USCC or 登记号 typed into a number cell).
    static func lostDigits(_ raw: String) -> Bool {
        raw.contains("E") || raw.contains("e") || (Double(raw).map { abs($0) >= 1e15 } ?? false)
    }

    /// The day a date serial number stands for, when it is a plausible date for a pledge (1950–2199). In the 1900
    /// system serial 1 is 1900-01-01 and 60 the 29 February 1900 that Lotus counted and Excel keeps; in the 1904
    /// system serial 0 is 1904-01-01. A time of day (the fraction) is dropped.
    static func date(serial: Double, date1904: Bool) -> CivilDate? {
        guard serial.isFinite, serial >= 0, serial < 1e6 else { return nil }
        let day = Int(serial.rounded(.down))
        let first = CivilDate(year: date1904 ? 1904 : 1900, month: 1, day: 1)!.dayNumber
        if !date1904 && day == 60 { return nil }
        let offset = date1904 ? day : (day > 60 ? day - 2 : day - 1)
        guard let d = CivilDate(dayNumber: first + offset), (1950...2199).contains(d.year) else { return nil }
        return d
    }

    /// `0` → A, `25` → Z, `26` → AA: a column as a cell reference names it.
    static func cellColumn(_ index: Int) -> String {
        var n = index + 1, out = ""
        while n > 0 {
            let r = (n - 1) % 26
            out = String(UnicodeScalar(UInt8(65 + r))) + out
            n = (n - 1) / 26
        }
        return out
    }
}
