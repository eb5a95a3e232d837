import PledgeCore
import Testing
@testable import PledgeIO

@Suite("CSV output")
struct CSVOutputTests {
    @Test("fields are quoted by their bytes, quotes doubled, formulas neutralised", arguments: [
        ("plain", "plain"),
        ("甘肃示例科技有限公司", "甘肃示例科技有限公司"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("crlf\r\ninside", "\"crlf\r\ninside\""),          // "\r\n" is one Character, equal to neither "\r" nor "\n"
        ("comma,\u{301}accent", "\"comma,\u{301}accent\""),  // ",́" is one Character, not equal to ","
        ("quote\"\u{301}", "\"quote\"\"\u{301}\""),          // so is "́: the quote is still doubled
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+86 931", "'+86 931"),
        ("@cmd", "'@cmd"),
        ("-\u{301}x", "'-\u{301}x"),                          // a formula sign with a combining mark still starts a formula
        ("=1,2", "\"'=1,2\""),
        ("'=SUM(A1)", "''=SUM(A1)"),                          // a literal apostrophe before a formula sign: one more
        ("''@x", "'''@x"),
        ("'-5", "''-5"),
        ("'hello", "'hello"),                                 // no formula sign after the apostrophes: as it is
        ("'", "'"),
        ("-inf", "'-inf"),                                    // Double() reads these; a spreadsheet does not
        ("+nan", "'+nan"),
        ("-0x1p3", "'-0x1p3"),
        ("-1.", "'-1."),
        ("-12.5", "-12.5"),                                   // a plain number stays a number
        ("+3", "+3"),
        ("", ""),
    ])
    func field(value: String, expected: String) {
        #expect(CSVOutput.field(value) == expected)
        #expect(CSVOutput.line([value, value]) == expected + "," + expected + "\r\n")
    }

    @Test("what the export writes, the import's reading gives back exactly: apostrophes, formula signs, accents, numbers")
    func neutralisedRoundTrip() throws {
        let pieces = ["'", "=", "+", "-", "@", "1", ".", "5", "x", "\u{301}", ",", "\"", "甲"]
        var g = SeededGenerator(seed: 9)
        var values = ["'=x", "=\u{301}x", "'=\u{301}", "-1", "+1.5", "@", "''", "'"]
        for _ in 0..<20_000 { values.append((0..<g.int(1...5)).map { _ in g.pick(pieces) }.joined()) }
        let text = values.map { CSVOutput.line([$0]) }.joined()
        let records = try readCSV(Array(text.utf8))
        let back = records.map { Importer.unneutralized($0.fields[0]) }
        #expect(back.map { Array($0.utf8) } == values.map { Array($0.utf8) })
        // And nothing a spreadsheet would run leaves the export unguarded.
        for (value, record) in zip(values, records) {
            let cell = Array(record.fields[0].utf8)
            if let first = cell.first, CSVOutput.startsFormula(first) { #expect(CSVOutput.isPlainNumber(value.utf8), "\(value)") }
        }
    }

    @Test("a record of several fields, and a rendered table with its BOM")
    func records() {
        #expect(CSVOutput.line(["a", "b,c", ""]) == "a,\"b,c\",\r\n")
        #expect(CSVOutput.render(header: ["h1", "h2"], rows: [["1", "x\"y"]], bom: true) == "\u{FEFF}h1,h2\r\n1,\"x\"\"y\"\r\n")
        #expect(CSVOutput.render(header: ["h"], rows: [], bom: false) == "h\r\n")
    }
}
