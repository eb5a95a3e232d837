import Foundation
import Testing

/// The mistakes that cost most: a 万 typed as 亿, a right pledged twice, a USCC under two names.
@Suite("costly mistakes stopped: unusual amounts, double pledges, a USCC under another name")
struct CostlyMistakeTests {
    func register(_ s: CLISandbox, _ regNo: String, amount: String, ip: String, enterprise: String = "甘肃陇原新材料科技有限公司",
                  extra: [String] = [], lang: String = "en") throws -> CLISandbox.Output {
        try s.run(["--lang", lang, "register", "--reg-no", regNo, "--date", "2024-03-05", "--uscc", CLISandbox.validUSCC, "--enterprise", enterprise,
                   "--bank", "兰州银行", "--amount", amount, "--ip", ip] + extra)
    }

    @Test("an amount above 5 亿元, or 100 times the recent median, needs --confirm-amount (exit 65, both languages, nothing written)")
    func amounts() throws {
        let s = try CLISandbox()
        #expect(try register(s, "A-1", amount: "500万", ip: "201710601862.3").code == 0)
        let before = try s.snapshot()
        for (amount, en, zh) in [("500亿", "above 5 亿元", "金额超过 5 亿元"),
                                 ("5亿", "at least 100 times the median of the ledger's recent registrations (500.00 万元)", "中位数（500.00 万元）的 100 倍以上")] {
            for (lang, message) in [("en", en), ("zh", zh)] {
                let out = try register(s, "A-2", amount: amount, ip: "97101765.4", lang: lang)
                #expect(out.code == 65, "\(amount)")
                #expect(out.stderr.contains(message) && out.stderr.contains("--confirm-amount"), "\(out.stderr)")
            }
        }
        #expect(try s.snapshot() == before)
        #expect(try register(s, "A-2", amount: "5亿", ip: "97101765.4", extra: ["--confirm-amount"]).code == 0)
        #expect(try register(s, "A-3", amount: "4亿", ip: "95115608.X").code == 0, "below 100 × the median once 5 亿 is in the ledger")
    }

    @Test("the ledger's own amount limit: setting amount-confirm lowers it, journaled and verified")
    func ledgerLimit() throws {
        let s = try CLISandbox()
        #expect(try register(s, "L-1", amount: "100万", ip: "201710601862.3").code == 0)
        #expect(try register(s, "L-2", amount: "5,000万", ip: "97101765.4").code == 0, "below 5 亿元 and 100 × the median")
        #expect(try s.run(["setting", "amount-confirm", "3000万"]).code == 0)
        let out = try register(s, "L-3", amount: "5,000万", ip: "95115608.X", lang: "zh")
        #expect(out.code == 65 && out.stderr.contains("金额超过 3,000.00 万元"), "\(out.stderr)")
        #expect(try register(s, "L-3", amount: "5,000万", ip: "95115608.X", extra: ["--confirm-amount"]).code == 0)
        #expect(try s.sqlite("SELECT value FROM ledger_settings WHERE key = 'amount_confirm_fen'") == "3000000000")
        #expect(try s.run(["audit", "verify"]).code == 0)
        #expect(try s.run(["setting", "amount-confirm", "0"]).code == 65)
        _ = try s.sqlite("UPDATE ledger_settings SET value = '1' WHERE key = 'amount_confirm_fen'")
        #expect(try s.run(["audit", "verify"]).code == 1)
    }

    @Test("a right held by a registration not released is refused (73) unless --allow-double-pledge --reason; released, it is free")
    func doublePledge() throws {
        let s = try CLISandbox()
        #expect(try register(s, "D-1", amount: "100万", ip: "201710601862.3").code == 0)
        let before = try s.snapshot()
        for (lang, message) in [("en", "ZL201710601862.3 is already pledged by 登记号 D-1"), ("zh", "ZL201710601862.3 已由登记号 D-1 质押且未注销")] {
            let out = try register(s, "D-2", amount: "100万", ip: "CN201710601862.3", lang: lang)
            #expect(out.code == 73)
            #expect(out.stderr.contains(message), "\(out.stderr)")
        }
        #expect(try register(s, "D-2", amount: "100万", ip: "201710601862.3", extra: ["--allow-double-pledge"]).code == 64, "a reason is required")
        #expect(try s.snapshot() == before)
        #expect(try register(s, "D-2", amount: "100万", ip: "201710601862.3", extra: ["--allow-double-pledge", "--reason", "续贷，旧笔待注销"]).code == 0)
        #expect(try s.sqlite("SELECT json_extract(payload, '$.reason') FROM entries WHERE reg_no = 'D-2'") == "续贷，旧笔待注销")
        #expect(try s.run(["release", "D-1", "--date", "2024-03-05"]).code == 0)
        #expect(try s.run(["release", "D-2", "--date", "2024-03-05"]).code == 0)
        #expect(try register(s, "D-3", amount: "100万", ip: "201710601862.3").code == 0, "released rights are free again")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("corrections follow the same rules: an unusual amount needs --confirm-amount, a right still held needs --allow-double-pledge")
    func corrections() throws {
        let s = try CLISandbox()
        #expect(try register(s, "C-1", amount: "100万", ip: "201710601862.3").code == 0)
        #expect(try register(s, "C-2", amount: "100万", ip: "97101765.4").code == 0)
        let before = try s.snapshot()
        let amount = try s.run(["--lang", "zh", "correct", "C-1", "--field", "金额", "--value", "100亿", "--reason", "x"])
        #expect(amount.code == 65 && amount.stderr.contains("金额超过 5 亿元"), "\(amount.stderr)")
        let right = try s.run(["correct", "C-2", "--field", "ip", "--value", "97101765.4;201710601862.3", "--reason", "x"])
        #expect(right.code == 73 && right.stderr.contains("ZL201710601862.3 is already pledged by 登记号 C-1"), "\(right.stderr)")
        #expect(try s.snapshot() == before)
        #expect(try s.run(["correct", "C-1", "--field", "amount", "--value", "100亿", "--reason", "x", "--confirm-amount"]).code == 0)
        #expect(try s.run(["correct", "C-2", "--field", "ip", "--value", "97101765.4;201710601862.3", "--reason", "x", "--allow-double-pledge"]).code == 0)
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("a USCC known under another name is a warning naming both; the registration is written")
    func otherName() throws {
        let s = try CLISandbox()
        #expect(try register(s, "N-1", amount: "100万", ip: "201710601862.3").code == 0)
        let out = try register(s, "N-2", amount: "100万", ip: "97101765.4", enterprise: "甘肃另一家公司", lang: "zh")
        #expect(out.code == 0)
        #expect(out.stderr.contains("pledge: 警告：统一社会信用代码 \(CLISandbox.validUSCC) 在台账中的企业名称是“甘肃陇原新材料科技有限公司”，此处写的是“甘肃另一家公司”"), "\(out.stderr)")
    }

    func file(_ s: CLISandbox, _ rows: [String]) throws -> String {
        let path = s.directory.appendingPathComponent("bank-\(UUID().uuidString).csv").path
        try (["reg_no,reg_date,uscc,enterprise,bank,amount_wan,ip_numbers"] + rows).joined(separator: "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("import: double pledges within the file or against the ledger are conflicts (73), also in a read-only dry run; warnings are listed, --strict refuses them")
    func importRows() throws {
        let s = try CLISandbox()
        #expect(try register(s, "L-1", amount: "100万", ip: "201710601862.3").code == 0)
        let u = CLISandbox.validUSCC
        let before = try s.snapshot()
        let doubles = try file(s, ["F-1,2024-04-01,\(u),甘肃陇原新材料科技有限公司,兰州银行,100,2014103620773",
                                   "F-2,2024-04-02,\(u),甘肃陇原新材料科技有限公司,兰州银行,100,2014103620773",
                                   "F-3,2024-04-03,\(u),甘肃陇原新材料科技有限公司,兰州银行,100,201710601862.3"])
        for dry in [[], ["--read-only", "--dry-run"]] {
            let out = try s.run(dry.filter { $0 == "--read-only" } + ["import", doubles] + dry.filter { $0 == "--dry-run" })
            #expect(out.code == 73, "\(dry): \(out.stderr)")
            #expect(out.stderr.contains(":3:ip_numbers: 登记号 F-2: ZL201410362077.3 is already pledged by 登记号 F-1"), "\(out.stderr)")
            #expect(out.stderr.contains(":4:ip_numbers: 登记号 F-3: ZL201710601862.3 is already pledged by 登记号 L-1"), "\(out.stderr)")
            #expect(out.stderr.contains("1 new, 0 unchanged, 2 conflicting, 0 invalid"), "\(out.stderr)")
        }
        #expect(try s.snapshot() == before)
        #expect(try s.run(["import", doubles, "--allow-double-pledge", "--reason", "银行确认"]).code == 0)
        #expect(try s.run(["audit", "verify"]).code == 0)

        let unusual = try file(s, ["W-1,2024-05-01,\(u),另一个名字,兰州银行,500000,97101765.4"])
        let strict = try s.snapshot()
        let refused = try s.run(["--lang", "zh", "import", unusual, "--strict"])
        #expect(refused.code == 65)
        #expect(refused.stderr.contains(":2:amount_wan：警告：金额超过 5 亿元"), "\(refused.stderr)")
        #expect(refused.stderr.contains(":2:uscc：警告：统一社会信用代码"), "\(refused.stderr)")
        #expect(try s.snapshot() == strict)
        let warned = try s.run(["import", unusual])
        #expect(warned.code == 0, "\(warned.stderr)")
        #expect(warned.stderr.contains(":2:amount_wan: warning: the amount is above 5 亿元"), "\(warned.stderr)")
        #expect(warned.stderr.contains("1 rows with warnings (listed above); --strict refuses them"), "\(warned.stderr)")
        #expect(warned.stdout.hasPrefix("1 new, 0 unchanged, 0 conflicting, 0 invalid"))
    }
}
