import Foundation
import Testing

/// What an auditor asks of `query` beyond parks and banks, checked against sqlite3 on the same ledger.
@Suite("query by branch, enterprise name and amount")
struct AuditorConvenienceTests {
    func totals(_ s: CLISandbox, _ args: [String]) throws -> (Int, Int64) {
        let out = try s.run(["--read-only", "query", "--format", "json"] + args)
        #expect(out.code == 0, "\(out.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
        let t = doc["totals"] as! [String: Any]
        return ((t["registrations"] as! NSNumber).intValue, (t["amountFen"] as! NSNumber).int64Value)
    }

    @Test("each new filter matches sqlite3's answer, alone and combined with a park")
    func filters() throws {
        let s = try CLISandbox(initialize: false)
        #expect(try s.run(["demo", "--loans", "400", "--seed", "7"]).code == 0)
        let branch = try s.sqlite("SELECT substr(branch, 1, 2) FROM registrations WHERE branch IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        let name = try s.sqlite("SELECT substr(enterprise, 3, 2) FROM registrations GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        let park = try s.sqlite("SELECT park FROM registrations WHERE park IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        let cases: [([String], String)] = [
            (["--branch", branch], "instr(branch, '\(branch)') > 0"),
            (["--enterprise-name", name], "instr(enterprise, '\(name)') > 0"),
            (["--min-amount", "500"], "amount_fen >= 500000000"),
            (["--min-amount", "0.1亿"], "amount_fen >= 1000000000"),
            (["--min-amount", "300000元"], "amount_fen >= 30000000"),
            (["--min-amount", "500万", "--park", park], "amount_fen >= 500000000 AND park = '\(park)'"),
        ]
        for (args, condition) in cases {
            let expected = try s.sqlite("SELECT count(*) || '|' || coalesce(sum(CASE WHEN status <> 'void' THEN amount_fen END), 0) FROM registrations WHERE \(condition)")
            let (n, fen) = try totals(s, args)
            #expect("\(n)|\(fen)" == expected, "\(args)")
            #expect(n > 0, "\(args) matches nothing: the case proves nothing")
        }
    }

    @Test("bad filter values: exit 65 with the rule in zh and en, nothing listed", arguments: [
        (["--min-amount", "abc"], "expected a decimal number", "应为数字"),
        (["--min-amount", "5亿", "--branch", ""], "is required", "为必填项"),
        (["--enterprise-name", "甲\u{1}"], "control characters", "不能含控制字符"),
    ])
    func badValues(args: [String], en: String, zh: String) throws {
        let s = try CLISandbox()
        for (lang, message) in [("en", en), ("zh", zh)] {
            let out = try s.run(["--lang", lang, "query"] + args)
            #expect(out.code == 65)
            #expect(out.stderr.contains(message), "\(out.stderr)")
            #expect(out.stdout.isEmpty)
        }
    }
}
