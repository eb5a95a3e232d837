/// CSV as Excel reads it: RFC 4180 quoting, CRLF line ends, an optional UTF-8 BOM.
public enum CSVOutput {
    public static func render(header: [String], rows: [[String]], bom: Bool) -> String {
        var out = bom ? "\u{FEFF}" : ""
        for row in [header] + rows { out += line(row) }
        return out
    }

    /// One record with its CRLF.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// Quotes when needed; a cell that a spreadsheet would run as a formula (= + - @) gets a leading
    /// apostrophe unless it is a plain number, so exported text cannot execute.
    public static func field(_ value: String) -> String {
        var v = value
        if let first = v.first, "=+-@".contains(first), Double(v) == nil { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingQuotes() + "\""
        }
        return v
    }
}

extension String {
    func replacingQuotes() -> String {
        var out = ""
        for c in self {
            if c == "\"" { out += "\"\"" } else { out.append(c) }
        }
        return out
    }
}
