import Foundation

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

/// `xl/workbook.xml`: the sheets in order and the date system.
final class WorkbookPart: XMLEvents {
    var sheets: [(name: String, relationship: String, index: Int)] = []
    var date1904 = false

    func start(_ name: XMLName, _ attributes: XMLAttributes) {
        switch name {
        case "sheet": sheets.append((attributes["name"] ?? "", attributes["id"] ?? "", sheets.count + 1))
        case "workbookPr":
            let v = attributes["date1904"]?.lowercased()
            date1904 = v == "1" || v == "true"
        default: break
        }
    }

    func end(_ name: XMLName) -> Bool { true }
    func text(_ bytes: UnsafeBufferPointer<UInt8>) {}
}

/// `xl/_rels/workbook.xml.rels`: where each sheet's part is.
final class RelationshipsPart: XMLEvents {
    var targets: [String: String] = [:]

    func start(_ name: XMLName, _ attributes: XMLAttributes) {
        if case "Relationship" = name, let id = attributes["Id"], let target = attributes["Target"] { targets[id] = target }
    }

    func end(_ name: XMLName) -> Bool { true }
    func text(_ bytes: UnsafeBufferPointer<UInt8>) {}
}

/// `xl/sharedStrings.xml`: each `<si>`'s text (rich-text runs joined; phonetic runs, `<rPh>`, left out).
final class SharedStringsPart: XMLEvents {
    var strings = SharedStrings()
    private var current: [UInt8] = []
    private var inItem = false, inText = false, phonetic = 0

    func start(_ name: XMLName, _ attributes: XMLAttributes) {
        switch name {
        case "si": inItem = true; current.removeAll(keepingCapacity: true)
        case "t": inText = inItem && phonetic == 0
        case "rPh": phonetic += 1
        default: break
        }
    }

    func end(_ name: XMLName) -> Bool {
        switch name {
        case "si": strings.append(current); inItem = false
        case "t": inText = false
        case "rPh": phonetic -= 1
        default: break
        }
        return true
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) { if inText { current.append(contentsOf: bytes) } }
}

/// `xl/styles.xml`: the number format of each cell style, and which formats show dates.
final class StylesPart: XMLEvents {
    var cellFormats: [Int] = []
    var customFormats: [Int: String] = [:]
    private var inCellXfs = false

    func start(_ name: XMLName, _ attributes: XMLAttributes) {
        switch name {
        case "numFmt":
            if let id = attributes.integer("numFmtId"), let code = attributes["formatCode"] { customFormats[id] = code }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs: cellFormats.append(attributes.integer("numFmtId") ?? 0)
        default: break
        }
    }

    func end(_ name: XMLName) -> Bool {
        if case "cellXfs" = name { inCellXfs = false }
        return true
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {}

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
final class SheetPart: XMLEvents {
    private let strings: SharedStrings
    private let dateStyles: [Bool]
    private let body: (SheetRow, Int64) -> Bool
    /// Bytes of the sheet's XML handed to the parser so far, for progress.
    var position: Int64 = 0
    var failure: WorkbookError?

    private enum Kind { case number, shared, inline, formulaText, bool, error, isoDate }
    private var row = SheetRow(row: 0, cells: [])
    private var lastRow = 0
    private var column = 0
    private var kind = Kind.number, style = 0
    private var value: [UInt8] = []
    private var collecting = false, inInline = false, phonetic = 0, hasValue = false

    init(strings: SharedStrings, dateStyles: [Bool], body: @escaping (SheetRow, Int64) -> Bool) {
        (self.strings, self.dateStyles, self.body) = (strings, dateStyles, body)
        value.reserveCapacity(64)
    }

    func start(_ name: XMLName, _ attributes: XMLAttributes) {
        switch name {
        case "c":
            column = attributes.value("r").flatMap(Self.column) ?? row.cells.count
            kind = attributes.value("t").map(Self.kind) ?? .number
            style = attributes.integer("s") ?? 0
            value.removeAll(keepingCapacity: true)
            hasValue = false
        case "v":
            collecting = true
            hasValue = true
        case "row":
            lastRow = attributes.integer("r") ?? lastRow + 1
            row = SheetRow(row: lastRow, cells: [])
            column = 0
        case "is":
            inInline = true
            hasValue = true
        case "t": collecting = inInline && phonetic == 0
        case "rPh": phonetic += 1
        default: break
        }
    }

    func end(_ name: XMLName) -> Bool {
        switch name {
        case "v", "t": collecting = false
        case "c":
            guard hasValue, failure == nil else { return failure == nil }
            let cell = self.cell()
            if cell == .empty { return failure == nil }
            while row.cells.count < column { row.cells.append(.empty) }
            if column < row.cells.count { row.cells[column] = cell } else { row.cells.append(cell) }
        case "row":
            guard !row.cells.isEmpty else { return true }
            return body(row, position)
        case "is": inInline = false
        case "rPh": phonetic -= 1
        default: break
        }
        return true
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) { if collecting { value.append(contentsOf: bytes) } }

    /// A cell's `t` attribute: a shared string, an inline string, a formula's text result, a boolean, an error, an
    /// ISO 8601 date; anything else is read as a number.
    private static func kind(_ t: UnsafeBufferPointer<UInt8>) -> Kind {
        switch String(decoding: t, as: UTF8.self) {
        case "s": .shared
        case "inlineStr": .inline
        case "str": .formulaText
        case "b": .bool
        case "e": .error
        case "d": .isoDate
        default: .number
        }
    }

    private func cell() -> SheetCell {
        value.withUnsafeBufferPointer { bytes in
            let text = { String(decoding: bytes, as: UTF8.self) }
            switch kind {
            case .shared:
                guard let i = decimal(bytes), let s = strings[i] else {
                    // A reference into a shared-string table the workbook lacks, or past its end: the workbook is damaged.
                    failure = strings.count == 0 ? .missingPart("xl/sharedStrings.xml") : .malformedXML(part: "xl/sharedStrings.xml", line: 0)
                    return .empty
                }
                return s.isEmpty ? .empty : .text(s)
            case .inline, .formulaText: return bytes.isEmpty ? .empty : .text(unescapedCellText(text()))
            case .bool: return .bool(text().trimmingSpaces == "1" || text().lowercased() == "true")
            case .error: return .error(text())
            case .isoDate: return bytes.isEmpty ? .empty : .text(String(text().prefix(10)))
            case .number:
                let v = text().trimmingSpaces
                if v.isEmpty { return .empty }
                if style < dateStyles.count && dateStyles[style], let serial = Double(v) { return .date(serial: serial) }
                return .number(v)
            }
        }
    }

    /// `BC12` → 54 (0-based), from the letters of a cell reference.
    static func column<Bytes: Sequence<UInt8>>(_ reference: Bytes) -> Int? {
        var n = 0, letters = 0
        for u in reference {
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
