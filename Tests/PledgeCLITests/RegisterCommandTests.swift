import Foundation
import Testing

@Suite("pledge register, end to end")
struct RegisterCommandTests {
    @Test("a registration is recorded; stdout shows seq and hash; sqlite3 sees it")
    func registers() throws {
        let s = try CLISandbox()
        let out = try s.run(s.registerArgs)
        #expect(out.code == 0, "\(out.stderr)")
        #expect(out.stderr.isEmpty)
        let hash = try s.sqlite("SELECT hash FROM entries WHERE seq = 3")
        #expect(out.stdout.contains("seq 3  hash \(hash)"))
        #expect(try s.sqlite("SELECT reg_no, amount_fen, park, prefecture_code, rywq, status, ip_numbers FROM registrations")
                == "Y2024620000001|2000000000|兰州高新技术产业开发区|620100|1|active|ZL201710601862.3;ZL97101765.4")
        #expect(try s.sqlite("SELECT operator, kind, reg_no FROM entries WHERE seq = 3") == "tester|register|Y2024620000001")
    }

    @Test("units and date forms from CONTRACT", arguments: [
        (["--amount", "0.25", "--unit", "yi", "--date", "2021年1月1日"], "2500000000|2021-01-01"),
        (["--amount", "1,234,567.89", "--unit", "yuan", "--date", "2024/3/5"], "123456789|2024-03-05"),
        (["--amount", "1234.5", "--unit", "wan", "--date", "2023-12-31"], "1234500000|2023-12-31"),
    ])
    func unitsAndDates(overrides: [String], expected: String) throws {
        let s = try CLISandbox()
        var args = s.registerArgs
        for pair in stride(from: 0, to: overrides.count, by: 2) {
            let i = args.firstIndex(of: overrides[pair])!
            args[i + 1] = overrides[pair + 1]
        }
        let out = try s.run(args)
        #expect(out.code == 0, "\(out.stderr)")
        #expect(try s.sqlite("SELECT amount_fen, reg_date FROM registrations") == expected)
    }

    @Test("bad input: one clear line per broken rule, exit 65, ledger unchanged", arguments: [
        ("--uscc", "914403001922038215", "--uscc: value \"914403001922038215\" — check character should be '6'"),
        ("--uscc", "91440300192203821O", "'O' is not allowed"),
        ("--uscc", "12345", "has 18 characters"),
        ("--ip", "201710601862.5", "--ip: value \"201710601862.5\" — check digit should be '3'"),
        ("--date", "2099-01-01", "after today"),
        ("--date", "2022-02-29", "expected a real date"),
        ("--date", "yesterday", "expected a real date"),
        ("--amount", "0", "greater than zero"),
        ("--amount", "1.1234567", "at most 6 decimals"),
        ("--amount", "12,34", "groups of three"),
        ("--amount", "99999999999999", "too large"),
        ("--bank", "火星银行", "unknown bank"),
        ("--park", "火星园区", "unknown park"),
        ("--prefecture", "白银市", "counts under 兰州市"),
        ("--reg-no", String(repeating: "Y", count: 41), "at most 40 characters"),
        ("--reg-no", String(repeating: "A\u{301}", count: 30), "at most 40 characters"),   // 60 scalars; was exit 70 from SQLite's CHECK
        ("--reg-no", "Y\t1", "control characters"),
        ("--enterprise", "甘肃\u{1B}公司", "control characters"),
        ("--maturity", "2024-03-01", "before the registration date"),
        ("--rate", "abc", "annual rate"),
        ("--ip-type", "house", "expected patent"),
    ])
    func badInput(option: String, value: String, message: String) throws {
        let s = try CLISandbox()
        let before = try s.snapshot()
        let out = try s.run(s.registerArgs(replacing: option, with: value))
        #expect(out.code == 65)
        #expect(out.stderr.contains(message), "stderr: \(out.stderr)")
        #expect(out.stderr.split(separator: "\n").count == 1)
        #expect(out.stderr.hasPrefix("pledge: error: "))
        #expect(!out.stderr.contains("Fatal error"))
        #expect(out.stdout.isEmpty)
        #expect(try s.snapshot() == before)
    }

    @Test("several broken rules are all listed, one line each")
    func severalErrors() throws {
        let s = try CLISandbox()
        var args = s.registerArgs(replacing: "--uscc", with: "914403001922038215")
        args[args.firstIndex(of: "--bank")! + 1] = "无名银行"
        let out = try s.run(args)
        #expect(out.code == 65)
        #expect(out.stderr.split(separator: "\n").count == 2)
    }

    @Test("missing required options are usage errors: exit 64, nothing written", arguments: ["--reg-no", "--uscc", "--amount", "--bank"])
    func usage(option: String) throws {
        let s = try CLISandbox()
        let before = try s.snapshot()
        let out = try s.run(s.registerArgs(replacing: option, with: nil))
        #expect(out.code == 64)
        #expect(out.stderr.contains(option))
        #expect(try s.snapshot() == before)
    }

    @Test("an unknown unit is a usage error")
    func badUnit() throws {
        let s = try CLISandbox()
        let out = try s.run(s.registerArgs(replacing: "--unit", with: "dollar"))
        #expect(out.code == 64)
    }

    @Test("an existing 登记号 is a conflict: exit 73, nothing written")
    func duplicate() throws {
        let s = try CLISandbox()
        try s.run(s.registerArgs)
        let before = try s.snapshot()
        let out = try s.run(s.registerArgs(replacing: "--amount", with: "1"))
        #expect(out.code == 73)
        #expect(out.stderr.contains("登记号 Y2024620000001 is already registered"))
        #expect(try s.snapshot() == before)
    }

    @Test("--allow-bad-uscc records the override")
    func usccOverride() throws {
        let s = try CLISandbox()
        let out = try s.run(s.registerArgs(replacing: "--uscc", with: "914403001922038215") + ["--allow-bad-uscc"])
        #expect(out.code == 0, "\(out.stderr)")
        #expect(try s.sqlite("SELECT uscc_override FROM registrations") == "1")
        #expect(try s.sqlite("SELECT json_extract(payload, '$.data.usccOverride') FROM entries WHERE seq = 3") == "1")
    }

    @Test("--late is recorded in the entry with its reason; --late without a reason is a usage error in both languages")
    func late() throws {
        let s = try CLISandbox()
        let before = try s.snapshot()
        for (lang, message) in [("en", "a reason is required"), ("zh", "必须填写原因")] {
            let out = try s.run(["--lang", lang] + s.registerArgs + ["--late"])
            #expect(out.code == 64)
            #expect(out.stderr.contains(message), "\(out.stderr)")
            #expect(try s.run(["--lang", lang] + s.registerArgs + ["--late", "--reason", " "]).code == 64)
        }
        #expect(try s.snapshot() == before)
        #expect(try s.run(s.registerArgs + ["--late", "--reason", "银行补报"]).code == 0)
        #expect(try s.sqlite("SELECT json_extract(payload, '$.late'), json_extract(payload, '$.reason'), (SELECT late FROM registrations) FROM entries WHERE seq = 3") == "1|银行补报|1")
        #expect(try s.run(["history", "Y2024620000001"]).stdout.contains("银行补报"))
        #expect(try s.run(["audit", "verify"]).code == 0)
    }
}
