import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The local name of an element or attribute (`x:row` → `row`): some writers prefix SpreadsheetML's namespace.
private func local(_ name: String) -> String {
    guard name.utf8.contains(UInt8(ascii: ":")), let colon = name.lastIndex(of: ":") else { return name }
    return String(name[name.index(after: colon)...])
}

/// Text with Excel's `_xHHHH_` escapes (characters XML cannot hold; `_x005F_` an underscore) made characters again.
func unescapedCellText(_ s: String) -> String {
    guard s.utf8.contains(UInt8(ascii: "_")) else { return s }
    var out = "", rest = Substring(s)
    while let i = rest.firstIndex(of: "_") {
        out += rest[..<i]
        let candidate = rest[i...].prefix(7)
        if candidate.count == 7, candidate.dropFirst().first.map({ $0 == "x" || $0 == "X" }) == true, candidate.last == "_",
           let code = UInt32(candidate.dropFirst(2).prefix(4), radix: 16), let scalar = Unicode.Scalar(code) {
            out.unicodeScalars.append(scalar)
            rest = rest[rest.index(i, offsetBy: 7)...]
        } else {
            out.append("_")
            rest = rest[rest.index(after: i)...]
        }
    }
    return out + rest
}

private func attribute(_ attributes: [String: String], _ name: String) -> String? {
    if let v = attributes[name] { return v }
    return attributes.first { local($0.key) == name }?.value
}

/// `xl/workbook.xml`: the sheets in order and the date system.
final class WorkbookPart: NSObject, XMLParserDelegate {
    var sheets: [(name: String, relationship: String, index: Int)] = []
    var date1904 = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch local(name) {
        case "sheet":
            sheets.append((attribute(attributes, "name") ?? "", attributes.first { local($0.key) == "id" }?.value ?? "", sheets.count + 1))
        case "workbookPr":
            let v = attribute(attributes, "date1904")?.lowercased()
            date1904 = v == "1" || v == "true"
        default: break
        }
    }
}

/// `xl/_rels/workbook.xml.rels`: where each sheet's part is.
final class RelationshipsPart: NSObject, XMLParserDelegate {
    var targets: [String: String] = [:]

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        if local(name) == "Relationship", let id = attribute(attributes, "Id"), let target = attribute(attributes, "Target") {
            targets[id] = target
        }
    }
}

/// `xl/sharedStrings.xml`: each `<si>`'s text (rich-text runs joined; phonetic runs, `<rPh>`, left out).
final class SharedStringsPart: NSObject, XMLParserDelegate {
    var strings = SharedStrings()
    private var current = ""
    private var inItem = false, inText = false, phonetic = 0

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch local(name) {
        case "si": inItem = true; current = ""
        case "t": inText = inItem && phonetic == 0
        case "rPh": phonetic += 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch local(name) {
        case "si": strings.append(unescapedCellText(current)); inItem = false
        case "t": inText = false
        case "rPh": phonetic -= 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }
}

/// `xl/styles.xml`: the number format of each cell style, and which formats show dates.
final class StylesPart: NSObject, XMLParserDelegate {
    var cellFormats: [Int] = []
    var customFormats: [Int: String] = [:]
    private var inCellXfs = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch local(name) {
        case "numFmt":
            if let id = attribute(attributes, "numFmtId").flatMap(Int.init), let code = attribute(attributes, "formatCode") { customFormats[id] = code }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs: cellFormats.append(attribute(attributes, "numFmtId").flatMap(Int.init) ?? 0)
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if local(name) == "cellXfs" { inCellXfs = false }
    }

    /// Excel's built-in date formats (14–22; 27–36 and 50–58 in Chinese, Japanese and Korean settings; 45–47 times),
    /// or a custom format that shows a year, month or day once literals, colours and conditions are taken out.
    func isDate(_ id: Int) -> Bool {
        if let code = customFormats[id] { return Self.isDateFormat(code) }
        return (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id)
    }

    static func isDateFormat(_ code: String) -> Bool {
        var plain = "", quoted = false, bracket = false, escaped = false
        for c in code {
            if escaped { escaped = false; continue }
            switch c {
            case "\\" where !quoted: escaped = true
            case "\"": quoted.toggle()
            case "[" where !quoted: bracket = true
            case "]" where !quoted: bracket = false
            default: if !quoted && !bracket { plain.append(c) }
            }
        }
        let section = plain.split(separator: ";", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return section.lowercased().contains { $0 == "y" || $0 == "d" || $0 == "m" } && !section.lowercased().contains("general")
    }
}

/// A worksheet's `<sheetData>`, row by row, as `SheetRow`s.
final class SheetPart: NSObject, XMLParserDelegate {
    private let strings: SharedStrings
    private let dateStyles: [Bool]
    private let body: (SheetRow, Int64) -> Bool
    private let bytes: Int64
    weak var parser: XMLParser?
    private(set) var stopped = false
    var failure: Error?

    private var row = SheetRow(row: 0, cells: [])
    private var lastRow = 0
    private var column = 0
    private var type = "", style = 0
    private var value = ""
    private var collecting = false, inInline = false, phonetic = 0, hasValue = false

    init(strings: SharedStrings, dateStyles: [Bool], bytes: Int64, body: @escaping (SheetRow, Int64) -> Bool) {
        (self.strings, self.dateStyles, self.bytes, self.body) = (strings, dateStyles, bytes, body)
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch local(name) {
        case "dimension":
            if let ref = attributes["ref"], let end = ref.split(separator: ":").last {
                lastRowHint = Int(end.drop { !$0.isNumber }) ?? 0
            }
        case "row":
            lastRow = attributes["r"].flatMap(Int.init) ?? lastRow + 1
            row = SheetRow(row: lastRow, cells: [])
            column = 0
        case "c":
            column = attributes["r"].flatMap(Self.column) ?? row.cells.count
            type = attributes["t"] ?? ""
            style = attributes["s"].flatMap(Int.init) ?? 0
            value = ""
            hasValue = false
        case "v":
            collecting = true
            hasValue = true
        case "is":
            inInline = true
            hasValue = true
        case "t": collecting = inInline && phonetic == 0
        case "rPh": phonetic += 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch local(name) {
        case "v", "t": collecting = false
        case "is": inInline = false
        case "rPh": phonetic -= 1
        case "c":
            guard hasValue, failure == nil else { return }
            let cell = self.cell()
            if cell == .empty { return }
            while row.cells.count < column { row.cells.append(.empty) }
            if column < row.cells.count { row.cells[column] = cell } else { row.cells.append(cell) }
        case "row":
            guard !row.cells.isEmpty, failure == nil else { return }
            if !body(row, estimatedPosition) {
                stopped = true
                parser.abortParsing()
            }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if collecting { value += string } }

    /// The last row the sheet's `<dimension>` names, when it does.
    private var lastRowHint = 0

    /// Bytes read so far, estimated from the row against the sheet's dimension (the parser reports lines, and a sheet
    /// is often one line).
    private var estimatedPosition: Int64 {
        lastRowHint > 0 ? min(bytes, bytes * Int64(row.row) / Int64(lastRowHint)) : 0
    }

    private func cell() -> SheetCell {
        switch type {
        case "s":
            guard let i = Int(value.trimmingSpaces), let s = strings[i] else {
                // A reference into a shared-string table the workbook lacks, or past its end: the workbook is damaged.
                failure = strings.count == 0 ? WorkbookError.missingPart("xl/sharedStrings.xml") : WorkbookError.malformedXML(part: "xl/sharedStrings.xml", line: 0)
                parser?.abortParsing()
                return .empty
            }
            return s.isEmpty ? .empty : .text(s)
        case "inlineStr", "str": return value.isEmpty ? .empty : .text(unescapedCellText(value))
        case "b": return .bool(value.trimmingSpaces == "1" || value.lowercased() == "true")
        case "e": return .error(value)
        case "d": return value.isEmpty ? .empty : .text(String(value.prefix(10)))
        default:
            let v = value.trimmingSpaces
            if v.isEmpty { return .empty }
            if style < dateStyles.count && dateStyles[style], let serial = Double(v) { return .date(serial: serial) }
            return .number(v)
        }
    }

    /// `BC12` → 54 (0-based), from the letters of a cell reference.
    static func column(_ reference: String) -> Int? {
        var n = 0, letters = 0
        for u in reference.utf8 {
            switch u {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): n = n * 26 + Int(u - UInt8(ascii: "A")) + 1; letters += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"): n = n * 26 + Int(u - UInt8(ascii: "a")) + 1; letters += 1
            default: break
            }
            if letters > 3 { return nil }
        }
        return letters == 0 ? nil : n - 1
    }
}
