import Foundation
import Testing
import PledgeCore
@testable import PledgeIO

/// Writes `bytes` to a temporary file and reads it back with a reader of the given chunk size.
func readCSV(_ bytes: [UInt8], chunkSize: Int = 1 << 20) throws -> [CSVRecord] {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString)").path
    #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let fd = open(path, O_RDONLY)
    defer { close(fd) }
    let reader = CSVReader(fileDescriptor: fd, chunkSize: chunkSize)
    var records: [CSVRecord] = []
    while let r = try reader.next() { records.append(r) }
    return records
}

@Suite("CSV reader (RFC 4180, streaming)")
struct CSVReaderTests {
    @Test("quoted fields, doubled quotes, embedded commas and newlines; rows count records, not lines")
    func rfc4180() throws {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"line1\nline2\"\r\n1,,3\n"
        let records = try readCSV(Array(text.utf8))
        #expect(records.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "line1\nline2"], ["1", "", "3"]])
        #expect(records.map(\.row) == [1, 2, 3])
    }

    @Test("what CSVOutput writes reads back byte for byte, also quotes and commas that a combining mark joins into one Character")
    func outputRoundTrip() throws {
        // Each piece is a trap for Character-level handling: "\"\u{301}" is one Character, not a quote, and so on.
        let pieces = ["\"\u{301}", ",\u{301}", "\r\n", "\n\u{301}", "\"\"", "\"", ",", "甘肃", "e\u{301}", "x", " ", "\u{301}"]
        var g = SeededGenerator(seed: 7)
        var rows: [[String]] = []
        for _ in 0..<400 {
            rows.append((0..<g.int(1...4)).map { _ in (0..<g.int(0...5)).map { _ in g.pick(pieces) }.joined() })
        }
        let text = rows.map(CSVOutput.line).joined()
        for chunkSize in [7, 1 << 20] {
            let records = try readCSV(Array(text.utf8), chunkSize: chunkSize)
            // Blank lines aside (a record of one empty field is a blank line, which the reader returns as such).
            #expect(records.map { $0.fields.map { Array($0.utf8) } } == rows.map { $0.map { Array($0.utf8) } })
        }
    }

    @Test("a BOM is skipped; no trailing newline; trailing empty field; blank lines come back as one empty field")
    func edges() throws {
        let records = try readCSV([0xEF, 0xBB, 0xBF] + Array("h1,h2\n\na,\nlast,x".utf8))
        #expect(records.map(\.fields) == [["h1", "h2"], [""], ["a", ""], ["last", "x"]])
        #expect(records.map(\.row) == [1, 2, 3, 4])
    }

    @Test("errors name the row and column", arguments: [
        ("a,b\n\"open,x\n", CSVReadError.unterminatedQuote(row: 2, column: 0)),
        ("a,b\nx,\"ok\"junk\n", CSVReadError.characterAfterQuote(row: 2, column: 1)),
        ("a,b\nx,\"ok\"\rjunk\n", CSVReadError.characterAfterQuote(row: 2, column: 1)),
    ])
    func errors(text: String, error: CSVReadError) {
        #expect(throws: error) { try readCSV(Array(text.utf8)) }
    }

    @Test("invalid UTF-8 is reported at its row and column")
    func invalidUTF8() {
        #expect(throws: CSVReadError.invalidUTF8(row: 2, column: 1)) { try readCSV(Array("a,b\nx,".utf8) + [0xC4, 0xE3] + Array("\n".utf8)) }
    }

    @Test("any chunk size gives the same records as one big read", arguments: [1, 2, 3, 5, 7, 16, 64, 1000])
    func chunkBoundaries(chunkSize: Int) throws {
        var g = SeededGenerator(seed: UInt64(chunkSize))
        let pieces = ["甘肃", "a", ",", "\"", "\n", "\r\n", "x y", "1,234.5", "", "银行\"支行\""]
        var expected: [[String]] = []
        var text = ""
        for _ in 0..<200 {
            let fields = (0..<g.int(1...6)).map { _ in (0..<g.int(0...4)).map { _ in g.pick(pieces) }.joined() }
            expected.append(fields.count == 1 && fields[0].isEmpty ? [""] : fields)
            text += fields.map { f in
                f.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) }) || f.isEmpty && fields.count == 1
                    ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
            }.joined(separator: ",") + (g.chance(50) ? "\r\n" : "\n")
        }
        let big = try readCSV(Array(text.utf8))
        #expect(big.map(\.fields) == expected)
        let small = try readCSV(Array(text.utf8), chunkSize: chunkSize)
        #expect(small == big)
    }
}

@Suite("Encodings")
struct EncodingTests {
    @Test("UTF-8 validation accepts Chinese and rejects GB18030 bytes, overlongs and surrogates", arguments: [
        (Array("登记号,金额".utf8), true),
        ([0xB5, 0xC7, 0xBC, 0xC7], false),            // 登记 in GB18030
        ([0xC0, 0x80], false),                        // overlong NUL
        ([0xED, 0xA0, 0x80], false),                  // surrogate
        ([0xF4, 0x90, 0x80, 0x80], false),            // beyond U+10FFFF
        ([0xE7, 0x99], true),                         // incomplete at the end: needs more bytes
    ])
    func utf8(bytes: [UInt8], valid: Bool) {
        #expect(bytes.withUnsafeBufferPointer { TextEncoding.utf8Prefix($0).0 } == valid)
    }

    @Test("GB18030 is transcoded to UTF-8, also across chunk boundaries")
    func gb18030() throws {
        let text = String(repeating: "登记号,企业名称,质权人\n甘肃陇原新材料科技有限公司,兰州银行\n", count: 30_000)
        let gb = text.data(using: String.Encoding(rawValue: 0x8000_0632)) ?? Data()
        try #require(!gb.isEmpty, "Foundation can encode GB18030 here")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gb-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: gb))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        #expect(try !TextEncoding.isValidUTF8(fd: fd))
        let out = try TextEncoding.transcodeGB18030(fd: fd)
        defer { close(out) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(out, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        #expect(String(decoding: bytes, as: UTF8.self) == text)
    }
}
