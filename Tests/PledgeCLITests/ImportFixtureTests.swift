import Foundation
import Testing

/// The malformed-file corpus (Fixtures/import, written by Fixtures/generate.py): each file breaks one rule.
let fixtureDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/import")

struct MalformedFile: Sendable, CustomTestStringConvertible {
    var file: String
    var code: Int32
    /// Text the located error line must contain, after the `FILE:` prefix.
    var message: String
    var arguments: [String] = []
    /// The same line under `--lang zh`.
    var zh: String { ImportFixtureTests.chinese[file] ?? "" }
    var testDescription: String { file }
}

@Suite("pledge import: the malformed-file corpus")
struct ImportFixtureTests {
    static let corpus: [MalformedFile] = [
        .init(file: "bad-date-month.csv", code: 65, message: #"3:登记日期: value "2024-13-01" — expected a real date"#),
        .init(file: "bad-date-feb29.csv", code: 65, message: #"2:登记日期: value "2023-02-29" — expected a real date"#),
        .init(file: "bad-date-future.csv", code: 65, message: #"4:登记日期: value "2099-01-01" — the date is after today"#),
        .init(file: "bad-date-text.csv", code: 65, message: #"2:登记日期: value "下个月""#),
        .init(file: "bad-uscc-check.csv", code: 65, message: #"2:统一社会信用代码: value "914403001922038215" — check character should be '6'"#),
        .init(file: "bad-uscc-letter.csv", code: 65, message: #"3:统一社会信用代码: value "91440300192203821O" — character 'O' is not allowed"#),
        .init(file: "bad-uscc-length.csv", code: 65, message: "4:统一社会信用代码: value \"9144030019220382\" — a 统一社会信用代码 has 18 characters"),
        .init(file: "bad-patent-check.csv", code: 65, message: #"2:专利号: value "201710601862.5" — check digit should be '3'"#),
        .init(file: "bad-patent-type.csv", code: 65, message: #"3:专利号: value "201750601862.3" — type digit '5'"#),
        .init(file: "bad-trademark.csv", code: 65, message: #"4:专利号: value "TM-12" — a trademark registration number is digits"#),
        .init(file: "amount-negative.csv", code: 65, message: #"2:登记金额(万元): value "-100" — the amount must not be negative"#),
        .init(file: "amount-zero.csv", code: 65, message: #"3:登记金额(万元): value "0" — the amount must be greater than zero"#),
        .init(file: "amount-huge.csv", code: 65, message: #"4:登记金额(万元): value "99999999999999999" — the amount is too large"#),
        .init(file: "amount-too-precise-wan.csv", code: 65, message: #"2:登记金额(万元): value "1.1234567" — at most 6 decimals"#),
        .init(file: "amount-too-precise-yuan.csv", code: 65, message: #"2:amount_yuan: value "100.123" — at most 2 decimals"#),
        .init(file: "amount-bad-grouping.csv", code: 65, message: #"3:登记金额(万元): value "1,23,4" — thousands separators"#),
        .init(file: "amount-text.csv", code: 65, message: #"4:登记金额(万元): value "两千" — expected a decimal number"#),
        .init(file: "missing-required-column.csv", code: 65, message: "1:uscc: missing required column uscc or 统一社会信用代码"),
        .init(file: "missing-amount-column.csv", code: 65, message: "1:amount_yuan: missing the amount column"),
        .init(file: "two-amount-columns.csv", code: 65, message: "1:登记金额(万元): two amount columns"),
        .init(file: "duplicate-column.csv", code: 65, message: "1:贷款银行: duplicate column"),
        .init(file: "unknown-column.csv", code: 65, message: "1:客户经理: unknown column"),
        .init(file: "empty-header-cell.csv", code: 65, message: "1:column 12: the header cell is empty"),
        .init(file: "unterminated-quote.csv", code: 65, message: "3:企业名称: a quoted field opens here and never closes"),
        .init(file: "text-after-quote.csv", code: 65, message: "2:企业名称: text after a closing quote"),
        .init(file: "too-many-fields.csv", code: 65, message: "3:column 12: the row has 12 fields, the header has 11"),
        .init(file: "too-few-fields.csv", code: 65, message: "2:入园惠企: the row has 10 fields, the header has 11"),
        .init(file: "empty.csv", code: 65, message: "1: the file is empty"),
        .init(file: "blank-lines-only.csv", code: 65, message: "1: the file is empty"),
        .init(file: "header-only.csv", code: 65, message: "2: the file has a header but no data rows"),
        .init(file: "bom-gb18030-mix.csv", code: 65, message: "3:企业名称: not valid UTF-8; the file starts with a UTF-8 BOM"),
        .init(file: "duplicate-regno-different.csv", code: 65,
              message: #"5:登记号: value "Y2024620000001" — the same 登记号 is on row 2 with other content: amount: 2,000.00 万元 → 2,001.00 万元"#),
        .init(file: "unknown-bank.csv", code: 65, message: #"2:质权人: value "火星银行" — unknown bank"#),
        .init(file: "unknown-park.csv", code: 65, message: #"4:园区: value "火星产业园" — unknown park"#),
        .init(file: "unknown-prefecture.csv", code: 65, message: #"2:市州: value "上海市" — unknown prefecture"#),
        .init(file: "park-prefecture-mismatch.csv", code: 65, message: #"2:市州: value "白银市" — park 兰州高新技术产业开发区 counts under 兰州市"#),
        .init(file: "maturity-before-registration.csv", code: 65, message: #"2:到期日: value "2024-03-04" — is before the registration date 2024-03-05"#),
        .init(file: "bad-flag.csv", code: 65, message: #"3:入园惠企: value "也许" — expected 是/否"#),
        .init(file: "bad-ip-type.csv", code: 65, message: #"2:质押物类型: value "房产""#),
        .init(file: "control-character.csv", code: 65, message: #"3:企业名称: value "甘肃\u{1}公司" — control characters"#),
        .init(file: "nul-character.csv", code: 65, message: #"4:企业名称: value "甘肃\u{0}公司" — control characters"#),
        .init(file: "regno-too-long.csv", code: 65, message: "2:登记号: value \"\(String(repeating: "Y", count: 41))\" — at most 40 characters"),
        .init(file: "regno-empty.csv", code: 65, message: #"3:登记号: value "" — is required"#),
        .init(file: "bad-rate.csv", code: 65, message: #"2:年利率(%): value "150" — expected an annual rate"#),
        .init(file: "bad-status.csv", code: 65, message: #"3:状态: value "不明" — expected active, released, defaulted or void"#),
        .init(file: "released-without-date.csv", code: 65, message: "2:status_date: value \"\" — a released registration needs its date"),
        .init(file: "multiline-then-bad-date.csv", code: 65, message: #"3:登记日期: value "2024-02-30""#),
        .init(file: "crlf-bad-date.csv", code: 65, message: #"4:登记日期: value "2024-04-31""#),
        .init(file: "gb18030-forced-utf8.csv", code: 65, message: "1:column 1: not valid UTF-8; the file may be GB18030", arguments: ["--encoding", "utf8"]),
        .init(file: "missing-file.csv", code: 66, message: " no such file"),
    ]

    /// Each file's line in Chinese: the same place, the rule in Chinese.
    static let chinese: [String: String] = [
        "bad-date-month.csv": "3:登记日期：值“2024-13-01”，应为有效日期",
        "bad-date-feb29.csv": "2:登记日期：值“2023-02-29”，应为有效日期",
        "bad-date-future.csv": "4:登记日期：值“2099-01-01”，日期晚于今天",
        "bad-date-text.csv": "2:登记日期：值“下个月”，应为有效日期",
        "bad-uscc-check.csv": "2:统一社会信用代码：值“914403001922038215”，校验位应为“6”",
        "bad-uscc-letter.csv": "3:统一社会信用代码：值“91440300192203821O”，不能含字符“O”",
        "bad-uscc-length.csv": "4:统一社会信用代码：值“9144030019220382”，统一社会信用代码为 18 位，此处为 16 位",
        "bad-patent-check.csv": "2:专利号：值“201710601862.5”，校验位应为“3”",
        "bad-patent-type.csv": "3:专利号：值“201750601862.3”，类型位“5”",
        "bad-trademark.csv": "4:专利号：值“TM-12”，商标注册号应为数字",
        "amount-negative.csv": "2:登记金额(万元)：值“-100”，金额不能为负数",
        "amount-zero.csv": "3:登记金额(万元)：值“0”，金额必须大于零",
        "amount-huge.csv": "4:登记金额(万元)：值“99999999999999999”，金额过大",
        "amount-too-precise-wan.csv": "2:登记金额(万元)：值“1.1234567”，以万元为单位最多 6 位小数",
        "amount-too-precise-yuan.csv": "2:amount_yuan：值“100.123”，以元为单位最多 2 位小数",
        "amount-bad-grouping.csv": "3:登记金额(万元)：值“1,23,4”，千位分隔符应每三位一组",
        "amount-text.csv": "4:登记金额(万元)：值“两千”，应为数字",
        "missing-required-column.csv": "1:uscc: 缺少必填列 uscc 或 统一社会信用代码",
        "missing-amount-column.csv": "1:amount_yuan: 缺少金额列",
        "two-amount-columns.csv": "1:登记金额(万元): 有两个金额列",
        "duplicate-column.csv": "1:贷款银行: 重复列",
        "unknown-column.csv": "1:客户经理: 未知列",
        "empty-header-cell.csv": "1:第 12 列: 表头单元格为空",
        "unterminated-quote.csv": "3:企业名称：引号字段从这里开始但没有结束",
        "text-after-quote.csv": "2:企业名称：右引号后还有文字",
        "too-many-fields.csv": "3:第 12 列：此行有 12 个字段，表头有 11 个",
        "too-few-fields.csv": "2:入园惠企：此行有 10 个字段，表头有 11 个",
        "empty.csv": "1：文件为空",
        "blank-lines-only.csv": "1：文件为空",
        "header-only.csv": "2：文件只有表头没有数据行",
        "bom-gb18030-mix.csv": "3:企业名称：文件以 UTF-8 BOM 开头",
        "duplicate-regno-different.csv": "5:登记号：值“Y2024620000001”——同一登记号在第 2 行内容不同：金额: 2,000.00 万元 → 2,001.00 万元",
        "unknown-bank.csv": "2:质权人：值“火星银行”，未知银行",
        "unknown-park.csv": "4:园区：值“火星产业园”，未知园区",
        "unknown-prefecture.csv": "2:市州：值“上海市”，未知市州",
        "park-prefecture-mismatch.csv": "2:市州：值“白银市”，园区 兰州高新技术产业开发区 属于 兰州市",
        "maturity-before-registration.csv": "2:到期日：值“2024-03-04”，早于登记日期 2024-03-05",
        "bad-flag.csv": "3:入园惠企：值“也许”，应为 是/否",
        "bad-ip-type.csv": "2:质押物类型：值“房产”，应为 专利/patent",
        "control-character.csv": #"3:企业名称：值“甘肃\u{1}公司”，不能含控制字符"#,
        "nul-character.csv": #"4:企业名称：值“甘肃\u{0}公司”，不能含控制字符"#,
        "regno-too-long.csv": "2:登记号：值“YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY”，最多 40 个字符",
        "regno-empty.csv": "3:登记号：值“”，为必填项",
        "bad-rate.csv": "2:年利率(%)：值“150”，应为年利率百分数",
        "bad-status.csv": "3:状态：值“不明”，应为 active（有效）",
        "released-without-date.csv": "2:status_date：值“”，状态为“已注销”的登记需要填写日期",
        "multiline-then-bad-date.csv": "3:登记日期：值“2024-02-30”，应为有效日期",
        "crlf-bad-date.csv": "4:登记日期：值“2024-04-31”，应为有效日期",
        "gb18030-forced-utf8.csv": "1:第 1 列：不是有效的 UTF-8；文件可能是 GB18030",
        "missing-file.csv": "：文件不存在",
    ]

    @Test("each malformed file: the documented line at the right row and column, the exit code, the ledger unchanged",
          arguments: corpus)
    func malformed(_ c: MalformedFile) throws {
        let s = try CLISandbox()
        try s.run(["register", "--reg-no", "EXISTING-1", "--date", "2023-01-01", "--uscc", CLISandbox.validUSCC, "--enterprise", "x",
                   "--bank", "兰州银行", "--amount", "1", "--unit", "wan", "--ip", "97101765.4"])
        let before = try s.snapshot()
        let path = fixtureDirectory.appendingPathComponent(c.file).path
        for (language, message) in [("en", c.message), ("zh", c.zh)] {
            let out = try s.run(["--lang", language, "import", path] + c.arguments)
            #expect(out.code == c.code, "\(out.stderr)")
            let lines = out.stderr.split(separator: "\n").map(String.init)
            #expect(!message.isEmpty, "\(c.file) has no \(language) line")
            #expect(lines.contains { $0.hasPrefix(path + ":" + message) || $0.hasPrefix(path) && $0.contains(message) },
                    "expected \(path):\(message) in\n\(out.stderr)")
            #expect(!out.stderr.contains("Fatal error"))
            #expect(out.stdout.isEmpty)
            #expect(try s.snapshot() == before)
        }
    }

    @Test("the corpus holds at least 40 malformed files and each is in the table")
    func corpusComplete() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: fixtureDirectory.path).filter { $0.hasSuffix(".csv") }
        let malformed = files.filter { !$0.hasPrefix("valid") && !$0.hasPrefix("conflict") && $0 != "duplicate-regno-same.csv" && $0 != "many-invalid-rows.csv" }
        #expect(malformed.count >= 40)
        let covered = Set(Self.corpus.map(\.file))
        #expect(Set(malformed).subtracting(covered).isEmpty, "untested fixtures: \(Set(malformed).subtracting(covered))")
    }

    @Test("a refused import ends with the summary and says nothing was written")
    func refusalSummary() throws {
        let s = try CLISandbox()
        let path = fixtureDirectory.appendingPathComponent("bad-date-month.csv").path
        let out = try s.run(["import", path])
        let lines = out.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[1] == "2 new, 0 unchanged, 0 conflicting, 1 invalid")
        #expect(lines[2] == "\(path): import refused, nothing was written; fix the rows above and import the file again")
    }

    @Test("--max-errors caps the listing; the summary still counts every invalid row")
    func maxErrors() throws {
        let s = try CLISandbox()
        let path = fixtureDirectory.appendingPathComponent("many-invalid-rows.csv").path
        let out = try s.run(["import", path, "--max-errors", "2"])
        #expect(out.code == 65)
        let lines = out.stderr.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix(path + ":") && $0.contains("统一社会信用代码") }.count == 2)
        #expect(lines.contains("… 3 more problems not listed (raise --max-errors to see them)"))
        #expect(lines.contains("0 new, 0 unchanged, 0 conflicting, 5 invalid"))
        #expect(try s.run(["import", path, "--max-errors", "0"]).code == 64)
    }
}

@Suite("pledge import and export, end to end")
struct ImportExportTests {
    func fixture(_ name: String) -> String { fixtureDirectory.appendingPathComponent(name).path }

    static let registrationsDump = """
        SELECT group_concat(reg_no || '|' || reg_date || '|' || ip_type || '|' || uscc || '|' || enterprise || '|' || bank || '|' ||
               coalesce(branch, '') || '|' || amount_fen || '|' || ip_numbers || '|' || coalesce(park, '') || '|' ||
               coalesce(prefecture_code, '') || '|' || coalesce(maturity, '') || '|' || coalesce(rate, '') || '|' || rywq || first_loan ||
               insured || '|' || coalesce(notes, '') || '|' || status || '|' || coalesce(status_date, ''), char(10))
        FROM (SELECT * FROM registrations ORDER BY reg_no)
        """

    @Test("a valid file imports; amounts, dates, aliases and units are canonical in the ledger")
    func importsValid() throws {
        let s = try CLISandbox()
        let out = try s.run(["import", fixture("valid-zh-bom.csv")])
        #expect(out.code == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix("3 new, 0 unchanged, 0 conflicting, 0 invalid\n"))
        #expect(out.stdout.contains("head 5:"))
        #expect(try s.sqlite("SELECT reg_no, reg_date, bank, amount_fen, ip_type, ip_numbers, park, prefecture_code, rywq FROM registrations ORDER BY reg_no") == """
            Y2024620000001|2024-03-05|兰州银行|2000000000|patent|ZL201710601862.3|兰州高新技术产业开发区|620100|1
            Y2024620000002|2024-04-08|中国工商银行甘肃省分行|1234500000|patent|ZL97101765.4;ZL201410362077.3|||0
            Y2024620000003|2024-05-09|甘肃银行|88000001|trademark|12345678|兰州新区|620100|0
            """)
        #expect(try s.sqlite("SELECT count(DISTINCT at), count(*) FROM entries WHERE kind = 'register'") == "1|3")
    }

    @Test("a first load builds the secondary indexes at the end: afterwards, and after a refused or dry load, the same indexes as init made")
    func firstLoadIndexes() throws {
        let s = try CLISandbox()
        let indexes = "SELECT group_concat(name || ':' || sql, char(10)) FROM (SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name)"
        let initial = try s.sqlite(indexes)
        #expect(initial.contains("registrations_by_park") && initial.contains("entries_by_reg_no"))
        #expect(try s.run(["import", fixture("bad-date-month.csv")]).code == 65)
        #expect(try s.sqlite(indexes) == initial)
        #expect(try s.run(["import", fixture("valid-zh-bom.csv"), "--dry-run"]).code == 0)
        #expect(try s.sqlite(indexes) == initial)
        #expect(try s.run(["import", fixture("valid-zh-bom.csv")]).code == 0)
        #expect(try s.sqlite(indexes) == initial)
        #expect(try s.sqlite("EXPLAIN QUERY PLAN SELECT reg_no FROM registrations WHERE park = 'x'").contains("registrations_by_park"))
        #expect(try s.sqlite("PRAGMA integrity_check") == "ok")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("re-importing the same file changes nothing: all rows unchanged, exit 0")
    func idempotent() throws {
        let s = try CLISandbox()
        try s.run(["import", fixture("valid-zh-bom.csv")])
        let before = try s.snapshot()
        let again = try s.run(["import", fixture("valid-zh-crlf.csv")])
        #expect(again.code == 0)
        #expect(again.stdout == "0 new, 3 unchanged, 0 conflicting, 0 invalid\n")
        #expect(try s.snapshot() == before)
    }

    @Test("GB18030, UTF-8 with BOM and CRLF files give identical registrations")
    func encodings() throws {
        var dumps: Set<String> = []
        for (file, args) in [("valid-zh-bom.csv", []), ("valid-gb18030.csv", []), ("valid-gb18030.csv", ["--encoding", "gb18030"]),
                             ("valid-zh-crlf.csv", ["--encoding", "utf8"])] {
            let s = try CLISandbox()
            let out = try s.run(["import", fixture(file)] + args)
            #expect(out.code == 0, "\(file): \(out.stderr)")
            dumps.insert(try s.sqlite(Self.registrationsDump))
        }
        #expect(dumps.count == 1)
    }

    @Test("English headers, quoted commas, quotes and newlines, blank trailing lines")
    func englishFile() throws {
        let s = try CLISandbox()
        let out = try s.run(["import", fixture("valid-en.csv")])
        #expect(out.code == 0, "\(out.stderr)")
        #expect(try s.sqlite("SELECT enterprise, notes, amount_fen, rate, rywq, first_loan FROM registrations WHERE reg_no = 'E-1'")
                == "Gansu \"Longyuan\", Ltd.|line one\nline two, with comma|100000000|3.85|1|0")
        #expect(try s.sqlite("SELECT ip_type, prefecture_code, park FROM registrations WHERE reg_no = 'E-2'") == "copyright|620400|白银高新技术产业开发区")
    }

    @Test("a row that differs from the ledger is a conflict: exit 73, the differing field shown, nothing written")
    func conflict() throws {
        let s = try CLISandbox()
        try s.run(["import", fixture("valid-zh-bom.csv")])
        let before = try s.snapshot()
        let out = try s.run(["import", fixture("conflict-amount.csv")])
        #expect(out.code == 73)
        #expect(out.stderr.contains(fixture("conflict-amount.csv") + ":3:登记号: 登记号 Y2024620000002 is in the ledger with other content: amount: 1,234.50 万元 → 1,300.00 万元 (ledger → file)"))
        #expect(out.stderr.contains("0 new, 2 unchanged, 1 conflicting, 0 invalid"))
        #expect(try s.snapshot() == before)
    }

    @Test("invalid rows win over conflicts: exit 65")
    func invalidBeatsConflict() throws {
        let s = try CLISandbox()
        try s.run(["import", fixture("valid-zh-bom.csv")])
        let before = try s.snapshot()
        let out = try s.run(["import", fixture("conflict-and-invalid.csv")])
        #expect(out.code == 65)
        #expect(out.stderr.contains("1 conflicting, 1 invalid"))
        #expect(try s.snapshot() == before)
    }

    @Test("a row equal to the registration as first recorded is unchanged even after a correction")
    func unchangedAfterCorrection() throws {
        let s = try CLISandbox()
        try s.run(["import", fixture("valid-zh-bom.csv")])
        #expect(try s.run(["correct", "Y2024620000001", "--field", "branch", "--value", "科技支行", "--reason", "补支行"]).code == 0)
        let again = try s.run(["import", fixture("valid-zh-bom.csv")])
        #expect(again.code == 0, "\(again.stderr)")
        #expect(again.stdout.hasPrefix("0 new, 3 unchanged"))
    }

    @Test("the same row twice in one file is imported once")
    func sameRowTwice() throws {
        let s = try CLISandbox()
        let out = try s.run(["import", fixture("duplicate-regno-same.csv")])
        #expect(out.stdout.hasPrefix("3 new, 1 unchanged, 0 conflicting, 0 invalid"))
    }

    @Test("--dry-run validates and writes nothing, also on a ledger opened read-only (an auditor); a read-only import that writes is refused")
    func dryRun() throws {
        let s = try CLISandbox()
        let before = try s.snapshot()
        for readOnly in [[], ["--read-only"]] {
            let out = try s.run(readOnly + ["import", fixture("valid-zh-bom.csv"), "--dry-run"])
            #expect(out.code == 0, "\(out.stderr)")
            #expect(out.stdout == "3 new, 0 unchanged, 0 conflicting, 0 invalid (dry run: nothing written)\n")
            let zh = try s.run(readOnly + ["--lang", "zh", "import", fixture("valid-zh-bom.csv"), "--dry-run"])
            #expect(zh.stdout == "新增 3，未变 0，冲突 0，无效 0（试运行，未写入）\n")
            let bad = try s.run(readOnly + ["import", fixture("bad-date-month.csv"), "--dry-run"])
            #expect(bad.code == 65)
            let twice = try s.run(readOnly + ["import", fixture("duplicate-regno-different.csv"), "--dry-run"])
            #expect(twice.code == 65)
            #expect(twice.stderr.contains("the same 登记号 is on row 2 with other content"), "\(twice.stderr)")
            #expect(try s.snapshot() == before)
        }
        #expect(try s.run(["--read-only", "import", fixture("valid-zh-bom.csv")]).code == 74)
        #expect(try s.snapshot() == before)

        // Against what the ledger holds: unchanged rows and conflicts, read-only.
        #expect(try s.run(["import", fixture("valid-zh-bom.csv")]).code == 0)
        let loaded = try s.snapshot()
        let same = try s.run(["--read-only", "import", fixture("valid-zh-bom.csv"), "--dry-run"])
        #expect(same.stdout.hasPrefix("0 new, 3 unchanged"), "\(same.stdout)")
        let conflict = try s.run(["--read-only", "import", fixture("conflict-amount.csv"), "--dry-run"])
        #expect(conflict.code == 73)
        #expect(conflict.stderr.contains("登记号 Y2024620000002 is in the ledger with other content"), "\(conflict.stderr)")
        #expect(try s.snapshot() == loaded)
    }

    @Test("--ignore-unknown-columns skips them")
    func ignoreUnknown() throws {
        let s = try CLISandbox()
        let out = try s.run(["import", fixture("unknown-column.csv"), "--ignore-unknown-columns"])
        #expect(out.code == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix("3 new"))
    }

    @Test("export CSV re-imports to identical registrations, statuses included; JSON parses with fen and 万元")
    func roundTrip() throws {
        let a = try CLISandbox(initialize: false)
        #expect(try a.run(["demo", "--loans", "300", "--seed", "11"]).code == 0)
        let first = try a.sqlite("SELECT reg_no FROM registrations WHERE status = 'active' ORDER BY reg_no LIMIT 1")
        #expect(try a.run(["correct", first, "--field", "notes", "--value", "=SUM(A1) \"危险\", 多行", "--reason", "test"]).code == 0)
        // Cells whose line break or comma is part of a larger Character: "\r\n" is one, and so is "," with a combining
        // mark. Exports once left them unquoted, and the file did not import.
        let others = try a.sqlite("SELECT reg_no FROM registrations WHERE status = 'active' ORDER BY reg_no LIMIT 2 OFFSET 1").split(separator: "\n")
        #expect(try a.run(["correct", String(others[0]), "--field", "notes", "--value", "第一行\r\n第二行", "--reason", "test"]).code == 0)
        #expect(try a.run(["correct", String(others[1]), "--field", "notes", "--value", "甲,\u{301}乙 \"\u{301}丙", "--reason", "test"]).code == 0)
        for (headers, unit) in [("en", "yuan"), ("zh", "wan")] {
            let file = a.directory.appendingPathComponent("export-\(headers).csv").path
            let export = try a.run(["export", "--output", file, "--headers", headers, "--unit", unit, "--bom"])
            #expect(export.code == 0, "\(export.stderr)")
            #expect(export.stderr.contains("300"))
            let b = try CLISandbox()
            let imported = try b.run(["import", file])
            #expect(imported.code == 0, "\(imported.stderr)")
            #expect(imported.stdout.hasPrefix("300 new, 0 unchanged, 0 conflicting, 0 invalid"))
            #expect(try b.sqlite(Self.registrationsDump) == (try a.sqlite(Self.registrationsDump)))
            #expect(try b.sqlite("SELECT * FROM monthly_totals ORDER BY 1,2,3,4,5,6,7") == (try a.sqlite("SELECT * FROM monthly_totals ORDER BY 1,2,3,4,5,6,7")))
        }
        let csv = try a.run(["export"])
        #expect(csv.stdout.hasPrefix("reg_no,reg_date,uscc,enterprise,bank,branch,amount_yuan,"))
        #expect(csv.stdout.contains("\"'=SUM(A1) \"\"危险\"\", 多行\""), "a formula-looking cell is neutralised and quoted")
        let json = try a.run(["export", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let rows = object["registrations"] as! [[String: Any]]
        #expect(rows.count == 300)
        #expect(object["count"] as? Int == 300)
        let total = rows.reduce(0) { $0 + ($1["amountFen"] as! Int) }
        #expect("\(total)" == (try a.sqlite("SELECT sum(amount_fen) FROM registrations")))
    }

    @Test("rights split where the ledger splits them: a ; carrying a combining mark separates, and audit verify agrees after a first and a later load")
    func rightsWithCombiningMarks() throws {
        let s = try CLISandbox()
        let header = "reg_no,reg_date,uscc,enterprise,bank,amount_yuan,ip_type,ip_numbers\n"
        func load(_ name: String, _ rows: [String]) throws -> CLISandbox.Output {
            let path = s.directory.appendingPathComponent(name).path
            try (header + rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return try s.run(["import", path])
        }
        let first = try load("first.csv", ["M-1,2024-03-05,\(CLISandbox.validUSCC),甲,兰州银行,100,other,\"GI-1;\u{301}GI-2\"",
                                           "M-2,2024-03-05,\(CLISandbox.validUSCC),甲,兰州银行,100,copyright,\"2023SR1\u{301};2023SR2\""])
        #expect(first.code == 0, "\(first.stderr)")
        #expect(try s.sqlite("SELECT count(*) FROM registration_rights") == "4")
        #expect(try s.sqlite("SELECT hex(ip_number) FROM registration_rights WHERE reg_no = 'M-1' ORDER BY 1") == "47492D31\nCC8147492D32")
        let verified = try s.run(["audit", "verify"])
        #expect(verified.code == 0, "\(verified.stdout)")
        // A later load writes the rights row by row instead of deriving them from the stored lists: the same split.
        let later = try load("later.csv", ["M-3,2024-03-06,\(CLISandbox.validUSCC),甲,兰州银行,100,other,\"GI-3;\u{301}GI-4\r\nGI-5\""])
        #expect(later.code == 0, "\(later.stderr)")
        #expect(try s.sqlite("SELECT count(*) FROM registration_rights WHERE reg_no = 'M-3'") == "3")
        #expect(try s.run(["audit", "verify"]).code == 0)
        // A correction's list is replayed from the journal's text: split the same way.
        #expect(try s.run(["correct", "M-1", "--field", "ip", "--value", "GI-7;\u{301}GI-8", "--reason", "test"]).code == 0)
        #expect(try s.sqlite("SELECT hex(ip_number) FROM registration_rights WHERE reg_no = 'M-1' ORDER BY 1") == "47492D37\nCC8147492D38")
        #expect(try s.run(["audit", "verify"]).code == 0)
        // And the export imports into a new ledger that verifies, with the same rights.
        let exported = s.directory.appendingPathComponent("export.csv").path
        #expect(try s.run(["export", "--output", exported]).code == 0)
        let t = try CLISandbox()
        #expect(try t.run(["import", exported]).code == 0)
        #expect(try t.run(["audit", "verify"]).code == 0)
        let rights = "SELECT reg_no, hex(ip_number) FROM registration_rights ORDER BY 1, 2"
        #expect(try t.sqlite(rights) == (try s.sqlite(rights)))
    }

    @Test("the SampleData files import; the GB18030 copy gives the same registrations as the UTF-8 one")
    func sampleData() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var dumps: [String] = []
        for (file, count) in [("registrations.csv", 2001), ("registrations-gb18030.csv", 2001), ("registrations-en.csv", 12)] {
            let s = try CLISandbox()
            let out = try s.run(["import", root.appendingPathComponent("SampleData/\(file)").path])
            #expect(out.code == 0, "\(file): \(out.stderr)")
            #expect(out.stdout.hasPrefix("\(count) new, 0 unchanged, 0 conflicting, 0 invalid"))
            dumps.append(try s.sqlite(Self.registrationsDump))
        }
        #expect(dumps[0] == dumps[1])
    }

    @Test("on a terminal the import draws a progress bar on stderr and clears it; through a pipe it draws none")
    func progressBar() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("SampleData/registrations.csv").path
        let piped = try CLISandbox()
        let quiet = try piped.run(["import", file])
        #expect(quiet.code == 0)
        #expect(!quiet.stderr.contains("rows/s"), "no bar when stderr is not a terminal")

        // script(1) gives the command a pseudo-terminal, as a clerk's shell would.
        let s = try CLISandbox()
        let command = [CLISandbox.binary.path, "--db", s.db, "--operator", "tester", "import", file]
            .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let result = try s.execute("/usr/bin/script", ["-qec", command, "/dev/null"])
        let text = result.stdout
        #expect(result.code == 0, "\(text)")
        #expect(text.contains("rows/s") && text.contains("reading: ~") && text.contains("█"), "\(text)")
        // Then the steps after the rows, each on the same line: a first load's index builds and checks take as long as
        // the rows at a million, and the bar alone would stand at 100 % meanwhile.
        let steps = ["rows loaded; writing projections…", "building index 1 of 8…", "building index 8 of 8…",
                     "checking foreign keys…", "checking the journal's chain…", "committing…"]
        let positions = steps.map { text.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "\(text)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "steps in order: \(text)")
        #expect(text.contains("\r\u{1B}[K"), "the bar is erased before the summary")
        #expect(text.contains("2001 new, 0 unchanged, 0 conflicting, 0 invalid"))
        #expect(try s.sqlite("SELECT count(*) FROM registrations") == "2001")

        // In Chinese, the same steps; a second load of the same file has nothing to rebuild.
        let again = try s.execute("/usr/bin/script", ["-qec", command + " --lang zh", "/dev/null"]).stdout
        #expect(again.contains("行/秒") && again.contains("写入汇总与派生表") && again.contains("提交"), "\(again)")
        #expect(!again.contains("建立索引"), "\(again)")
        #expect(again.contains("新增 0，未变 2001，冲突 0，无效 0"), "\(again)")
    }

    @Test("export to an unwritable place fails with exit 74 and leaves no partial file")
    func exportUnwritable() throws {
        let s = try CLISandbox()
        let out = try s.run(["export", "--output", "/nonexistent-dir/x.csv"])
        #expect(out.code == 74)
        #expect(out.stderr.contains("cannot write /nonexistent-dir/x.csv"))
    }
}
