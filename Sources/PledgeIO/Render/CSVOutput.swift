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
        out.reserveCapacity(fields.reduce(2 + fields.count) { $0 + $1.utf8.count + 2 })
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(comma) }
            append(f, to: &out)
        }
        out.append(0x0D); out.append(0x0A)
        return String(decoding: out, as: UTF8.self)
    }

    /// Quotes when needed; a cell that a spreadsheet would run as a formula (= + - @) gets a leading
    /// apostrophe unless it is a plain number, so exported text cannot execute.
    public static func field(_ value: String) -> String {
        var out: [UInt8] = []
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")

    static func append(_ value: String, to out: inout [UInt8]) {
        let u = value.utf8
        let formula = u.first.map { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "@") } ?? false
        let apostrophe = formula && Double(value) == nil
        guard u.contains(where: { $0 == comma || $0 == quote || $0 == 0x0A || $0 == 0x0D }) else {
            if apostrophe { out.append(UInt8(ascii: "'")) }
            out.append(contentsOf: u)
            return
        }
        out.append(quote)
        if apostrophe { out.append(UInt8(ascii: "'")) }
        for b in u {
            out.append(b)
            if b == quote { out.append(quote) }
        }
        out.append(quote)
    }
}
