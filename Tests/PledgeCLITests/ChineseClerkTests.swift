import Foundation
import Testing

/// A clerk working in Chinese: messages, amounts as typed, names as written, times on the clerk's clock.
@Suite("pledge in Chinese: messages and input as clerks write them")
struct ChineseClerkTests {
    static let loan = ["--date", "2024-03-05", "--uscc", CLISandbox.validUSCC, "--enterprise", "甘肃陇原新材料科技有限公司", "--ip", "97101765.4"]

    func register(_ s: CLISandbox, _ regNo: String, _ args: [String], env: [String: String] = [:]) throws -> CLISandbox.Output {
        try s.run(["register", "--reg-no", regNo] + Self.loan + args, env: env)
    }

    @Test("amounts with the unit inside, and units in Chinese, land on the same fen", arguments: [
        (["--amount", "2,000万"], "2000000000"),
        (["--amount", "2000万元"], "2000000000"),
        (["--amount", "0.5亿"], "5000000000"),
        (["--amount", "3亿元"], "30000000000"),
        (["--amount", "1,234.56元"], "123456"),
        (["--amount", "2,000", "--unit", "万"], "2000000000"),
        (["--amount", "2", "--unit", "亿元"], "20000000000"),
        (["--amount", "2000万", "--unit", "wan"], "2000000000"),
    ])
    func amounts(args: [String], fen: String) throws {
        let s = try CLISandbox()
        let out = try register(s, "A-1", ["--bank", "兰州银行"] + args)
        #expect(out.code == 0, "\(out.stderr)")
        #expect(try s.sqlite("SELECT amount_fen FROM registrations WHERE reg_no = 'A-1'") == fen)
    }

    @Test("a unit written inside that disagrees with --unit, or no unit at all: exit 65 in both languages, nothing written", arguments: [
        (["--amount", "500亿", "--unit", "wan"], "金额写的是亿元，但单位给的是万元", "the amount is written in yi (亿元) but the unit given is wan (万元)"),
        (["--amount", "500"], "缺少单位", "no unit"),
        (["--amount", "两千万"], "应为数字", "expected a decimal number"),
    ])
    func unitSlips(args: [String], zh: String, en: String) throws {
        let s = try CLISandbox()
        let before = try s.snapshot()
        for (lang, message) in [("zh", zh), ("en", en)] {
            let out = try s.run(["--lang", lang, "register", "--reg-no", "A-1"] + Self.loan + ["--bank", "兰州银行"] + args)
            #expect(out.code == 65)
            #expect(out.stderr.contains(message), "\(out.stderr)")
            #expect(out.stderr.split(separator: "\n").count == 1)
        }
        #expect(try s.snapshot() == before)
    }

    @Test("a bank written with its branch is split; a unique prefix resolves; an unknown bank suggests the closest")
    func banks() throws {
        let s = try CLISandbox()
        #expect(try register(s, "B-1", ["--bank", "兰州银行城关支行", "--amount", "1万"]).code == 0)
        #expect(try s.sqlite("SELECT bank, branch FROM registrations WHERE reg_no = 'B-1'") == "兰州银行|城关支行")
        let typo = try s.run(["--lang", "zh", "register", "--reg-no", "B-2", "--bank", "兰州银汗", "--amount", "1万"] + Self.loan)
        #expect(typo.code == 65)
        #expect(typo.stderr.contains("pledge: 错误：--bank：值“兰州银汗”，未知银行"), "\(typo.stderr)")
        #expect(typo.stderr.contains("是否是：兰州银行？"), "\(typo.stderr)")
        let english = try s.run(["register", "--reg-no", "B-2", "--bank", "兰州银汗", "--amount", "1万"] + Self.loan)
        #expect(english.stderr.contains("Did you mean: 兰州银行?"), "\(english.stderr)")
        #expect(try s.sqlite("SELECT count(*) FROM registrations") == "1")
    }

    @Test("an unknown park suggests the parks most like it, not always the same two")
    func parks() throws {
        let s = try CLISandbox()
        let out = try s.run(["--lang", "zh", "register", "--reg-no", "P-1", "--bank", "兰州银行", "--amount", "1万", "--park", "白银高新技术开发区"] + Self.loan)
        #expect(out.code == 65)
        #expect(out.stderr.contains("是否是：白银高新技术产业开发区"), "\(out.stderr)")
        #expect(!out.stderr.contains("兰州新区"), "\(out.stderr)")
    }

    @Test("fields and reasons in Chinese: --field 金额 with 万 in the value, release --reason 已还款; history in Chinese on Beijing time")
    func fieldsAndHistory() throws {
        let s = try CLISandbox()
        #expect(try register(s, "H-1", ["--bank", "兰州银行", "--amount", "2,000万"]).code == 0)
        let corrected = try s.run(["--lang", "zh", "correct", "H-1", "--field", "金额", "--value", "2,100万", "--reason", "银行更正"])
        #expect(corrected.code == 0, "\(corrected.stderr)")
        #expect(corrected.stdout.contains("金额: 2,000.00 万元 → 2,100.00 万元"), "\(corrected.stdout)")
        #expect(try s.run(["release", "H-1", "--date", "2024-06-01", "--reason", "已还款"]).code == 0)
        #expect(try s.sqlite("SELECT status, amount_fen FROM registrations") == "released|2100000000")

        let at = try s.sqlite("SELECT at FROM entries WHERE seq = 3")   // e.g. 2026-12-02T17:19:34.895Z
        let history = try s.run(["--lang", "zh", "history", "H-1"]).stdout
        #expect(history.contains("时间 (Asia/Shanghai)"), "\(history)")
        #expect(history.contains("登记") && history.contains("更正") && history.contains("注销"), "\(history)")
        #expect(history.contains("已还款") && history.contains("状态: — → 已注销"), "\(history)")
        #expect(!history.contains("amountFen") && !history.contains("2000000000"), "\(history)")
        // The stored UTC time, shown 8 hours later in Beijing and as it is under TZ=UTC.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(formatter.date(from: at))
        func shown(_ zone: String) -> String {
            let f = DateFormatter()
            f.timeZone = TimeZone(identifier: zone)
            f.dateFormat = "yyyy-MM-dd HH:mm:ss"
            return f.string(from: date)
        }
        #expect(history.contains(shown("Asia/Shanghai")), "\(history)")
        let utc = try s.run(["history", "H-1"], env: ["TZ": "UTC"]).stdout
        #expect(utc.contains("Time (UTC)") && utc.contains(shown("UTC")), "\(utc)")
    }

    @Test("store errors in Chinese: a second registration of the same 登记号, a missing ledger")
    func storeErrors() throws {
        let s = try CLISandbox()
        #expect(try register(s, "D-1", ["--bank", "兰州银行", "--amount", "1万"]).code == 0)
        let again = try s.run(["--lang", "zh", "register", "--reg-no", "D-1", "--bank", "兰州银行", "--amount", "1万"] + Self.loan)
        #expect(again.code == 73)
        #expect(again.stderr == "pledge: 错误：登记号 D-1 已登记；未写入任何内容（更正字段请用 `pledge correct D-1`）\n")
        let missing = try s.run(["--db", s.directory.appendingPathComponent("none.sqlite").path, "show", "X"], withDB: false,
                                env: ["LANG": "zh_CN.UTF-8"])
        #expect(missing.code == 66)
        #expect(missing.stderr.contains("处没有台账；请用 `pledge --db"), "\(missing.stderr)")
        let lifecycle = try s.run(["--lang", "zh", "default", "D-1", "--date", "2024-03-01"])
        #expect(lifecycle.code == 65)
        #expect(lifecycle.stderr.contains("登记号 D-1：日期 2024-03-01 早于登记日期 2024-03-05；未写入任何内容"), "\(lifecycle.stderr)")
    }

    @Test("audit verify's findings in Chinese: an edited row and an added index, each named")
    func auditInChinese() throws {
        let s = try CLISandbox()
        #expect(try register(s, "V-1", ["--bank", "兰州银行", "--amount", "1万"]).code == 0)
        _ = try s.sqlite("UPDATE registrations SET amount_fen = amount_fen + 1; CREATE INDEX spy ON registrations(uscc, bank)")
        let out = try s.run(["--lang", "zh", "audit", "verify"])
        #expect(out.code == 1)
        #expect(out.stdout.contains("registrations V-1：与日志记录不符（amount_fen：台账为 1000001，日志为 1000000）"), "\(out.stdout)")
        #expect(out.stdout.contains("台账有结构之外的 index：spy；请查明是谁添加的"), "\(out.stdout)")
        #expect(out.stdout.contains("校验失败：") , "\(out.stdout)")
        let en = try s.run(["audit", "verify"])
        #expect(en.stdout.contains("registrations V-1: differs from what the journal records (amount_fen: 1000001 in the ledger, 1000000 from the journal)"), "\(en.stdout)")
    }

    @Test("the import summary and refusal in Chinese")
    func importSummary() throws {
        let s = try CLISandbox()
        let path = s.directory.appendingPathComponent("bank.csv").path
        try "登记号,登记日期,统一社会信用代码,企业名称,贷款银行,登记金额(万元),专利号\nI-1,2024-03-05,\(CLISandbox.validUSCC),甲,兰州银行城关支行,100,97101765.4\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let out = try s.run(["--lang", "zh", "import", path])
        #expect(out.code == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix("新增 1，未变 0，冲突 0，无效 0"), "\(out.stdout)")
        #expect(try s.sqlite("SELECT bank, branch, amount_fen FROM registrations") == "兰州银行|城关支行|100000000")
        try "登记号,登记日期,统一社会信用代码,企业名称,贷款银行,登记金额(万元),专利号\nI-1,2024-03-05,\(CLISandbox.validUSCC),甲,兰州银行城关支行,200,97101765.4\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let conflict = try s.run(["--lang", "zh", "import", path])
        #expect(conflict.code == 73)
        #expect(conflict.stderr.contains(":2:登记号：登记号 I-1 已在台账中，内容不同：金额: 100.00 万元 → 200.00 万元（台账 → 文件）"), "\(conflict.stderr)")
        #expect(conflict.stderr.contains("新增 0，未变 0，冲突 1，无效 0"))
        #expect(conflict.stderr.contains("拒绝导入，未写入任何内容"))
    }
}

@Suite("help in both languages")
struct HelpLanguageTests {
    static let commands: [[String]] = [
        [], ["init"], ["demo"], ["register"], ["correct"], ["void"], ["release"], ["default"], ["extend"], ["import"], ["export"],
        ["show"], ["history"], ["target"], ["target", "set"], ["target", "list"], ["target", "remove"], ["target", "default"],
        ["report"], ["report", "progress"], ["report", "monthly"], ["report", "annual"], ["period"], ["period", "close"],
        ["period", "reopen"], ["period", "list"], ["query"], ["audit"], ["audit", "head"], ["audit", "verify"], ["check"],
        ["check", "ack"], ["backup"], ["copy"], ["reference"], ["setting"], ["user"], ["user", "add"], ["user", "list"], ["user", "disable"],
        ["user", "passwd"], ["user", "token"], ["serve"], ["settings"], ["settings", "set"], ["settings", "amount-confirm"], ["proposals"],
        ["proposal"], ["approve"], ["reject"], ["subsidy"], ["subsidy", "policy", "set"], ["subsidy", "policy", "list"], ["subsidy", "compute"],
        ["subsidy", "pay"], ["report", "subsidy"], ["pool"], ["pool", "set"], ["pool", "list"], ["pool", "contribute"], ["dispose"], ["loss"],
        ["report", "pool"],
    ]

    @Test("every command's help is Chinese under zh (overview and every option) and English under en", arguments: commands)
    func help(_ command: [String]) throws {
        let s = try CLISandbox(initialize: false)
        let zh = try s.run(command + ["--help"], withDB: false, env: ["LANG": "zh_CN.UTF-8"]).stdout
        let en = try s.run(["--lang", "en"] + command + ["--help"], withDB: false).stdout
        func han(_ t: Substring) -> Bool { t.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
        let overview = try #require(zh.split(separator: "\n").first { $0.hasPrefix("OVERVIEW:") })
        #expect(han(overview), "\(command): \(overview)")
        // Each option's description (after the name and two spaces or more; a long name puts it on the next line) is
        // Chinese, but ArgumentParser's own --help and --version.
        let lines = zh.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, line) in lines.enumerated() where line.hasPrefix("  --") && !line.contains("--help") && !line.contains("--version") {
            let parts = line.split(separator: "  ", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
            // A name exactly as wide as the column is followed by one space only.
            let afterValue = line.range(of: "> ").map { String(line[$0.upperBound...]).trimmingCharacters(in: .whitespaces) } ?? ""
            let description = parts.count > 1 ? parts[1] : !afterValue.isEmpty ? afterValue
                : (i + 1 < lines.count ? lines[i + 1].trimmingCharacters(in: .whitespaces) : "")
            #expect(han(Substring(description)), "\(command): \(line)")
        }
        #expect(zh != en)
        let enOverview = en.split(separator: "\n").first { $0.hasPrefix("OVERVIEW:") }!
        // The English overview is English (the ledger's own name and a term like 注销 may stand in it).
        #expect(command.isEmpty || enOverview.unicodeScalars.filter { (0x4E00...0x9FFF).contains($0.value) }.count <= 2, "\(command): \(enOverview)")
    }
}
