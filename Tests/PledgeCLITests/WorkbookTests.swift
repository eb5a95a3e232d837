import Foundation
import Testing

/// Excel workbooks through the built `pledge` (CONTRACT "Excel (.xlsx)"): banks' files made by real spreadsheet
/// programs (Fixtures/xlsx, written by Fixtures/generate_xlsx.py with openpyxl and LibreOffice) import as their CSV
/// would; what `export` and the reports write is read back by openpyxl and converted by LibreOffice.
@Suite("workbooks: .xlsx in and out")
struct WorkbookTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/xlsx")
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../SampleData/registrations.csv").standardizedFileURL.path

    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    /// The first `rows` sample rows as a CSV file in the sandbox: what the fixtures were made from.
    func sampleCSV(_ s: CLISandbox, rows: Int) throws -> String {
        // By the byte "\n": Swift's Character splits would keep "\r\n" whole.
        let lines = try Data(contentsOf: URL(fileURLWithPath: Self.sample)).split(separator: 10, omittingEmptySubsequences: false)
        let path = s.directory.appendingPathComponent("sample-\(rows).csv").path
        try Data(lines.prefix(rows + 1).flatMap { $0 + [10] }).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A ledger holding the 2,001 sample rows, imported from their CSV.
    func sampleLedger() throws -> CLISandbox {
        let s = try CLISandbox()
        let out = try s.run(["import", try sampleCSV(s, rows: 2001)])
        #expect(out.code == 0, "\(out.stderr)")
        return s
    }

    /// The registrations as `export` writes them (CSV): equal exports, equal ledgers.
    func exported(_ s: CLISandbox) throws -> String {
        let out = try s.run(["export"])
        #expect(out.code == 0, "\(out.stderr)")
        return out.stdout
    }

    @Test("workbooks saved by openpyxl and LibreOffice give the ledger their rows give as CSV",
          arguments: [("openpyxl-title-rows.xlsx", ["--sheet", "质押台账"], 6), ("libreoffice-formulas.xlsx", [], 6),
                      ("date1904.xlsx", [], 2), ("merged-header.xlsx", [], 6), ("libreoffice-sample.xlsx", [], 2001)])
    func sameAsCSV(file: String, options: [String], rows: Int) throws {
        let book = try CLISandbox(), csv = try CLISandbox()
        let imported = try book.run(["import", fixture(file)] + options)
        #expect(imported.code == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("\(rows) new, 0 unchanged, 0 conflicting, 0 invalid"), "\(imported.stdout)")
        #expect(try csv.run(["import", try sampleCSV(csv, rows: rows)]).code == 0)
        let (a, b) = (try exported(book), try exported(csv))
        #expect(a == b, "\(a.prefix(700))\n---\n\(b.prefix(700))")
        // Idempotent: the same workbook again changes nothing.
        let again = try book.run(["import", fixture(file)] + options)
        #expect(again.stdout.hasPrefix("0 new, \(rows) unchanged"), "\(again.stdout)")
        #expect(try book.run(["audit", "verify"]).code == 0)
    }

    @Test("a workbook's problems: the sheet's row, the column as written, the cell; exit 65; nothing written",
          arguments: [
            ("number-cells.xlsx", [] as [String],
             [":2:登记日期: cell B2 holds the number 20210113, which is not a plausible date",
              ":3:统一社会信用代码: cell C3 is the number 9.144030019220383e+17, which has lost a long identifier's last digits"],
             [":2:登记日期：单元格 B2 的数字 20210113 不是合理的日期", ":3:统一社会信用代码：单元格 C3 是数字 9.144030019220383e+17，长号码的末几位已丢失"]),
            ("error-cell.xlsx", [], [":3:登记金额(万元): cell G3 holds the error #DIV/0!"], [":3:登记金额(万元)：单元格 G3 是错误值 #DIV/0!"]),
            ("truncated.xlsx", [], [": not a valid .xlsx workbook (cut short or damaged)"], ["：不是有效的 .xlsx 工作簿（文件不完整或已损坏）"]),
            ("no-shared-strings.xlsx", [], [": the workbook lacks xl/sharedStrings.xml"], ["：工作簿缺少 xl/sharedStrings.xml"]),
            ("legacy.xls", [], [": this is a legacy Excel 97–2003 workbook (.xls)"], ["：这是旧版 Excel 97–2003 工作簿（.xls）"]),
            ("broken-xml.xlsx", [], [": xl/worksheets/sheet1.xml in the workbook is not well-formed XML at line 3"],
             ["：工作簿中的 xl/worksheets/sheet1.xml 第 3 行不是有效的 XML"]),
            // An external entity (XXE) naming /etc/passwd: not expanded, nothing read; the part is refused.
            ("external-entity.xlsx", [], [": xl/sharedStrings.xml in the workbook is not well-formed XML at line 3"],
             ["：工作簿中的 xl/sharedStrings.xml 第 3 行不是有效的 XML"]),
            ("openpyxl-title-rows.xlsx", [], [": read sheet \"说明\"; the workbook's sheets are: 说明, 质押台账; name another with --sheet"],
             ["：读的是工作表“说明”；工作簿的工作表有：说明、质押台账；用 --sheet 指定另一个"]),
            ("openpyxl-title-rows.xlsx", ["--sheet", "质押"], [": no sheet is named \"质押\"; the sheets are: 说明, 质押台账"],
             ["：没有名为“质押”的工作表；工作表有：说明、质押台账"]),
            ("openpyxl-title-rows.xlsx", ["--sheet", "质押台账", "--header-row", "1"], [":1:兰州银行知识产权质押登记清单（2021 年）: unknown column"],
             [":1:兰州银行知识产权质押登记清单（2021 年）: 未知列"]),
          ])
    func refused(file: String, options: [String], en: [String], zh: [String]) throws {
        let s = try CLISandbox()
        let before = try s.snapshot()
        for (lang, expected) in [("en", en), ("zh", zh)] {
            let out = try s.run(["--lang", lang, "import", fixture(file)] + options)
            #expect(out.code == 65, "\(lang) \(out.stderr)")
            for line in expected { #expect(out.stderr.contains(fixture(file) + line), "\(lang): \(line)\n\(out.stderr)") }
            #expect(!out.stderr.contains("Fatal error") && !out.stderr.contains("Backtrace") && !out.stderr.contains("root:"))
            // libxml2's own report (printed by default) stays out of the clerk's view.
            #expect(!out.stderr.contains("parser error") && !out.stderr.contains("Entity"), "\(out.stderr)")
        }
        #expect(try s.snapshot() == before)
    }

    @Test("XML's escapes in a workbook: a sheet named R&D, an enterprise named with quotes, & and angle brackets")
    func escapes() throws {
        let s = try CLISandbox()
        let out = try s.run(["import", fixture("escapes.xlsx"), "--sheet", "R&D 台账"])
        #expect(out.code == 0 && out.stdout.hasPrefix("2 new"), "\(out.stderr)")
        let names = try s.sqlite("SELECT enterprise FROM registrations ORDER BY reg_date")
        #expect(names.hasPrefix("甘肃\"R&D\"<兰州>科技有限公司\n"), "\(names)")
    }

    @Test("--sheet on a CSV file and --format xlsx without --output are refused with a message")
    func usage() throws {
        let s = try CLISandbox()
        let csv = try sampleCSV(s, rows: 2)
        let sheet = try s.run(["--lang", "zh", "import", csv, "--sheet", "x"])
        #expect(sheet.code == 65 && sheet.stderr.contains("--sheet 只适用于 .xlsx 工作簿"), "\(sheet.stderr)")
        for args in [["export", "--format", "xlsx"], ["report", "monthly", "--format", "xlsx"], ["check", "--format", "xlsx"]] {
            let out = try s.run(args)
            #expect(out.code == 64 && out.stderr.contains("--format xlsx needs --output FILE"), "\(out.stderr)")
        }
        let row = try s.run(["import", csv, "--header-row", "0"])
        #expect(row.code == 64 && row.stderr.contains("--header-row: value \"0\" — must be at least 1"), "\(row.stderr)")
    }

    /// Runs `script` with python3 (openpyxl) on `args`; its stdout.
    func python(_ s: CLISandbox, _ script: String, _ args: [String]) throws -> String {
        let out = try s.execute("/usr/bin/env", ["python3", "-c", script] + args)
        #expect(out.code == 0, "\(out.stderr)")
        return out.stdout
    }

    @Test("export --format xlsx: openpyxl reads typed cells, LibreOffice converts it, and import reads it back to the same ledger")
    func exportRoundTrip() throws {
        let s = try sampleLedger()
        let book = s.directory.appendingPathComponent("ledger.xlsx").path
        let out = try s.run(["export", "--format", "xlsx", "--headers", "zh", "--unit", "wan", "--output", book])
        #expect(out.code == 0, "\(out.stderr)")
        var info = stat()
        #expect(stat(book, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let types = try python(s, """
            import sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            ws = wb.worksheets[0]
            print(wb.sheetnames, ws.freeze_panes, ws.max_row)
            row = [c.value for c in ws[2]]
            print(type(row[0]).__name__, type(row[1]).__name__, type(row[2]).__name__, type(row[6]).__name__, ws.cell(2, 7).number_format)
            print(sum(round(c.value * 1000000) for c in ws['G'][1:]))
            print(ws['A1'].font.b)
            """, [book])
        let lines = types.split(separator: "\n").map(String.init)
        #expect(lines[0] == "['Registrations', 'About'] A2 2002", "\(types)")
        #expect(lines[1] == "str datetime str float #,##0.00####", "\(types)")
        #expect(lines[2] == (try s.sqlite("SELECT sum(amount_fen) FROM registrations")))
        #expect(lines[3] == "True")
        // LibreOffice opens it (no repair) and its CSV holds the same registrations.
        // An ASCII file name (the tests' locale may not be UTF-8) and a profile of its own, so that another LibreOffice running meanwhile does not take the conversion.
        let converted = try s.execute("/usr/bin/env", ["soffice", "-env:UserInstallation=file://\(s.directory.path)/lo-profile", "--headless",
                                                         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", s.directory.path, book])
        #expect(converted.code == 0, "\(converted.stdout)\(converted.stderr)")
        let lo = try #require(try? String(contentsOfFile: s.directory.appendingPathComponent("ledger.csv").path, encoding: .utf8),
                              "\(converted.stdout)\(converted.stderr)")
        #expect(lo.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 2002)
        // Text quoted, numbers and dates not (LibreOffice's CSV quotes text cells only): dates are date cells, the amount a number.
        #expect(lo.contains("\"Y2021610001735\",2021-01-13,\"91620200Q0ARMGFN2M\",\"嘉峪关长城轨道交通科技有限公司\",\"兰州银行\",\"高新支行\",498.00,"),
                "\(lo.prefix(400))")
        // The workbook imports back: every row unchanged; into an empty ledger, the same registrations.
        let again = try s.run(["import", book])
        #expect(again.stdout.hasPrefix("0 new, 2001 unchanged"), "\(again.stdout)\(again.stderr)")
        let other = try CLISandbox()
        #expect(try other.run(["import", book]).code == 0)
        #expect(try exported(other) == exported(s))
    }

    @Test("report monthly, progress and annual as workbooks: numbers are numbers, the totals row is the ledger's sum")
    func reports() throws {
        let s = try sampleLedger()
        let monthly = s.directory.appendingPathComponent("m.xlsx").path
        #expect(try s.run(["--lang", "zh", "report", "monthly", "--from", "2021-01", "--to", "2025-12", "--format", "xlsx", "--output", monthly]).code == 0)
        let sheet = try python(s, """
            import sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            ws = wb.worksheets[0]
            last = [c.value for c in ws[ws.max_row]]
            print(wb.sheetnames, ws['A1'].value, last[0], last[1], round(last[2] * 1000000), ws[ws.max_row][0].font.b)
            about = {r[0]: r[1] for r in wb.worksheets[1].iter_rows(min_row=2, values_only=True)}
            print(about['数据截至日志'])
            """, [monthly]).split(separator: "\n").map(String.init)
        let total = try s.sqlite("""
            SELECT count(*) || ' ' || sum(r.amount_fen) FROM registrations r JOIN targets t ON t.name = 'gansu-2025'
            WHERE r.status != 'void' AND reg_date BETWEEN '2021-01-01' AND '2025-12-31' AND r.ip_type = t.ip_type
            """)
        #expect(sheet[0] == "['月度汇总', '说明'] 月份 合计 \(total) True", "\(sheet)")
        let head = try s.run(["audit", "head"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(head.hasSuffix(sheet[1]), "\(head) vs \(sheet[1])")
        for args in [["report", "progress", "--as-of", "2025-12-31"], ["report", "annual", "--by", "park"]] {
            let path = s.directory.appendingPathComponent("r.xlsx").path
            let out = try s.run(args + ["--format", "xlsx", "--output", path])
            #expect(out.code == 0, "\(out.stderr)")
            let read = try python(s, "import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1]); print(wb.sheetnames[-1], wb.worksheets[0].max_row > 1)", [path])
            #expect(read == "About True\n", "\(args) \(read)")
        }
        let progress = s.directory.appendingPathComponent("p.xlsx").path
        #expect(try s.run(["report", "progress", "--as-of", "2025-12-31", "--format", "xlsx", "--output", progress]).code == 0)
        let achieved = try python(s, "import sys, openpyxl; print(round(openpyxl.load_workbook(sys.argv[1]).worksheets[0]['B3'].value * 1000000))",
                                  [progress])
        #expect(achieved.trimmingCharacters(in: .whitespacesAndNewlines) == (try s.sqlite("""
            SELECT sum(r.amount_fen) FROM registrations r JOIN targets t ON t.name = 'gansu-2025'
            WHERE r.status != 'void' AND reg_date BETWEEN t.from_date AND '2025-12-31' AND r.ip_type = t.ip_type
            """)))
    }

    @Test("query --format xlsx: the matching rows typed, a bold totals row equal to the ledger's sum")
    func query() throws {
        let s = try sampleLedger()
        let path = s.directory.appendingPathComponent("q.xlsx").path
        let out = try s.run(["--lang", "zh", "query", "--bank", "兰州银行", "--format", "xlsx", "--output", path])
        #expect(out.code == 0, "\(out.stderr)")
        let read = try python(s, """
            import sys, openpyxl
            ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
            last = [c.value for c in ws[ws.max_row]]
            print(ws.max_row - 2, last[7], type(ws['B2'].value).__name__, ws[ws.max_row][0].font.b)
            """, [path])
        let count = try s.sqlite("SELECT count(*) FROM registrations WHERE bank = '兰州银行'")
        let sum = try s.sqlite("SELECT sum(amount_fen) FROM registrations WHERE bank = '兰州银行' AND status != 'void'")
        #expect(read == "\(count) \(sum) datetime True\n", "\(read)")
    }

    @Test("check --format xlsx: one row per finding, the ids `check --format json` gives, the journal head; exit 1 while any is unreviewed")
    func findings() throws {
        let s = try sampleLedger()
        let path = s.directory.appendingPathComponent("check.xlsx").path
        let out = try s.run(["check", "--as-of", "2025-12-31", "--format", "xlsx", "--output", path])
        #expect(out.code == 1, "\(out.stderr)")
        let json = try s.run(["check", "--as-of", "2025-12-31", "--format", "json"])
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: [[String: Any]]])["findings"]?
            .compactMap { $0["id"] as? String } ?? []
        #expect(!ids.isEmpty)
        let read = try python(s, """
            import sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            ws = wb.worksheets[0]
            print("\\n".join(r[0] for r in ws.iter_rows(min_row=2, max_row=ws.max_row - 1, values_only=True)))
            print(wb.worksheets[1]['B2'].value)
            """, [path])
        let head = try s.run(["audit", "head"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(read == (ids + [head]).joined(separator: "\n") + "\n", "\(read)")
    }

    @Test("an output workbook that is the ledger is refused (74) and the ledger is untouched")
    func outputIsLedger() throws {
        let s = try CLISandbox()
        let before = try s.snapshot()
        let out = try s.run(["export", "--format", "xlsx", "--output", s.db])
        #expect(out.code == 74, "\(out.stderr)")
        #expect(try s.snapshot() == before)
    }
}
