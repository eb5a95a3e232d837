import Foundation
import ZIPFoundation

/// One cell of a worksheet as the workbook stores it. Numbers keep the text of their `<v>` (no rounding on the way);
/// a number whose style is a date format is a `date` (its serial number, days since the workbook's epoch).
public enum SheetCell: Equatable, Sendable {
    case empty
    case text(String)
    case number(String)
    case date(serial: Double)
    case bool(Bool)
    /// An error value (`#REF!`, `#DIV/0!`, …), cached from a formula or typed.
    case error(String)
}

/// One row of a worksheet: its number as the spreadsheet shows it (1-based) and its cells from column A on.
public struct SheetRow: Sendable, Equatable {
    public var row: Int
    public var cells: [SheetCell]
    public var isEmpty: Bool { cells.allSatisfy { if case .text(let s) = $0 { s.trimmingSpaces.isEmpty } else { $0 == .empty } } }
}

/// What makes a workbook unreadable, before any row is taken from it.
public enum WorkbookError: Error, Equatable, Sendable {
    /// Not a ZIP archive, or one cut short or damaged.
    case notAWorkbook
    /// A legacy binary workbook (.xls, Excel 97–2003).
    case legacyXLS
    /// A part every workbook has is missing (`xl/workbook.xml`, a sheet the workbook lists).
    case missingPart(String)
    case noSheet(name: String, available: [String])
    /// A part is not well-formed XML: the part, the line the parser stopped on, what it said.
    case malformedXML(part: String, line: Int)
    /// A part larger than `XLSXWorkbook.maxPartBytes` once decompressed (a ZIP bomb, say).
    case partTooLarge(part: String)
}

/// An .xlsx workbook opened for reading: its sheets, shared strings and date styles read at once; a sheet's rows
/// streamed (`XLSXSheet`), never held whole. The archive by ZIPFoundation, the XML by libxml2's SAX2 interface
/// (`XMLStream`).
public final class XLSXWorkbook {
    public let sheetNames: [String]
    /// The 1904 date system (`<workbookPr date1904="1"/>`, old Mac workbooks): serial 0 is 1904-01-01.
    public let date1904: Bool
    let archive: Archive
    let sheetParts: [String]
    let sharedStrings: SharedStrings
    /// For each cell style index (`s="N"`), whether its number format shows a date.
    let dateStyles: [Bool]

    /// The largest part read (2 GiB decompressed): a real bank file's sheet is a few hundred MB at most.
    static let maxPartBytes: Int64 = 2 << 30

    public init(path: String) throws {
        if let head = FileHandle(forReadingAtPath: path).map({ h in defer { try? h.close() }; return h.readData(ofLength: 8) }),
           head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw WorkbookError.legacyXLS
        }
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch { throw WorkbookError.notAWorkbook }
        guard let workbook = archive["xl/workbook.xml"] else { throw WorkbookError.missingPart("xl/workbook.xml") }
        let book = WorkbookPart()
        try Self.parse(Self.data(archive, workbook), part: "xl/workbook.xml", book)
        let rels = RelationshipsPart()
        if let r = archive["xl/_rels/workbook.xml.rels"] { try Self.parse(Self.data(archive, r), part: "xl/_rels/workbook.xml.rels", rels) }
        sheetNames = book.sheets.map(\.name)
        date1904 = book.date1904
        sheetParts = book.sheets.map { s in
            let target = rels.targets[s.relationship] ?? "worksheets/sheet\(s.index).xml"
            return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }
        let strings = SharedStringsPart()
        if let s = archive["xl/sharedStrings.xml"] { try Self.parse(Self.data(archive, s), part: "xl/sharedStrings.xml", strings) }
        sharedStrings = strings.strings
        let styles = StylesPart()
        if let s = archive["xl/styles.xml"] { try Self.parse(Self.data(archive, s), part: "xl/styles.xml", styles) }
        dateStyles = styles.cellFormats.map { styles.isDate($0) }
    }

    /// The sheet named `name` (the first sheet when nil), extracted to a private temporary file for streaming.
    public func sheet(_ name: String?) throws -> XLSXSheet {
        let i: Int
        if let name {
            guard let found = sheetNames.firstIndex(of: name) ?? sheetNames.firstIndex(where: { $0.trimmingSpaces == name.trimmingSpaces }) else {
                throw WorkbookError.noSheet(name: name, available: sheetNames)
            }
            i = found
        } else {
            guard !sheetNames.isEmpty else { throw WorkbookError.missingPart("xl/worksheets") }
            i = 0
        }
        guard let entry = archive[sheetParts[i]] else { throw WorkbookError.missingPart(sheetParts[i]) }
        return try XLSXSheet(workbook: self, name: sheetNames[i], part: sheetParts[i], entry: entry)
    }

    static func data(_ archive: Archive, _ entry: Entry) throws -> Data {
        var out = Data()
        do {
            _ = try archive.extract(entry) { chunk in
                out.append(chunk)
                if Int64(out.count) > maxPartBytes { throw WorkbookError.partTooLarge(part: entry.path) }
            }
        } catch let e as WorkbookError { throw e } catch { throw WorkbookError.notAWorkbook }
        return out
    }

    static func parse(_ data: Data, part: String, _ events: any XMLEvents) throws {
        do { try XMLStream.parse(data, events) } catch { throw WorkbookError.malformedXML(part: part, line: error.line) }
    }
}

/// A worksheet's rows, read from its XML as a stream (memory does not grow with the sheet).
public final class XLSXSheet {
    let workbook: XLSXWorkbook
    let part: String
    /// The sheet's name in the workbook.
    public let name: String
    private let folder: URL
    private let file: URL
    /// The decompressed size of the sheet's XML, for progress.
    public private(set) var bytes: Int64 = 0

    init(workbook: XLSXWorkbook, name: String, part: String, entry: Entry) throws {
        self.workbook = workbook
        self.name = name
        self.part = part
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-xlsx-XXXXXX").path
        var chars = Array(template.utf8CString)
        guard let made = mkdtemp(&chars) else { throw WorkbookError.notAWorkbook }
        folder = URL(fileURLWithPath: String(cString: made))
        file = folder.appendingPathComponent("sheet.xml")
        guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let out = FileHandle(forWritingAtPath: file.path) else { throw WorkbookError.notAWorkbook }
        defer { try? out.close() }
        var written: Int64 = 0
        do {
            _ = try workbook.archive.extract(entry) { chunk in
                written += Int64(chunk.count)
                if written > XLSXWorkbook.maxPartBytes { throw WorkbookError.partTooLarge(part: part) }
                out.write(chunk)
            }
        } catch let e as WorkbookError {
            try? FileManager.default.removeItem(at: folder)
            throw e
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw WorkbookError.notAWorkbook
        }
        bytes = written
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Calls `body` with each row that has a cell, in order, until it returns false. Rows absent from the XML (empty
    /// in the spreadsheet) are not reported; row numbers are the sheet's own. `position` is how many bytes of the
    /// sheet's XML have been read.
    public func rows(_ body: @escaping (SheetRow, _ position: Int64) -> Bool) throws {
        let fd = open(file.path, O_RDONLY)
        guard fd >= 0 else { throw WorkbookError.notAWorkbook }
        defer { close(fd) }
        let reader = SheetPart(strings: workbook.sharedStrings, dateStyles: workbook.dateStyles, body: body)
        do {
            try XMLStream.parse(reader) { chunk in
                let n = read(fd, chunk.baseAddress, chunk.count)
                guard n >= 0 else { throw WorkbookError.notAWorkbook }
                reader.position += Int64(n)
                return n
            }
        } catch let e as XMLStreamError {
            if let failure = reader.failure { throw failure }
            throw WorkbookError.malformedXML(part: part, line: e.line)
        }
        if let failure = reader.failure { throw failure }
    }
}

/// The shared-string table, kept as one byte buffer and offsets (a bank file has one entry per distinct text:
/// hundreds of thousands of 登记号 and USCCs).
struct SharedStrings {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    var count: Int { ends.count }

    /// One `<si>`'s text as the XML holds it (Excel's `_xHHHH_` escapes undone here).
    mutating func append(_ text: [UInt8]) {
        if text.contains(UInt8(ascii: "_")) {
            bytes.append(contentsOf: unescapedCellText(String(decoding: text, as: UTF8.self)).utf8)
        } else {
            bytes.append(contentsOf: text)
        }
        ends.append(bytes.count)
    }

    subscript(i: Int) -> String? {
        guard i >= 0 && i < ends.count else { return nil }
        let start = i == 0 ? 0 : ends[i - 1]
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<ends[i]]), as: UTF8.self) }
    }
}
