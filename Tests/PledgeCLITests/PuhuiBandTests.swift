import Foundation
import Testing

/// The 普惠 band (registrations under 1,000 万元) in `report progress` and `report monthly --by puhui`, each figure
/// reproduced with sqlite3; the boundary: 1,000 万元 exactly is outside the band, 999.99 万元 inside.
@Suite("普惠 band in the reports")
struct PuhuiBandTests {
    func json(_ s: CLISandbox, _ args: [String]) throws -> [String: Any] {
        let out = try s.run(args + ["--format", "json"])
        #expect(out.code == 0, "\(out.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
    }

    @Test("progress and monthly: the band's count and amount are the rows under 1,000 万元; 1,000 万元 itself is outside")
    func band() throws {
        let s = try CLISandbox()
        for (regNo, amount) in [("Y2024620000001", "1000"), ("Y2024620000002", "999.99"), ("Y2024620000003", "20"), ("Y2024620000004", "3000")] {
            let args = s.registerArgs(replacing: "--reg-no", with: regNo)
            let out = try s.run(args.enumerated().map { $0.offset > 0 && args[$0.offset - 1] == "--amount" ? amount : $0.element })
            #expect(out.code == 0, "\(out.stderr)")
        }
        #expect(try s.run(["void", "Y2024620000003", "--reason", "重复登记"]).code == 0)
        let progress = try json(s, ["report", "progress", "--as-of", "2025-12-31"])
        #expect((progress["puhuiRegistrations"] as? Int) == 1 && (progress["puhuiFen"] as? NSNumber)?.int64Value == 999_990_000)
        let sql = try s.sqlite("SELECT count(*) || ' ' || sum(amount_fen) FROM registrations WHERE status != 'void' AND amount_fen < 1000000000")
        #expect(sql == "1 999990000")

        let monthly = try json(s, ["report", "monthly", "--by", "puhui", "--from", "2024-03", "--to", "2024-03"])
        let rows = try #require(monthly["rows"] as? [[String: Any]])
        let byGroup = Dictionary(uniqueKeysWithValues: rows.map { ($0["group"] as! String, ($0["amountFen"] as! NSNumber).int64Value) })
        #expect(byGroup == ["yes": 999_990_000, "no": 4_000_000_000])
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("--by puhui with --as-closed is refused: a closed month froze no band (65, both languages)")
    func asClosed() throws {
        let s = try CLISandbox()
        for (lang, words) in [("en", "closed months froze no amount band"), ("zh", "关账时未按金额分档冻结")] {
            let out = try s.run(["--lang", lang, "report", "monthly", "--by", "puhui", "--as-closed"])
            #expect(out.code == 65 && out.stderr.contains(words), "\(out.stderr)")
        }
    }
}
