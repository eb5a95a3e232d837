import Foundation
import Testing

/// `pool set|contribute`, `dispose`, `loss` and `report pool` through the built `pledge`: the figures against the
/// rows sqlite3 reads, every refusal in both languages with nothing written, and tampering found by `audit verify`.
@Suite("risk pools, disposals and losses through the CLI")
struct PoolCommandTests {
    /// Two 2,000 万元 registrations in 兰州高新区, one defaulted on 2024-09-30; a 40 : 60 pool of 300 万元 over the park,
    /// capped at 500 万元 per loan.
    func ledger() throws -> CLISandbox {
        let s = try CLISandbox()
        for args in [s.registerArgs, s.registerArgs(replacing: "--reg-no", with: "Y2024620000002")] { #expect(try s.run(args).code == 0) }
        for args in [["default", "Y2024620000001", "--date", "2024-09-30"],
                     ["pool", "set", "高新区风险池", "--fund", "40%", "--bank", "60%", "--cap-per-loan", "500", "--unit", "wan", "--park", "兰州高新区"],
                     ["pool", "contribute", "高新区风险池", "--amount", "300", "--unit", "wan", "--date", "2024-01-15", "--from", "兰州高新区财政局"]] {
            let out = try s.run(args)
            #expect(out.code == 0, "\(args) \(out.stderr)")
        }
        return s
    }

    func report(_ s: CLISandbox) throws -> [String: Any] {
        let out = try s.run(["report", "pool", "--pool", "高新区风险池", "--format", "json"])
        #expect(out.code == 0, "\(out.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
    }

    func fen(_ any: Any?) -> Int64? { (any as? NSNumber)?.int64Value }

    @Test("a disposal and a loss: 2,000 万元 less 1,200 万元 recovered; the fund owes 320 万元, its balance pays 300 万元, 20 万元 stay owed")
    func endToEnd() throws {
        let s = try ledger()
        #expect(try s.run(["dispose", "Y2024620000001", "--route", "auction", "--recovered", "1200", "--unit", "wan", "--date", "2024-12-20"]).code == 0)
        let loss = try s.run(["loss", "Y2024620000001", "--pool", "高新区风险池", "--date", "2025-01-10"])
        #expect(loss.code == 0, "\(loss.stderr)")
        let doc = try report(s)
        let losses = try #require(doc["losses"] as? [[String: Any]])
        // 800 万元 lost: the fund's 40 % is 320 万元 (within the 500 万元 cap), the bank 480 万元; the balance pays 300.
        #expect(fen(losses.first?["lossFen"]) == 800_000_000 && fen(losses.first?["fundShareFen"]) == 320_000_000 && fen(losses.first?["bankShareFen"]) == 480_000_000)
        #expect(fen(losses.first?["paidFen"]) == 300_000_000 && fen(losses.first?["owedFen"]) == 20_000_000)
        // The same figures with sqlite3.
        let contributions = Int64(try s.sqlite("SELECT sum(amount_fen) FROM pool_contributions WHERE pool = '高新区风险池'"))
        let payouts = Int64(try s.sqlite("SELECT sum(paid_fen) FROM pool_losses WHERE pool = '高新区风险池'"))
        let owed = Int64(try s.sqlite("SELECT sum(owed_fen) FROM pool_losses WHERE pool = '高新区风险池'"))
        let covered = Int64(try s.sqlite("SELECT sum(amount_fen) FROM registrations WHERE park = (SELECT park FROM pools) AND status IN ('active', 'defaulted')"))
        #expect(fen(doc["contributionsFen"]) == contributions && fen(doc["payoutsFen"]) == payouts && fen(doc["owedFen"]) == owed)
        #expect(fen(doc["balanceFen"]) == 0 && fen(doc["coveredFen"]) == covered && covered == 4_000_000_000)
        #expect((doc["leverage"] as? NSNumber)?.doubleValue == 13.33, "4,000 万元 covered ÷ 300 万元")
        #expect(try s.run(["audit", "verify"]).code == 0)
        let page = try s.run(["--lang", "zh", "report", "pool", "--pool", "高新区风险池", "--format", "html"])
        #expect(page.code == 0 && page.stdout.contains("损失分担") && page.stdout.contains("3,000,000.00") && page.stdout.contains("200,000.00"), "\(page.stdout.prefix(600))")
        let book = s.directory.appendingPathComponent("pool.xlsx").path
        #expect(try s.run(["report", "pool", "--pool", "高新区风险池", "--format", "xlsx", "--output", book]).code == 0)
        #expect(FileManager.default.fileExists(atPath: book))
    }

    @Test("refused with a message in both languages and its exit code, nothing written", arguments: [
        (["pool", "set", "p", "--fund", "40%", "--bank", "50%"], 65, "the shares must add up to 100%, not 90%", "各方比例之和应为 100%，现为 90%"),
        (["pool", "set", "p", "--fund", "40%", "--bank", "60%", "--cap-per-loan=-1", "--unit", "wan"], 65, "--cap-per-loan", "--cap-per-loan"),
        (["loss", "Y2024620000002", "--pool", "高新区风险池", "--date", "2025-01-10"], 73, "only a defaulted registration", "只有违约的登记"),
        (["dispose", "Y2024620000001", "--route", "sale", "--recovered", "1", "--unit", "wan", "--date", "2024-09-01"], 65,
         "before its default on 2024-09-30", "早于违约日期 2024-09-30"),
        (["loss", "Y2024620000001", "--pool", "nope", "--date", "2025-01-10"], 65, "no risk-compensation pool named nope", "没有名为 nope 的风险补偿资金池"),
        (["loss", "Y2024620000001", "--pool", "高新区风险池", "--date", "2025-01-10", "--principal", "3000", "--unit", "wan"], 65,
         "--principal must be above 0", "--principal 应大于 0"),
        (["pool", "contribute", "nope", "--amount", "1", "--unit", "wan", "--date", "2024-01-15", "--from", "x"], 65, "no risk-compensation pool", "没有名为"),
    ] as [([String], Int32, String, String)])
    func refused(args: [String], code: Int32, en: String, zh: String) throws {
        let s = try ledger()
        let before = try s.snapshot()
        for (lang, words) in [("en", en), ("zh", zh)] {
            let out = try s.run(["--lang", lang] + args)
            #expect(out.code == code && out.stderr.contains(words), "\(lang): \(out.code) \(out.stderr)")
        }
        #expect(try s.snapshot() == before)
    }

    @Test("a second loss on one registration is refused (73)")
    func claimedTwice() throws {
        let s = try ledger()
        #expect(try s.run(["loss", "Y2024620000001", "--pool", "高新区风险池", "--date", "2025-01-10", "--principal", "100", "--unit", "wan"]).code == 0)
        let before = try s.snapshot()
        let again = try s.run(["--lang", "zh", "loss", "Y2024620000001", "--pool", "高新区风险池", "--date", "2025-01-11"])
        #expect(again.code == 73 && again.stderr.contains("已分担过损失"), "\(again.stderr)")
        #expect(try s.snapshot() == before)
    }

    @Test("audit verify: an edited payout, and a disposal moved before the default with its chain re-hashed, are refused")
    func tampered() throws {
        let s = try ledger()
        #expect(try s.run(["dispose", "Y2024620000001", "--route", "agreement", "--recovered", "1500", "--unit", "wan", "--date", "2024-12-20"]).code == 0)
        #expect(try s.run(["loss", "Y2024620000001", "--pool", "高新区风险池", "--date", "2025-01-10"]).code == 0)
        let guards = "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON; DROP TRIGGER IF EXISTS entries_no_update; "
        _ = try s.sqlite(guards + "UPDATE pool_losses SET paid_fen = paid_fen + 1")
        var out = try s.run(["--read-only", "audit", "verify"])
        #expect(out.code == 1 && out.stdout.contains("pool_losses Y2024620000001: differs"), "\(out.stdout)")

        let seq = Int(try s.sqlite("SELECT seq FROM entries WHERE kind = 'dispose'"))!
        _ = try s.sqlite(guards + "UPDATE pool_losses SET paid_fen = paid_fen - 1; UPDATE disposals SET disposed_on = '2024-09-01'; "
                         + "UPDATE entries SET payload = replace(payload, '2024-12-20', '2024-09-01') WHERE seq = \(seq)")
        let hash = try s.execute("/bin/sh", ["-c", "sqlite3 '\(s.db)' 'SELECT prev_hash || payload FROM entries WHERE seq = \(seq)' | head -c -1 | sha256sum"]).stdout.prefix(64)
        _ = try s.sqlite(guards + "UPDATE entries SET hash = '\(hash)' WHERE seq = \(seq); UPDATE entries SET prev_hash = '\(hash)' WHERE seq = \(seq + 1)")
        out = try s.run(["--read-only", "audit", "verify"])
        #expect(out.code == 1 && out.stdout.contains("entry \(seq): the date 2024-09-01 is before its default on 2024-09-30"), "\(out.stdout)")
    }
}
