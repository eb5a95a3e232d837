import Foundation
import Testing

@Suite("correct, void, release, default, extend, show, history — end to end")
struct LifecycleCommandTests {
    func registered() throws -> CLISandbox {
        let s = try CLISandbox()
        let out = try s.run(s.registerArgs)
        #expect(out.code == 0, "\(out.stderr)")
        return s
    }

    @Test("a correction replaces the amount; the original stays in the journal")
    func correctAmount() throws {
        let s = try registered()
        let out = try s.run(["correct", "Y2024620000001", "--field", "amount", "--value", "2,100", "--unit", "wan", "--reason", "银行更正"])
        #expect(out.code == 0, "\(out.stderr)")
        #expect(out.stdout.contains("amount: 2,000.00 万元 → 2,100.00 万元"), "\(out.stdout)")
        #expect(try s.sqlite("SELECT amount_fen FROM registrations") == "2100000000")
        #expect(try s.sqlite("SELECT json_extract(payload, '$.data.amountFen') FROM entries WHERE seq = 3") == "2000000000")
        #expect(try s.sqlite("SELECT registrations, amount_fen FROM monthly_totals") == "1|2100000000")
    }

    @Test("correcting the park moves the prefecture with it")
    func correctPark() throws {
        let s = try registered()
        let out = try s.run(["correct", "Y2024620000001", "--field", "park", "--value", "白银高新区", "--reason", "园区录错"])
        #expect(out.code == 0, "\(out.stderr)")
        #expect(try s.sqlite("SELECT park, prefecture_code FROM registrations") == "白银高新技术产业开发区|620400")
        #expect(try s.sqlite("SELECT prefecture_code, park FROM monthly_totals") == "620400|白银高新技术产业开发区")
    }

    @Test("bad corrections: message, exit code, ledger unchanged", arguments: [
        (["--field", "amount", "--value", "abc", "--unit", "wan"], Int32(65), "--value (amount): value \"abc\""),
        (["--field", "date", "--value", "2099-01-01"], 65, "after today"),
        (["--field", "uscc", "--value", "914403001922038215"], 65, "check character"),
        (["--field", "amount", "--value", "5"], 65, "no unit"),
        (["--field", "amount", "--value", "5万", "--unit", "yuan"], 65, "written in wan (万元) but the unit given is yuan (元)"),
        (["--field", "reg-no", "--value", "X"], 64, "cannot be corrected"),
        (["--field", "colour", "--value", "red"], 64, "colour"),
        (["--field", "bank", "--value", "兰州银行"], 73, "changes nothing"),
    ])
    func badCorrections(args: [String], code: Int32, message: String) throws {
        let s = try registered()
        let before = try s.snapshot()
        let out = try s.run(["correct", "Y2024620000001"] + args + ["--reason", "r"])
        #expect(out.code == code)
        #expect(out.stderr.contains(message), "\(out.stderr)")
        #expect(try s.snapshot() == before)
    }

    @Test("void removes it from the statistic; the journal keeps it; a second void conflicts")
    func void() throws {
        let s = try registered()
        #expect(try s.run(["void", "Y2024620000001", "--reason", "重复录入"]).code == 0)
        #expect(try s.sqlite("SELECT status FROM registrations") == "void")
        #expect(try s.sqlite("SELECT count(*) FROM monthly_totals") == "0")
        #expect(try s.sqlite("SELECT count(*) FROM entries") == "4")
        let before = try s.snapshot()
        let again = try s.run(["void", "Y2024620000001", "--reason", "again"])
        #expect(again.code == 73)
        #expect(again.stderr.contains("already void"))
        #expect(try s.snapshot() == before)
    }

    @Test("release, default and extend change the state, never the statistic")
    func lifecycle() throws {
        let s = try registered()
        #expect(try s.run(["extend", "Y2024620000001", "--maturity", "2027-03-05"]).code == 0)
        #expect(try s.run(["default", "Y2024620000001", "--date", "2025-03-05"]).code == 0)
        #expect(try s.run(["release", "Y2024620000001", "--date", "2025-06-01", "--reason", "other"]).code == 0)
        #expect(try s.sqlite("SELECT status, status_date, maturity FROM registrations") == "released|2025-06-01|2027-03-05")
        #expect(try s.sqlite("SELECT amount_fen FROM monthly_totals") == "2000000000")
    }

    @Test("bad lifecycle commands: message, exit code, ledger unchanged", arguments: [
        (["release", "NOPE", "--date", "2025-01-01"], Int32(65), "登记号 NOPE is not in the ledger"),
        (["release", "Y2024620000001", "--date", "2099-01-01"], 65, "after today"),
        (["release", "Y2024620000001", "--date", "2024-03-04"], 65, "before the registration date"),
        (["release", "Y2024620000001", "--date", "2025-01-01", "--reason", "gift"], 64, "gift"),
        (["default", "Y2024620000001", "--date", "2024-02-30"], 65, "real date"),
        (["extend", "Y2024620000001", "--maturity", "2024-01-01"], 65, "before the registration date"),
        (["void", "Y2024620000001", "--reason", ""], 64, "--reason"),
        (["void", "NOPE", "--reason", "x"], 65, "not in the ledger"),
    ])
    func badLifecycle(args: [String], code: Int32, message: String) throws {
        let s = try registered()
        let before = try s.snapshot()
        let out = try s.run(args)
        #expect(out.code == code)
        #expect(out.stderr.contains(message), "\(out.stderr)")
        #expect(try s.snapshot() == before)
    }

    @Test("a released registration cannot default or be released again")
    func transitions() throws {
        let s = try registered()
        #expect(try s.run(["release", "Y2024620000001", "--date", "2025-01-01"]).code == 0)
        let before = try s.snapshot()
        #expect(try s.run(["default", "Y2024620000001", "--date", "2025-02-01"]).code == 73)
        #expect(try s.run(["release", "Y2024620000001", "--date", "2025-02-01"]).code == 73)
        #expect(try s.snapshot() == before)
    }

    @Test("show prints the current state; JSON has fen and 万元")
    func show() throws {
        let s = try registered()
        let table = try s.run(["show", "Y2024620000001"])
        #expect(table.code == 0)
        #expect(table.stdout.contains("2,000.00 万元"))
        #expect(table.stdout.contains("兰州市 (620100)"))
        let json = try s.run(["show", "Y2024620000001", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(object["amountFen"] as? Int == 2_000_000_000)
        #expect(object["amountWan"] as? String == "2000.00")
        #expect(object["status"] as? String == "active")
        let missing = try s.run(["show", "NOPE"])
        #expect(missing.code == 65)
    }

    @Test("history lists every entry with operator, changes and reason")
    func history() throws {
        let s = try registered()
        try s.run(["correct", "Y2024620000001", "--field", "amount", "--value", "2100", "--unit", "wan", "--reason", "银行更正"], env: [:])
        try s.run(["--operator", "clerk2", "void", "Y2024620000001", "--reason", "重复"], withDB: false, env: ["PLEDGE_DB": s.db])
        let out = try s.run(["history", "Y2024620000001"])
        #expect(out.code == 0)
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[3].contains("correct") && lines[3].contains("2,000.00 万元 → 2,100.00 万元") && lines[3].contains("银行更正"))
        #expect(lines[4].contains("clerk2") && lines[4].contains("void") && lines[4].contains("重复"))
        let json = try s.run(["history", "Y2024620000001", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: [[String: Any]]]
        #expect(object["entries"]?.map { $0["seq"] as? Int } == [3, 4, 5])
    }
}
