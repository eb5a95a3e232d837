/// CSV as Excel reads it: RFC 4180 quoting, CRLF line ends, an optional UTF-8 BOM.
///
/// Decided on the UTF-8 bytes, as any CSV reader splits them: a comma, quote or line break followed by a combining
/// mark is one `Character` that compares unequal to ",", "\"" or "\n" (and "\r\n" is one `Character` too), so
/// a check by `Character` left such cells unquoted and broke the file. Bytes are also what makes `export` of a million
/// rows fast.
public enum CSVOutput {
    public static func render(header: [String], rows: [[String]], bom: Bool) -> String {
        var out = bom ? "\u{FEFF}" : ""
        for row in [header] + rows { out += line(row) }
        return out
    }

    /// One record with its CRLF.
    public static func line(_ fields: [String]) -> String {
        var out: [UInt8] = []
        appendLine(fields, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// One record with its CRLF, appended as bytes (streaming output: no String per record).
    public static func appendLine(_ fields: [String], to out: inout [UInt8]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(comma) }
            append(f, to: &out)
        }
        out.append(0x0D); out.append(0x0A)
    }

    /// Quotes when needed; a cell that a spreadsheet would run as a formula (= + - @) gets a leading
    /// apostrophe unless it is a plain number, so exported text cannot execute (see `isFormula`).
    public static func field(_ value: String) -> String {
        var out: [UInt8] = []
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")

    static func append(_ value: String, to out: inout [UInt8]) {
        let guarded = isFormula(value)
        var value = value
        value.withUTF8 { u in
            guard u.contains(where: { $0 == comma || $0 == quote || $0 == 0x0A || $0 == 0x0D }) else {
                if guarded { out.append(apostrophe) }
                out.append(contentsOf: u)
                return
            }
            out.append(quote)
            if guarded { out.append(apostrophe) }
            for b in u {
                out.append(b)
                if b == quote { out.append(quote) }
            }
            out.append(quote)
        }
    }

    /// Needs the guard apostrophe: starts with = + - @ and is not a plain number, or starts with apostrophes followed
    /// by one of those (so that `Importer.unneutralized`, which takes one apostrophe off such a cell, gives the value
    /// back exactly: `'=x` is written `''=x`).
    static func isFormula(_ value: String) -> Bool {
        guard let apostrophes = apostrophesBeforeFormulaSign(value.utf8) else { return false }
        return apostrophes > 0 || !isPlainNumber(value.utf8)
    }

    /// How many apostrophes start `u` when a formula sign (= + - @) follows them; nil when none follows.
    static func apostrophesBeforeFormulaSign(_ u: String.UTF8View) -> Int? {
        var i = u.startIndex, n = 0
        while i != u.endIndex && u[i] == apostrophe { i = u.index(after: i); n += 1 }
        return i != u.endIndex && startsFormula(u[i]) ? n : nil
    }

    /// A sign, digits, and optionally a point and more digits (`-12.5`, `+3`): what a spreadsheet reads as a number.
    /// Stricter than `Double(_:)`, which also takes `-inf`, `+nan` and `-0x1p3`, texts a spreadsheet would try as formulas.
    static func isPlainNumber(_ u: String.UTF8View) -> Bool {
        var i = u.startIndex
        if i != u.endIndex && (u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-")) { i = u.index(after: i) }
        func digits() -> Int {
            var n = 0
            while i != u.endIndex && u[i] >= 0x30 && u[i] <= 0x39 { i = u.index(after: i); n += 1 }
            return n
        }
        guard digits() > 0 else { return false }
        if i != u.endIndex && u[i] == UInt8(ascii: ".") {
            i = u.index(after: i)
            guard digits() > 0 else { return false }
        }
        return i == u.endIndex
    }

    static let apostrophe = UInt8(ascii: "'")

    /// A byte that makes a spreadsheet read the cell as a formula when it comes first.
    static func startsFormula(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "=") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: "@")
    }
}
