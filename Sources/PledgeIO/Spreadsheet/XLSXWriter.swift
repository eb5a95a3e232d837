import Foundation
import PledgeCore
import PledgeStore
import ZIPFoundation

/// A value written into a workbook cell, typed: identifiers stay text (an all-digit USCC must not become
/// 9.14403001922038E+17), money and counts are numbers, dates are date cells.
public enum SheetValue: Sendable, Equatable {
    case empty
    case text(String)
    case integer(Int64)
    /// Money in 元 (two decimals shown) or 万元 (two to six: a 万元 amount is exact to the 分 with six).
    case amount(Fen, MoneyUnit)
    /// A plain decimal as written (`5.2`, a rate; `12.34`, a percentage).
    case decimal(String)
    case date(CivilDate)
}

/// A sheet of a report: its header (frozen, bold), its rows and an optional totals row (bold).
public struct SheetTable: Sendable {
    public var name: String
    public var header: [String]
    public var rows: [[SheetValue]]
    public var totals: [SheetValue]?

    public init(name: String, header: [String], rows: [[SheetValue]], totals: [SheetValue]? = nil) {
        (self.name, self.header, self.rows, self.totals) = (name, header, rows, totals)
    }

    /// The "About" sheet: one row per label and value (the target, the journal head the figures come from, …).
    public static func about(_ language: Language, _ pairs: [(String, String)]) -> SheetTable {
        SheetTable(name: Messages(language).text(.sheetAbout), header: [language.pick("项目", "Item"), language.pick("内容", "Value")],
                   rows: pairs.map { [.text($0.0), .text($0.1)] })
    }
}

/// Writes an .xlsx workbook: each sheet's rows streamed to a private temporary file (memory does not grow with a
/// million rows), then the package assembled by ZIPFoundation (deflate) into a file beside the output and renamed
/// over it. Cells are inline strings, numbers and date serials; styles: a bold header frozen below its row, numbers
/// with their decimals, dates as yyyy-mm-dd; column widths fitted to the widest text (a Chinese character is two).
public final class XLSXWriter {
    private let path: String
    private let folder: URL
    private var sheets: [(name: String, file: URL, columns: [Int], rows: Int)] = []
    private var current: (handle: FileHandle, buffer: [UInt8], widths: [Int], rows: Int)?

    /// `ledger`: an output path that is the ledger or one of its files is refused before anything is written.
    public init(path: String, ledger: String?) throws {
        if let ledger { try OutputSink.refuseLedgerFiles(path, ledger: ledger) }
        self.path = path
        var template = Array((FileManager.default.temporaryDirectory.path + "/pledge-xlsx-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw OutputError(path: path, detail: String(cString: strerror(errno))) }
        folder = URL(fileURLWithPath: String(cString: made))
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Writes a whole workbook of `tables`.
    public static func write(_ tables: [SheetTable], to path: String, ledger: String?) throws {
        let w = try XLSXWriter(path: path, ledger: ledger)
        for t in tables {
            try w.beginSheet(t.name, header: t.header)
            for r in t.rows { try w.row(r) }
            if let totals = t.totals { try w.row(totals, bold: true) }
        }
        try w.finish()
    }

    public func beginSheet(_ name: String, header: [String]) throws {
        try endSheet()
        let file = folder.appendingPathComponent("sheet\(sheets.count + 1).xml")
        guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: file.path) else { throw OutputError(path: path, detail: "cannot create a temporary file") }
        sheets.append((Self.sheetName(name, taken: sheets.map(\.name)), file, [], 0))
        current = (handle, [], [], 0)
        try row(header.map(SheetValue.text), bold: true)
    }

    /// Appends one row to the current sheet.
    public func row(_ values: [SheetValue], bold: Bool = false) throws {
        guard var c = current else { return }
        current = nil
        c.rows += 1
        let r = c.rows
        let measure = r <= Self.widthSampleRows
        c.buffer.append(contentsOf: "<row r=\"".utf8)
        Self.appendDigits(Int64(r), to: &c.buffer)
        c.buffer.append(contentsOf: "\">".utf8)
        var gap = false
        for (i, v) in values.enumerated() {
            if case .empty = v { gap = true; continue }
            // A cell's reference is written only after an empty cell: otherwise it is the next column (SpreadsheetML).
            c.buffer.append(contentsOf: "<c".utf8)
            if gap {
                c.buffer.append(contentsOf: " r=\"".utf8)
                c.buffer.append(contentsOf: WorkbookSource.cellColumn(i).utf8)
                Self.appendDigits(Int64(r), to: &c.buffer)
                c.buffer.append(UInt8(ascii: "\""))
                gap = false
            }
            let width = cell(v, column: i, bold: bold, into: &c.buffer, measure: measure)
            if measure {
                while c.widths.count <= i { c.widths.append(0) }
                c.widths[i] = max(c.widths[i], width)
            }
        }
        c.buffer.append(contentsOf: "</row>".utf8)
        if c.buffer.count >= 1 << 20 {
            c.handle.write(Data(c.buffer))
            c.buffer.removeAll(keepingCapacity: true)
        }
        current = c
    }

    /// Appends the rows `produce` hands over, each encoded on a second thread while `produce` reads the next (a
    /// million-row export: the ledger's rows are read and decoded while the previous ones become XML).
    public func rows(_ produce: (_ add: ([SheetValue]) throws -> Void) throws -> Void) throws {
        final class Encoder: @unchecked Sendable {
            let writer: XLSXWriter
            let channel = BatchChannel<[[SheetValue]]>(capacity: 8)
            let done = DispatchSemaphore(value: 0)
            var failure: Error?
            init(_ writer: XLSXWriter) { self.writer = writer }
        }
        let encoder = Encoder(self)
        let thread = Thread {
            defer { encoder.done.signal() }
            while let batch = encoder.channel.take() {
                do {
                    for r in batch { try encoder.writer.row(r) }
                } catch {
                    encoder.failure = error
                    encoder.channel.cancel()
                    return
                }
            }
        }
        thread.start()
        var batch: [[SheetValue]] = []
        batch.reserveCapacity(1024)
        struct Stopped: Error {}
        do {
            try produce { row in
                batch.append(row)
                if batch.count == 1024 {
                    guard encoder.channel.put(batch) else { throw Stopped() }
                    batch.removeAll(keepingCapacity: true)
                }
            }
            _ = encoder.channel.put(batch)
            encoder.channel.close()
        } catch {
            encoder.channel.cancel()
            encoder.done.wait()
            if error is Stopped, let failure = encoder.failure { throw failure }
            throw error
        }
        encoder.done.wait()
        if let failure = encoder.failure { throw failure }
    }

    /// Column widths are fitted to the header and the first rows (a million rows' widths would cost a pass of their own).
    static let widthSampleRows = 10_000

    /// The shared-string table: texts that repeat down a column (bank, park, status, 是/否) are written once. Each
    /// column shares its first `sharedPerColumn` distinct texts; beyond that (登记号, USCCs: every one different) its
    /// new texts are written inline, so the table stays small whatever the rows.
    private var shared: [String: Int] = [:]
    private var sharedTexts: [String] = []
    private var sharedByColumn: [Int: Int] = [:]
    static let sharedPerColumn = 1_000

    /// Appends a cell's attributes and value (after `<c` and its reference); returns the width its text takes.
    private func cell(_ v: SheetValue, column: Int, bold: Bool, into out: inout [UInt8], measure: Bool) -> Int {
        func style(_ format: Int) {
            out.append(contentsOf: " s=\"".utf8)
            Self.appendDigits(Int64(format * 2 + (bold ? 1 : 0)), to: &out)
            out.append(UInt8(ascii: "\""))
        }
        func number(_ format: Int, _ digits: (inout [UInt8]) -> Void) {
            style(format)
            out.append(contentsOf: "><v>".utf8)
            digits(&out)
            out.append(contentsOf: "</v></c>".utf8)
        }
        switch v {
        case .empty: return 0
        case .text(let s):
            var index = shared[s]
            if index == nil && sharedByColumn[column, default: 0] < Self.sharedPerColumn && s.utf8.count <= 64 {
                index = sharedTexts.count
                shared[s] = sharedTexts.count
                sharedTexts.append(s)
                sharedByColumn[column, default: 0] += 1
            }
            // Text cells take the default style (a string cell stays text whatever its format); bold ones the header's.
            if let index {
                out.append(contentsOf: " t=\"s\"".utf8)
                if bold { style(1) }
                out.append(contentsOf: "><v>".utf8)
                Self.appendDigits(Int64(index), to: &out)
                out.append(contentsOf: "</v></c>".utf8)
            } else {
                out.append(contentsOf: " t=\"inlineStr\"".utf8)
                if bold { style(1) }
                out.append(contentsOf: Self.needsPreserve(s) ? "><is><t xml:space=\"preserve\">".utf8 : "><is><t>".utf8)
                Self.appendEscaped(s, to: &out)
                out.append(contentsOf: "</t></is></c>".utf8)
            }
            return measure ? s.displayWidth : 0
        case .integer(let n):
            number(2) { Self.appendDigits(n, to: &$0) }
            return String(n).count + 1
        case .amount(let fen, let unit):
            number(unit == .wan ? 5 : 3) { out in
                if unit == .wan { out.append(contentsOf: fen.wanString.utf8); return }
                if fen.value < 0 { out.append(UInt8(ascii: "-")) }
                Self.appendDigits(Int64(fen.value.magnitude / 100), to: &out)
                out.append(UInt8(ascii: "."))
                let cents = Int64(fen.value.magnitude % 100)
                if cents < 10 { out.append(UInt8(ascii: "0")) }
                Self.appendDigits(cents, to: &out)
            }
            return measure ? fen.formatted(unit == .wan ? .wan : .yuan, decimals: 2, grouping: true).count + 1 : 0
        case .decimal(let d):
            number(0) { $0.append(contentsOf: d.utf8) }
            return d.count + 1
        case .date(let d):
            number(4) { Self.appendDigits(Int64(d.dayNumber - Self.excelEpochDay), to: &$0) }
            return 11
        }
    }

    static func appendDigits(_ n: Int64, to out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var m = n.magnitude
        if m == 0 { out.append(UInt8(ascii: "0")); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while m > 0 { d[count] = UInt8(48 + m % 10); m /= 10; count += 1 }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }

    /// Leading or trailing white space, which XML would otherwise let a reader drop.
    static func needsPreserve(_ s: String) -> Bool {
        guard let first = s.utf8.first, let last = s.utf8.last else { return false }
        return first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D || last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D
    }

    private func endSheet() throws {
        guard let c = current else { return }
        c.handle.write(Data(c.buffer))
        try c.handle.close()
        sheets[sheets.count - 1].columns = c.widths
        sheets[sheets.count - 1].rows = c.rows
        current = nil
    }

    /// Assembles the workbook and renames it into place (0600, as every file pledge writes).
    public func finish() throws {
        try endSheet()
        let temp = path + ".pledge-tmp-\(getpid())"
        unlink(temp)
        do {
            let archive = try Archive(url: URL(fileURLWithPath: temp), accessMode: .create)
            chmod(temp, 0o600)
            func add(_ name: String, _ text: String) throws {
                let data = Data(text.utf8)
                try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            try add("[Content_Types].xml", XLSXPackage.contentTypes(sheets: sheets.count))
            try add("_rels/.rels", XLSXPackage.packageRelationships)
            try add("xl/workbook.xml", XLSXPackage.workbook(names: sheets.map(\.name)))
            try add("xl/_rels/workbook.xml.rels", XLSXPackage.workbookRelationships(sheets: sheets.count))
            try add("xl/styles.xml", XLSXPackage.styles)
            try add("xl/sharedStrings.xml", XLSXPackage.sharedStrings(sharedTexts))
            for (i, s) in sheets.enumerated() {
                let head = Data(XLSXPackage.sheetHead(widths: s.columns).utf8), tail = Data(XLSXPackage.sheetTail.utf8)
                let rows = try FileHandle(forReadingFrom: s.file)
                defer { try? rows.close() }
                let body = Int64(try rows.seekToEnd())
                let total = Int64(head.count) + body + Int64(tail.count)
                try archive.addEntry(with: "xl/worksheets/sheet\(i + 1).xml", type: .file, uncompressedSize: total,
                                     compressionMethod: .deflate, bufferSize: 1 << 20) { position, size in
                    try Self.slice(position, size, head: head, rows: rows, body: body, tail: tail)
                }
            }
        } catch let e as OutputError {
            unlink(temp)
            throw e
        } catch {
            unlink(temp)
            throw OutputError(path: path, detail: "\(error)")
        }
        guard rename(temp, path) == 0 else {
            let detail = String(cString: strerror(errno))
            unlink(temp)
            throw OutputError(path: path, detail: detail)
        }
    }

    /// Bytes `position..<position+size` of head + the rows file + tail.
    private static func slice(_ position: Int64, _ size: Int, head: Data, rows: FileHandle, body: Int64, tail: Data) throws -> Data {
        var out = Data()
        var p = position, left = size
        let headEnd = Int64(head.count), bodyEnd = headEnd + body
        if p < headEnd && left > 0 {
            let n = min(left, Int(headEnd - p))
            out.append(head.subdata(in: Int(p)..<Int(p) + n)); p += Int64(n); left -= n
        }
        if p < bodyEnd && left > 0 {
            let n = min(left, Int(bodyEnd - p))
            try rows.seek(toOffset: UInt64(p - headEnd))
            out.append(rows.readData(ofLength: n)); p += Int64(n); left -= n
        }
        if left > 0 {
            let start = Int(p - bodyEnd)
            out.append(tail.subdata(in: start..<start + left))
        }
        return out
    }

    /// A sheet name Excel accepts: at most 31 characters, none of : \ / ? * [ ], unique in the workbook.
    static func sheetName(_ name: String, taken: [String]) -> String {
        var base = String(name.filter { !":\\/?*[]".contains($0) }.prefix(31))
        if base.isEmpty { base = "Sheet" }
        var out = base, n = 2
        while taken.contains(out) { out = String(base.prefix(28)) + " \(n)"; n += 1 }
        return out
    }

    /// The day number of serial 0 in the 1900 date system for dates from 1900-03-01 on (serial 61 is 1900-03-01).
    static let excelEpochDay = CivilDate(year: 1900, month: 3, day: 1)!.dayNumber - 61

    /// XML text: & < > escaped; characters XML 1.0 cannot hold, and an underscore that would start Excel's own `_xHHHH_`
    /// escape, written as `_xHHHH_` (which Excel and LibreOffice read back as the character).
    static func appendEscaped(_ s: String, to out: inout [UInt8]) {
        // Most text needs no escape: copied as it is.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "_") }) {
            out.append(contentsOf: s.utf8)
            return
        }
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            let b = u[i]
            switch b {
            case UInt8(ascii: "&"): out.append(contentsOf: Array("&amp;".utf8))
            case UInt8(ascii: "<"): out.append(contentsOf: Array("&lt;".utf8))
            case UInt8(ascii: ">"): out.append(contentsOf: Array("&gt;".utf8))
            case 0x09, 0x0A, 0x0D: out.append(b)
            case 0..<0x20: out.append(contentsOf: Array(String(format: "_x%04X_", b).utf8))
            case UInt8(ascii: "_") where isEscapeSequence(u, i): out.append(contentsOf: Array("_x005F_".utf8))
            default: out.append(b)
            }
            i += 1
        }
    }

    /// `_x` followed by four hex digits and `_` at `i`.
    private static func isEscapeSequence(_ u: [UInt8], _ i: Int) -> Bool {
        guard i + 6 < u.count, u[i + 1] == UInt8(ascii: "x") || u[i + 1] == UInt8(ascii: "X"), u[i + 6] == UInt8(ascii: "_") else { return false }
        return u[(i + 2)...(i + 5)].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
    }
}
