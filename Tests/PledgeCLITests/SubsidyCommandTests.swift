import Foundation
import Testing

/// `subsidy policy set`, `subsidy compute`, `subsidy pay` and `report subsidy` through the built `pledge`, on the sample
/// ledger; every figure checked against a computation in the test (Foundation's calendar and Decimal) from the rows
/// sqlite3 reads.
@Suite("subsidies through the CLI")
struct SubsidyCommandTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../SampleData/registrations.csv").standardizedFileURL.path

    func sampleLedger() throws -> CLISandbox {
        let s = try CLISandbox()
        let out = try s.run(["import", Self.sample])
        #expect(out.code == 0, "\(out.stderr)")
        let policy = try s.run(["subsidy", "policy", "set", "2025贴息", "--share", "50%", "--cap", "5", "--unit", "wan", "--year", "2025", "--only", "rywq"])
        #expect(policy.code == 0, "\(policy.stderr)")
        return s
    }

    func json(_ s: CLISandbox, _ args: [String]) throws -> [String: Any] {
        let out = try s.run(args + ["--format", "json"])
        #expect(out.code == 0, "\(out.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
    }

    /// The subsidy each enterprise is due, computed here from the registrations as sqlite3 reads them.
    func expected(_ s: CLISandbox, year: Int, shareBP: Int, capFen: Int64) throws -> [String: Int64] {
        let rows = try s.sqlite("""
            SELECT uscc, amount_fen, rate, reg_date, CASE WHEN status IN ('released', 'defaulted') THEN status_date ELSE '' END, coalesce(maturity, ''),
                   coalesce(defaulted_on, '')
            FROM registrations WHERE status != 'void' AND rate IS NOT NULL AND rywq = 1 AND reg_date <= '\(year)-12-31'
            """).split(separator: "\n")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let f = DateFormatter()
        (f.calendar, f.timeZone, f.dateFormat) = (calendar, calendar.timeZone, "yyyy-MM-dd")
        func halfUp(_ d: Decimal) -> Int64 {
            var x = d, r = Decimal()
            NSDecimalRound(&r, &x, 0, .plain)
            return NSDecimalNumber(decimal: r).int64Value
        }
        let first = f.date(from: "\(year)-01-01")!, next = f.date(from: "\(year + 1)-01-01")!
        var due: [String: Int64] = [:]
        for row in rows {
            let c = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let ends = [c[4], c[5], c[6]].filter { !$0.isEmpty }.map { f.date(from: $0)! } + [next]
            let start = max(f.date(from: c[3])!, first)
            let days = max(0, calendar.dateComponents([.day], from: start, to: ends.min()!).day!)
            guard days > 0 else { continue }
            let interest = halfUp(Decimal(Int64(c[1])!) * Decimal(string: c[2])! / 100 * Decimal(days) / 365)
            due[c[0], default: 0] += halfUp(Decimal(interest) * Decimal(shareBP) / 10_000)
        }
        return due.mapValues { min($0, capFen) }
    }

    @Test("compute: every enterprise's due equals the test's own computation; the total is their sum")
    func compute() throws {
        let s = try sampleLedger()
        let doc = try json(s, ["subsidy", "compute", "--policy", "2025贴息"])
        let enterprises = try #require(doc["enterprises"] as? [[String: Any]])
        let due = Dictionary(uniqueKeysWithValues: enterprises.map { ($0["uscc"] as! String, ($0["dueFen"] as! NSNumber).int64Value) })
        let want = try expected(s, year: 2025, shareBP: 5000, capFen: 5_000_000)
        #expect(!want.isEmpty && due == want)
        #expect((doc["totalDueFen"] as? NSNumber)?.int64Value == want.values.reduce(0, +))
        #expect(enterprises.contains { ($0["dueBeforeCapFen"] as! NSNumber).int64Value > ($0["dueFen"] as! NSNumber).int64Value }, "the cap binds somewhere")
    }

    @Test("pay: recorded, reported as paid per enterprise and bank, then refused past what is due (73, zh and en, nothing written)")
    func pay() throws {
        let s = try sampleLedger()
        let doc = try json(s, ["subsidy", "compute", "--policy", "2025贴息"])
        let first = try #require((doc["enterprises"] as? [[String: Any]])?.first)
        let uscc = first["uscc"] as! String, dueFen = (first["dueFen"] as! NSNumber).int64Value
        let part = dueFen / 2
        let paid = try s.run(["subsidy", "pay", uscc, "--policy", "2025贴息", "--amount", String(Double(part) / 100), "--unit", "yuan", "--date", "2025-12-20"])
        #expect(paid.code == 0, "\(paid.stderr)")
        #expect(try s.sqlite("SELECT sum(amount_fen) FROM subsidy_payments WHERE policy = '2025贴息' AND uscc = '\(uscc)'") == String(part))
        let byBank = try json(s, ["report", "subsidy", "--policy", "2025贴息", "--by", "bank"])
        #expect((byBank["totalPaidFen"] as? NSNumber)?.int64Value == part)
        #expect((byBank["totalDueFen"] as? NSNumber)?.int64Value == (doc["totalDueFen"] as? NSNumber)?.int64Value)
        let rows = try #require(byBank["rows"] as? [[String: Any]])
        #expect(rows.reduce(Int64(0)) { $0 + ($1["dueFen"] as! NSNumber).int64Value } == (doc["totalDueFen"] as! NSNumber).int64Value)

        let page = try s.run(["--lang", "zh", "report", "subsidy", "--policy", "2025贴息", "--by", "bank", "--format", "html"])
        let totalDue = Double((doc["totalDueFen"] as! NSNumber).int64Value) / 100
        #expect(page.code == 0 && page.stdout.lowercased().hasPrefix("<!doctype html") && page.stdout.contains(String(format: "%.2f", Double(part) / 100).suffix(6)))
        #expect(page.stdout.contains("贴息测算") && page.stdout.contains(String(format: "%.2f", totalDue).suffix(6)), "\(page.stdout.prefix(600))")

        let before = try s.snapshot()
        let over = String(Double(dueFen - part + 1) / 100)
        for (lang, words) in [("en", "would pass what is due"), ("zh", "将超过应贴息额")] {
            let out = try s.run(["--lang", lang, "subsidy", "pay", uscc, "--policy", "2025贴息", "--amount", over, "--unit", "yuan", "--date", "2025-12-21"])
            #expect(out.code == 73 && out.stderr.contains(words), "\(out.stderr)")
        }
        #expect(try s.snapshot() == before)
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("bad input: a clear message in both languages, the exit code, nothing written", arguments: [
        (["subsidy", "policy", "set", "x", "--share", "120%", "--year", "2025"], 65, "--share: value \"120%\"", "0 到 100 之间的百分比"),
        (["subsidy", "policy", "set", "x", "--share", "50%", "--year", "1999"], 65, "--year: value \"1999\"", "2000 至 2100"),
        (["subsidy", "policy", "set", "x", "--share", "50%", "--year", "2025", "--cap=-5", "--unit", "wan"], 65, "--cap", "--cap"),
        (["subsidy", "pay", "91620100MA71234567", "--policy", "nope", "--amount", "1", "--unit", "yuan", "--date", "2025-01-01"], 65,
         "no subsidy policy named nope", "没有名为 nope 的贴息政策"),
        (["subsidy", "pay", "916201", "--policy", "2025贴息", "--amount", "1", "--unit", "yuan", "--date", "2025-01-01"], 65, "18", "18"),
        (["subsidy", "pay", "91620100MA71234567", "--policy", "2025贴息", "--amount", "0", "--unit", "yuan", "--date", "2025-01-01"], 65, "--amount", "--amount"),
        (["subsidy", "compute", "--policy", "2025贴息", "--format", "xlsx"], 64, "--format xlsx needs --output", "--format xlsx 需要 --output"),
    ] as [([String], Int32, String, String)])
    func refused(args: [String], code: Int32, en: String, zh: String) throws {
        let s = try CLISandbox()
        #expect(try s.run(["subsidy", "policy", "set", "2025贴息", "--share", "50%", "--year", "2025"]).code == 0)
        let before = try s.snapshot()
        for (lang, words) in [("en", en), ("zh", zh)] {
            let out = try s.run(["--lang", lang] + args)
            #expect(out.code == code && out.stderr.contains(words), "\(lang): \(out.code) \(out.stderr)")
        }
        #expect(try s.snapshot() == before)
    }

    @Test("the rows report subsidy reads stay equal to the test's computation through every kind of write, and audit verify agrees")
    func keptThroughWrites() throws {
        let s = try CLISandbox()
        // The policy before any registration: a first load computes it at its end.
        #expect(try s.run(["subsidy", "policy", "set", "2025贴息", "--share", "50%", "--cap", "5", "--unit", "wan", "--year", "2025", "--only", "rywq"]).code == 0)
        let lines = try String(contentsOfFile: Self.sample, encoding: .utf8).split(whereSeparator: \.isNewline)
        let half = s.directory.appendingPathComponent("half.csv").path
        try (lines.prefix(1001).joined(separator: "\n") + "\n").write(toFile: half, atomically: true, encoding: .utf8)
        var share = 5000
        func agrees(_ step: String) throws {
            let want = try expected(s, year: 2025, shareBP: share, capFen: 5_000_000)
            let doc = try json(s, ["report", "subsidy", "--policy", "2025贴息", "--by", "enterprise"])
            let rows = try #require(doc["rows"] as? [[String: Any]])
            let due = Dictionary(uniqueKeysWithValues: rows.filter { ($0["loans"] as! Int) > 0 }.map { ($0["group"] as! String, ($0["dueFen"] as! NSNumber).int64Value) })
            #expect(!want.isEmpty && due == want, "\(step)")
            let paid = rows.reduce(Int64(0)) { $0 + ($1["paidFen"] as! NSNumber).int64Value }
            #expect(String(paid) == (try s.sqlite("SELECT coalesce(sum(amount_fen), 0) FROM subsidy_payments")), "\(step)")
            for by in ["park", "bank"] {
                let g = try json(s, ["report", "subsidy", "--policy", "2025贴息", "--by", by])
                let sum = (g["rows"] as! [[String: Any]]).reduce(Int64(0)) { $0 + ($1["dueFen"] as! NSNumber).int64Value }
                #expect(sum == want.values.reduce(0, +) && (g["totalDueFen"] as! NSNumber).int64Value == sum, "\(step) by \(by)")
            }
            let verified = try s.run(["--read-only", "audit", "verify"])
            #expect(verified.code == 0, "\(step): \(verified.stdout)")
        }
        #expect(try s.run(["import", half]).code == 0)
        try agrees("first load")
        #expect(try s.run(["import", Self.sample]).code == 0)
        try agrees("second load")
        let picked = try s.sqlite("""
            SELECT reg_no FROM registrations WHERE status = 'active' AND rywq = 1 AND rate IS NOT NULL AND reg_date <= '2025-06-30'
              AND (maturity IS NULL OR maturity > '2025-10-01') ORDER BY reg_no LIMIT 5
            """).split(whereSeparator: \.isNewline).map(String.init)
        try #require(picked.count == 5)
        let other = try s.sqlite("SELECT uscc FROM registrations WHERE uscc <> (SELECT uscc FROM registrations WHERE reg_no = '\(picked[4])') LIMIT 1")
        for (args, step) in [(["correct", picked[0], "--field", "amount", "--value", "3000", "--unit", "wan", "--reason", "银行更正"], "amount corrected"),
                             (["release", picked[1], "--date", "2025-08-01"], "released"), (["void", picked[2], "--reason", "重复"], "void"),
                             (["default", picked[3], "--date", "2025-09-01"], "defaulted"),
                             (["release", picked[3], "--date", "2025-11-01"], "released after its default"),
                             (["correct", picked[4], "--field", "uscc", "--value", other, "--reason", "企业更正"], "moved to another enterprise"),
                             (s.registerArgs(replacing: "--date", with: "2025-03-01") + ["--rate", "4.2"], "registered")] {
            let out = try s.run(args)
            #expect(out.code == 0, "\(step): \(out.stderr)")
            try agrees(step)
        }
        let first = try #require(try json(s, ["subsidy", "compute", "--policy", "2025贴息"])["enterprises"] as? [[String: Any]]).first!
        #expect(try s.run(["subsidy", "pay", first["uscc"] as! String, "--policy", "2025贴息", "--amount", "10", "--unit", "yuan", "--date", "2025-12-20"]).code == 0)
        try agrees("paid")
        share = 3000
        #expect(try s.run(["subsidy", "policy", "set", "2025贴息", "--share", "30%", "--cap", "5", "--unit", "wan", "--year", "2025", "--only", "rywq"]).code == 0)
        try agrees("policy replaced")

        // An edited row is named.
        _ = try s.sqlite("UPDATE subsidy_lines SET due_fen = due_fen + 1 WHERE dimension = 'park' AND grp = (SELECT min(grp) FROM subsidy_lines WHERE dimension = 'park')")
        let out = try s.run(["--read-only", "audit", "verify"])
        #expect(out.code == 1 && out.stdout.contains("subsidy_lines") && out.stdout.contains("differs"), "\(out.stdout)")
    }

    @Test("a ledger from before 015_subsidy_lines with a policy, a payment and a loan released after its default: the upgrade computes its rows")
    func upgrade() throws {
        let s = try sampleLedger()
        let uscc = try #require(try json(s, ["subsidy", "compute", "--policy", "2025贴息"])["enterprises"] as? [[String: Any]]).first!["uscc"] as! String
        #expect(try s.run(["subsidy", "pay", uscc, "--policy", "2025贴息", "--amount", "10", "--unit", "yuan", "--date", "2025-12-20"]).code == 0)
        let reg = try s.sqlite("""
            SELECT reg_no FROM registrations WHERE status = 'active' AND rywq = 1 AND rate IS NOT NULL AND reg_date <= '2025-01-01'
              AND maturity > '2025-12-31' ORDER BY reg_no LIMIT 1
            """)
        #expect(try s.run(["default", reg, "--date", "2025-03-01"]).code == 0)
        #expect(try s.run(["release", reg, "--date", "2025-10-01"]).code == 0)
        let kept = try s.sqlite("SELECT * FROM subsidy_lines ORDER BY policy, dimension, grp")
        #expect(kept.split(whereSeparator: \.isNewline).count > 20)
        #expect(try s.sqlite("SELECT defaulted_on FROM registrations WHERE reg_no = '\(reg)'") == "2025-03-01")
        _ = try s.sqlite("""
            DROP TABLE subsidy_lines; ALTER TABLE registrations DROP COLUMN defaulted_on;
            DELETE FROM grdb_migrations WHERE identifier = '015_subsidy_lines'
            """)
        let verified = try s.run(["audit", "verify"])
        #expect(verified.code == 0, "\(verified.stdout)")
        #expect(try s.sqlite("SELECT defaulted_on FROM registrations WHERE reg_no = '\(reg)'") == "2025-03-01", "the default date, from the journal")
        #expect(try s.sqlite("SELECT * FROM subsidy_lines ORDER BY policy, dimension, grp") == kept)
    }

    @Test("audit verify: an edited payment row, and a payment entry raised past what was due with its chain re-hashed, are refused")
    func tampered() throws {
        let s = try sampleLedger()
        let doc = try json(s, ["subsidy", "compute", "--policy", "2025贴息"])
        let first = try #require((doc["enterprises"] as? [[String: Any]])?.first)
        let uscc = first["uscc"] as! String, dueFen = (first["dueFen"] as! NSNumber).int64Value
        #expect(try s.run(["subsidy", "pay", uscc, "--policy", "2025贴息", "--amount", "100", "--unit", "yuan", "--date", "2025-12-20"]).code == 0)
        let seq = Int(try s.sqlite("SELECT max(seq) FROM entries"))!
        let guards = "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON; DROP TRIGGER IF EXISTS entries_no_update; "

        _ = try s.sqlite(guards + "UPDATE subsidy_payments SET amount_fen = 20000")
        var out = try s.run(["--read-only", "audit", "verify"])
        #expect(out.code == 1 && out.stdout.contains("subsidy_payments \(seq): differs"), "\(out.stdout)")

        _ = try s.sqlite(guards + """
            UPDATE subsidy_payments SET amount_fen = \(dueFen + 1);
            UPDATE entries SET payload = replace(payload, '"amountFen":10000', '"amountFen":\(dueFen + 1)') WHERE seq = \(seq)
            """)
        let hash = try s.execute("/bin/sh", ["-c", "sqlite3 '\(s.db)' 'SELECT prev_hash || payload FROM entries WHERE seq = \(seq)' | head -c -1 | sha256sum"]).stdout.prefix(64)
        _ = try s.sqlite(guards + "UPDATE entries SET hash = '\(hash)' WHERE seq = \(seq)")
        out = try s.run(["--read-only", "audit", "verify"])
        #expect(out.code == 1 && out.stdout.contains("entry \(seq): the payment to \(uscc) under 2025贴息 passed what was due"), "\(out.stdout)")
        #expect(!out.stdout.contains("hash does not match"))
    }
}
