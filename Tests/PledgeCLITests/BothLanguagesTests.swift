import Foundation
import Testing

/// Each capability a Chinese-speaking clerk and an English-reading auditor use, run once per language: the same
/// scenario, the same exit codes and ledger, the words of the run's language.
@Suite("every clerk's rule in both languages")
struct BothLanguagesTests {
    enum Lang: String, CaseIterable, Sendable { case zh, en }

    static let loan = ["--date", "2024-03-05", "--uscc", CLISandbox.validUSCC, "--enterprise", "甘肃陇原新材料科技有限公司", "--bank", "兰州银行"]

    func run(_ s: CLISandbox, _ l: Lang, _ args: [String], env: [String: String] = [:]) throws -> CLISandbox.Output {
        try s.run(["--lang", l.rawValue] + args, env: env)
    }

    func register(_ s: CLISandbox, _ l: Lang, _ regNo: String, amount: String = "100万", ip: String? = nil, _ extra: [String] = []) throws -> CLISandbox.Output {
        try run(s, l, ["register", "--reg-no", regNo, "--amount", amount, "--ip", ip ?? CLISandbox.patent(regNo)] + Self.loan + extra)
    }

    @Test("usage errors: ArgumentParser's refusals in the run's language, exit 64, usage and help pointer, nothing written",
          arguments: Lang.allCases)
    func usage(_ l: Lang) throws {
        let s = try CLISandbox()
        let before = try s.snapshot()
        let cases: [([String], zh: String, en: String)] = [
            (["register", "--reg-no", "U-1"], "pledge: 错误：缺少必需的参数 --date <date>", "pledge: error: Missing expected argument '--date <date>'"),
            (["show", "A", "--fromat", "json"], "pledge: 错误：未知选项 --fromat；是否是 --format？", "pledge: error: Unknown option '--fromat'. Did you mean '--format'?"),
            (["report", "monthly", "--by", "city"], "pledge: 错误：值“city”不能用于 --by <by>；可选：prefecture、park、bank、ip-type、rywq、puhui",
             "pledge: error: The value 'city' is invalid for '--by <by>'. Please provide one of prefecture, park, bank, ip-type, rywq, puhui."),
            (["show", "A", "B"], "pledge: 错误：多余的参数：B", "pledge: error: Unexpected argument: B"),
            (["show", "A", "--format"], "pledge: 错误：选项 --format <format> 缺少取值", "pledge: error: Missing value for '--format <format>'"),
            (["--read-only=yes", "show", "A"], "pledge: 错误：选项 --read-only 不带取值，却给了“yes”",
             "pledge: error: The option '--read-only' does not take any value, but 'yes' was specified."),
            (["import", "x.csv", "--max-errors", "0"], "pledge: 错误：--max-errors 至少为 1", "pledge: error: --max-errors must be at least 1"),
            (["period", "reopen", "2024-03"], "pledge: 错误：--reason：值“”，必须填写原因（会记入日志）",
             "pledge: error: --reason: value \"\" — a reason is required (it is recorded in the journal)"),
        ]
        for (args, zh, en) in cases {
            let out = try run(s, l, args)
            #expect(out.code == 64, "\(args): \(out.stderr)")
            let lines = out.stderr.split(separator: "\n").map(String.init)
            #expect(lines.first == (l == .zh ? zh : en), "\(args): \(out.stderr)")
            #expect(lines.contains { $0.hasPrefix(l == .zh ? "用法：pledge" : "Usage: pledge") }, "\(args): \(out.stderr)")
            #expect(lines.last?.contains(l == .zh ? "详见 `pledge" : "See 'pledge") == true, "\(args): \(out.stderr)")
            #expect(out.stdout.isEmpty)
        }
        #expect(try s.snapshot() == before)
    }

    @Test("input as clerks write it: --field 金额 or amount with 万 in the value, reasons in Chinese, names with suggestions",
          arguments: Lang.allCases)
    func input(_ l: Lang) throws {
        let s = try CLISandbox()
        #expect(try register(s, l, "I-1", amount: "2,000万").code == 0)
        let field = l == .zh ? "金额" : "amount"
        let corrected = try run(s, l, ["correct", "I-1", "--field", field, "--value", "2100万元", "--reason", "银行更正"])
        #expect(corrected.code == 0, "\(corrected.stderr)")
        #expect(corrected.stdout.contains(l == .zh ? "金额: 2,000.00 万元 → 2,100.00 万元" : "amount: 2,000.00 万元 → 2,100.00 万元"), "\(corrected.stdout)")
        #expect(try run(s, l, ["release", "I-1", "--date", "2024-06-01", "--reason", "已还款"]).code == 0)
        #expect(try s.sqlite("SELECT amount_fen, status FROM registrations") == "2100000000|released")
        let reason = try s.sqlite("SELECT json_extract(payload, '$.data.reason') FROM entries WHERE kind = 'release'")
        #expect(reason == "repaid", "\(reason)")

        let before = try s.snapshot()
        let bank = try run(s, l, ["register", "--reg-no", "I-2", "--amount", "1万", "--ip", CLISandbox.patent("I-2")]
                                + Self.loan.dropLast(2) + ["--bank", "兰州银汗"])
        #expect(bank.code == 65)
        #expect(bank.stderr.contains(l == .zh ? "未知银行；可用的名称见 `pledge reference banks`。是否是：兰州银行？"
                                              : "unknown bank; see `pledge reference banks` for the names. Did you mean: 兰州银行?"), "\(bank.stderr)")
        let park = try register(s, l, "I-3", amount: "1万", ["--park", "白银高新技术开发区"])
        #expect(park.code == 65)
        #expect(park.stderr.contains(l == .zh ? "是否是：白银高新技术产业开发区" : "Did you mean: 白银高新技术产业开发区"), "\(park.stderr)")
        #expect(try s.snapshot() == before)
    }

    @Test("costly mistakes: an amount to confirm, a right pledged twice, a USCC under another name; import warnings and --strict",
          arguments: Lang.allCases)
    func costlyMistakes(_ l: Lang) throws {
        let s = try CLISandbox()
        #expect(try register(s, l, "C-1", ip: "201710601862.3").code == 0)
        let before = try s.snapshot()
        let big = try register(s, l, "C-2", amount: "6亿")
        #expect(big.code == 65)
        #expect(big.stderr.contains(l == .zh ? "金额超过 5 亿元，单笔登记很少达到这一规模；请核对单位（万元还是亿元），确属无误请加 --confirm-amount"
                                             : "the amount is above 5 亿元, more than single registrations come near; check the unit (万元 or 亿元), and pass --confirm-amount if it is right"),
                "\(big.stderr)")
        let double = try register(s, l, "C-2", ip: "201710601862.3")
        #expect(double.code == 73)
        #expect(double.stderr.contains(l == .zh ? "ZL201710601862.3 已由登记号 C-1 质押且未注销" : "ZL201710601862.3 is already pledged by 登记号 C-1, which is not released"),
                "\(double.stderr)")
        #expect(try s.snapshot() == before)
        #expect(try register(s, l, "C-2", amount: "6亿", ["--confirm-amount"]).code == 0)
        #expect(try register(s, l, "C-3", ip: "201710601862.3", ["--allow-double-pledge", "--reason", "续贷"]).code == 0)
        let name = try run(s, l, ["register", "--reg-no", "C-4", "--amount", "1万", "--ip", CLISandbox.patent("C-4"), "--date", "2024-03-05",
                                  "--uscc", CLISandbox.validUSCC, "--enterprise", "另一家公司", "--bank", "兰州银行"])
        #expect(name.code == 0)
        #expect(name.stderr.contains(l == .zh ? "pledge: 警告：统一社会信用代码 \(CLISandbox.validUSCC) 在台账中的企业名称是“甘肃陇原新材料科技有限公司”，此处写的是“另一家公司”"
                                              : "pledge: warning: USCC \(CLISandbox.validUSCC) is recorded as \"甘肃陇原新材料科技有限公司\", here it is \"另一家公司\""),
                "\(name.stderr)")

        let path = s.directory.appendingPathComponent("bank.csv").path
        try "登记号,登记日期,统一社会信用代码,企业名称,贷款银行,登记金额(万元),专利号\nW-1,2024-05-01,\(CLISandbox.validUSCC),第三个名字,兰州银行,100,\(CLISandbox.patent("W-1"))\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let strictBefore = try s.snapshot()
        let strict = try run(s, l, ["import", path, "--strict"])
        #expect(strict.code == 65)
        #expect(strict.stderr.contains(l == .zh ? ":2:统一社会信用代码：警告：统一社会信用代码" : ":2:统一社会信用代码: warning: USCC"), "\(strict.stderr)")
        #expect(try s.snapshot() == strictBefore)
        let warned = try run(s, l, ["import", path])
        #expect(warned.code == 0, "\(warned.stderr)")
        #expect(warned.stdout.hasPrefix(l == .zh ? "新增 1，未变 0，冲突 0，无效 0，有警告 1" : "1 new, 0 unchanged, 0 conflicting, 0 invalid, 1 with warnings"),
                "\(warned.stdout)")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("periods: closing a month closes the earlier ones, --late needs a reason, reopening needs one and is journaled; times local",
          arguments: Lang.allCases)
    func periods(_ l: Lang) throws {
        let s = try CLISandbox()
        #expect(try register(s, l, "P-1").code == 0)
        let closed = try run(s, l, ["period", "close", "2024-04"])
        #expect(closed.code == 0, "\(closed.stderr)")
        #expect(closed.stdout.contains(l == .zh ? "已关账 2024-03：1 笔，100.00 万元" : "closed 2024-03: 1 registrations, 100.00 万元"), "\(closed.stdout)")
        #expect(closed.stdout.contains(l == .zh ? "已关账 2024-04：0 笔" : "closed 2024-04: 0 registrations"), "\(closed.stdout)")
        let list = try run(s, l, ["period", "list"], env: ["TZ": "Asia/Shanghai"])
        #expect(list.stdout.contains(l == .zh ? "关账时间 (Asia/Shanghai)" : "Closed at (Asia/Shanghai)"), "\(list.stdout)")
        let before = try s.snapshot()
        let late = try register(s, l, "P-2", ["--late"])
        #expect(late.code == 64)
        #expect(late.stderr.hasPrefix(l == .zh ? "pledge: 错误：--reason：值“”，必须填写原因" : "pledge: error: --reason: value \"\" — a reason is required"), "\(late.stderr)")
        let closedMonth = try register(s, l, "P-2")
        #expect(closedMonth.code == 73)
        #expect(closedMonth.stderr.contains("2024-03"), "\(closedMonth.stderr)")
        #expect(try s.snapshot() == before)
        #expect(try register(s, l, "P-2", ["--late", "--reason", "银行补报"]).code == 0)
        let reopened = try run(s, l, ["period", "reopen", "2024-03", "--reason", "补录"])
        #expect(reopened.code == 0, "\(reopened.stderr)")
        #expect(reopened.stdout.contains(l == .zh ? "已重新开账 2024-03" : "reopened 2024-03"), "\(reopened.stdout)")
        #expect(try s.sqlite("SELECT count(*) FROM periods") == "0")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("reports: the outcome after the window, outstanding and past maturity apart, annual growth, the HTML headline",
          arguments: Lang.allCases)
    func reports(_ l: Lang) throws {
        let s = try CLISandbox()
        #expect(try run(s, l, ["target", "set", "t", "--amount", "150万", "--from", "2024-01-01", "--to", "2024-12-31", "--ip-type", "all"]).code == 0)
        #expect(try register(s, l, "R-1", ["--maturity", "2024-09-05"]).code == 0)
        #expect(try register(s, l, "R-2", ["--maturity", "2026-09-05"]).code == 0)
        let progress = try run(s, l, ["report", "progress", "--target", "t", "--as-of", "2025-06-30"])
        #expect(progress.code == 0, "\(progress.stderr)")
        let words = l == .zh
            ? ["目标已达成：完成 200.00 万元", "在贷余额（截至 2025-06-30，未到期）  100.00 万元", "已到期未注销", "100.00 万元  (1 笔"]
            : ["target reached: 200.00 万元", "Outstanding on 2025-06-30 (not past maturity)", "Past maturity, not released", "100.00 万元  (1 registrations"]
        for w in words { #expect(progress.stdout.contains(w), "\(w) in \(progress.stdout)") }
        let annual = try run(s, l, ["report", "annual", "--format", "csv"])
        #expect(annual.stdout.hasPrefix(l == .zh ? "\u{FEFF}年度," : "year,") || annual.stdout.hasPrefix(l == .zh ? "年度," : "year,"), "\(annual.stdout)")
        let html = try run(s, l, ["report", "progress", "--target", "t", "--as-of", "2025-06-30", "--format", "html"]).stdout
        #expect(html.contains(l == .zh ? "<html lang=\"zh-CN\">" : "<html lang=\"en\">"), "\(html.prefix(200))")
        #expect(html.contains(l == .zh ? "甘肃省知识产权质押融资进度报告" : "Gansu IP pledge financing: progress report"))
    }

    @Test("checks: a rule alone, as CSV with headers in the language, a review journaled and shown",
          arguments: Lang.allCases)
    func checks(_ l: Lang) throws {
        let s = try CLISandbox()
        #expect(try register(s, l, "K-1", ["--maturity", "2024-09-05"]).code == 0)
        let found = try run(s, l, ["check", "--rule", "matured-not-released"])
        #expect(found.code == 1)
        #expect(found.stdout.contains(l == .zh ? "[matured-not-released:K-1] K-1 — 已于 2024-09-05 到期，仍为有效状态" : "[matured-not-released:K-1] K-1 — matured on 2024-09-05 and is still active"),
                "\(found.stdout)")
        let csv = try run(s, l, ["check", "--rule", "matured-not-released", "--format", "csv"]).stdout
        #expect(csv.hasPrefix(l == .zh ? "问题编号,规则,登记号," : "id,rule,reg_nos,"), "\(csv)")
        let unknown = try run(s, l, ["check", "ack", "matured-not-released:K-9", "--reason", "已核实"])
        #expect(unknown.code == 65)
        let ack = try run(s, l, ["check", "ack", "matured-not-released:K-1", "--reason", "已核实"])
        #expect(ack.code == 0, "\(ack.stderr)")
        #expect(ack.stdout.contains(l == .zh ? "已记录复核 matured-not-released:K-1" : "review recorded for matured-not-released:K-1"), "\(ack.stdout)")
        let reviewed = try run(s, l, ["check", "--rule", "matured-not-released"])
        #expect(reviewed.code == 0)
        #expect(reviewed.stdout.contains(l == .zh ? "已复核：已核实（tester，" : "reviewed: 已核实 (tester, "), "\(reviewed.stdout)")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("auditor: a read-only dry run of a bank's file, a short expected head, targets removed and chosen",
          arguments: Lang.allCases)
    func auditor(_ l: Lang) throws {
        let s = try CLISandbox()
        #expect(try register(s, l, "A-1").code == 0)
        let path = s.directory.appendingPathComponent("bank.csv").path
        try "reg_no,reg_date,uscc,enterprise,bank,amount_wan,ip_numbers\nA-2,2024-05-01,\(CLISandbox.validUSCC),甘肃陇原新材料科技有限公司,兰州银行,100,\(CLISandbox.patent("A-2"))\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let before = try s.snapshot()
        let dry = try run(s, l, ["--read-only", "import", path, "--dry-run"])
        #expect(dry.code == 0, "\(dry.stderr)")
        #expect(dry.stdout.hasPrefix(l == .zh ? "新增 1，未变 0，冲突 0，无效 0（试运行，未写入）" : "1 new, 0 unchanged, 0 conflicting, 0 invalid (dry run: nothing written)"),
                "\(dry.stdout)")
        #expect(try s.snapshot() == before)

        let head = try s.run(["audit", "head"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let short = String(head.prefix(head.firstIndex(of: ":")!.utf16Offset(in: head) + 9))
        let verified = try run(s, l, ["audit", "verify", "--expect-head", short])
        #expect(verified.code == 0)
        #expect(verified.stdout.contains(l == .zh ? "head matches：日志仍包含 \(short)" : "head matches: the journal still holds \(short)"), "\(verified.stdout)")
        let tooShort = try run(s, l, ["audit", "verify", "--expect-head", String(short.dropLast(2))])
        #expect(tooShort.code == 64)
        #expect(tooShort.stderr.hasPrefix(l == .zh ? "pledge: 错误：--expect-head：值" : "pledge: error: --expect-head: value"), "\(tooShort.stderr)")

        #expect(try run(s, l, ["target", "set", "t2", "--amount", "1亿", "--from", "2024-01-01", "--to", "2024-12-31"]).stdout
                    .hasPrefix(l == .zh ? "目标 t2 已设置：10,000.00 万元，2024-01-01 … 2024-12-31，全部类型" : "target t2 set: 10,000.00 万元, 2024-01-01 … 2024-12-31, all IP types"))
        let chosen = try run(s, l, ["target", "default", "t2"])
        #expect(chosen.stdout.hasPrefix(l == .zh ? "默认目标为 t2" : "default target: t2"), "\(chosen.stdout)")
        let refused = try run(s, l, ["target", "remove", "t2", "--reason", "重复"])
        #expect(refused.code == 65)
        #expect(refused.stderr.contains(l == .zh ? "目标名称：值“t2”，这是默认目标，不能删除" : "target name: value \"t2\" — it is the default target"), "\(refused.stderr)")
        #expect(try run(s, l, ["target", "default", "gansu-2025"]).code == 0)
        let removed = try run(s, l, ["target", "remove", "t2", "--reason", "重复"])
        #expect(removed.stdout.hasPrefix(l == .zh ? "已删除目标 t2" : "removed target t2"), "\(removed.stdout)")
        #expect(try s.sqlite("SELECT count(*) FROM targets WHERE name = 't2'") == "0")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }
}
