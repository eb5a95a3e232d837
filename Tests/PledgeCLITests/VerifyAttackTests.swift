import Foundation
import Testing

/// Ledgers an attacker edits with the plain `sqlite3` tool, re-hashing the chain where the edit needs it: `audit verify`
/// must refuse each (exit 1), naming the entry or the row.
@Suite("audit verify refuses what an attacker with sqlite3 can do")
struct VerifyAttackTests {
    /// A ledger with a registration, a closed month and a late registration in it, a release and an extension.
    func ledger() throws -> CLISandbox {
        let s = try CLISandbox()
        #expect(try s.run(s.registerArgs).code == 0)
        #expect(try s.run(["period", "close", "2024-03"]).code == 0)
        #expect(try s.run(s.registerArgs(replacing: "--reg-no", with: "LATE-1") + ["--late", "--reason", "补录"]).code == 0)
        #expect(try s.run(["release", "Y2024620000001", "--date", "2024-06-01"]).code == 0)
        #expect(try s.run(["audit", "verify"]).code == 0)
        return s
    }

    /// Runs `sql` with the guards off (journal triggers dropped, foreign keys and CHECKs ignored).
    func tamper(_ s: CLISandbox, _ sql: String) throws {
        _ = try s.sqlite("PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON; DROP TRIGGER IF EXISTS entries_no_update; " + sql)
    }

    /// Sets entry `seq`'s hash to SHA-256(prev_hash ‖ payload) again, and the next entry's link to it.
    func rehash(_ s: CLISandbox, seq: Int) throws {
        let hash = try s.execute("/bin/sh", ["-c", "sqlite3 '\(s.db)' 'SELECT prev_hash || payload FROM entries WHERE seq = \(seq)' | head -c -1 | sha256sum"])
            .stdout.prefix(64)
        try tamper(s, "UPDATE entries SET hash = '\(hash)' WHERE seq = \(seq); UPDATE entries SET prev_hash = '\(hash)' WHERE seq = \(seq + 1)")
    }

    func refused(_ s: CLISandbox, _ finding: String) throws {
        let out = try s.run(["--read-only", "audit", "verify"])
        #expect(out.code == 1, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains(finding), "wanted «\(finding)» in:\n\(out.stdout)")
    }

    @Test("a NUL byte and a hidden suffix, in the journal's columns or any table, is a difference", arguments: [
        ("UPDATE entries SET operator = operator || char(0) || 'x' WHERE seq = 3", "entry 3: the columns"),
        ("UPDATE entries SET at = at || char(0) || 'x' WHERE seq = 3", "entry 3: the columns"),
        ("UPDATE periods SET head_hash = head_hash || char(0) || 'x'", "periods 2024-03: differs"),
        ("UPDATE period_totals SET bank = bank || char(0) || 'x'", "period_totals"),
        ("UPDATE targets SET from_date = from_date || char(0) || '9'", "targets gansu-2025: differs"),
        ("UPDATE banks SET name = name || char(0) || 'x' WHERE name = '兰州银行'", "banks"),
        ("UPDATE registrations SET bank = bank || char(0) || 'x'", "registrations Y2024620000001: differs"),
    ])
    func hiddenSuffix(sql: String, finding: String) throws {
        let s = try ledger()
        try tamper(s, sql)
        try refused(s, finding)
    }

    @Test("a payload re-written in another form, its chain re-hashed, is not canonical", arguments: [
        #"replace(payload, '"date":', '"date": ')"#,
        #"replace(payload, '{"at":', '{"kind":"release","at":')"#,
        #"replace(payload, '"reason":"repaid"}', '"reason":"repaid","reason":"repaid"}')"#,
        #"replace(payload, '"date":"2024-06-01"', '"date":"2024\/06\/01"')"#,
    ])
    func nonCanonical(edit: String) throws {
        let s = try ledger()
        let last = Int(try s.sqlite("SELECT max(seq) FROM entries"))!
        try tamper(s, "UPDATE entries SET payload = \(edit) WHERE seq = \(last)")
        try rehash(s, seq: last)
        try refused(s, "entry \(last):")
        #expect(try s.run(["--read-only", "audit", "verify"]).stdout.contains("the hash does not match") == false)
    }

    @Test("an entry dated in a closed month without the late flag, re-hashed, is named")
    func closedMonthWithoutLate() throws {
        let s = try ledger()
        let seq = Int(try s.sqlite("SELECT seq FROM entries WHERE reg_no = 'LATE-1'"))!
        try tamper(s, #"UPDATE entries SET payload = replace(payload, '"late":true,', '') WHERE seq = \#(seq); UPDATE registrations SET late = 0 WHERE reg_no = 'LATE-1'"#)
        for n in seq...(seq + 1) { try rehash(s, seq: n) }
        try refused(s, "entry \(seq): dated 2024-03-05 in the closed month 2024-03 without the late flag")
    }

    @Test("time going backwards, re-hashed, is named")
    func timeBackwards() throws {
        let s = try ledger()
        let last = Int(try s.sqlite("SELECT max(seq) FROM entries"))!
        try tamper(s, """
            UPDATE entries SET at = '2000-01-01T00:00:00.000Z', payload = substr(payload, 1, 7) || '2000-01-01T00:00:00.000Z' || substr(payload, 32) WHERE seq = \(last)
            """)
        try rehash(s, seq: last)
        try refused(s, "entry \(last): its time 2000-01-01T00:00:00.000Z is before the previous entry's")
    }

    @Test("a transition the lifecycle forbids (a second release), re-hashed, is named")
    func forbiddenTransition() throws {
        let s = try ledger()
        #expect(try s.run(["release", "LATE-1", "--date", "2024-06-01"]).code == 0)
        let last = Int(try s.sqlite("SELECT max(seq) FROM entries"))!
        try tamper(s, """
            UPDATE entries SET reg_no = 'Y2024620000001', payload = replace(payload, '"regNo":"LATE-1"', '"regNo":"Y2024620000001"') WHERE seq = \(last);
            UPDATE registrations SET status = 'active', status_date = NULL, updated_seq = \(last - 4) WHERE reg_no = 'LATE-1'
            """)
        try rehash(s, seq: last)
        try refused(s, "entry \(last): the ledger's rules forbid this release")
    }

    @Test("a close entry whose recorded head is not the entry before it (a stale hash, or moved back to seq 2), re-hashed, is named",
          arguments: ["stale", "moved"])
    func periodAnchor(how: String) throws {
        let s = try ledger()
        let close = Int(try s.sqlite("SELECT seq FROM periods"))!
        let (seq, hash) = how == "stale" ? (close - 1, String(repeating: "a", count: 64))
            : (2, try s.sqlite("SELECT hash FROM entries WHERE seq = 2"))
        try tamper(s, """
            UPDATE entries SET payload = replace(replace(payload, (SELECT '"headHash":"' || head_hash FROM periods), '"headHash":"\(hash)'),
                                                 '"headSeq":\(close - 1)', '"headSeq":\(seq)') WHERE seq = \(close);
            UPDATE periods SET head_seq = \(seq), head_hash = '\(hash)'
            """)
        for n in close...Int(try s.sqlite("SELECT max(seq) FROM entries"))! { try rehash(s, seq: n) }
        try refused(s, "entry \(close): the close of 2024-03 records head \(seq):\(hash), not the entry before it")
    }

    @Test("the head period close prints is the close entry's own, and --expect-head with it proves the frozen month")
    func closePrintsItsOwnHead() throws {
        let s = try CLISandbox()
        #expect(try s.run(s.registerArgs).code == 0)
        let out = try s.run(["period", "close", "2024-03"])
        let own = try s.sqlite("SELECT seq || ':' || hash FROM entries WHERE kind = 'period-close'")
        #expect(out.stdout.contains("head \(own)"), "\(out.stdout)")
        #expect(try s.run(["audit", "verify", "--expect-head", own]).code == 0)
    }

    @Test("the schema itself: an added column, index or trigger, or a changed CHECK, is named", arguments: [
        ("ALTER TABLE registrations ADD COLUMN secret TEXT", "the schema's table registrations is not what the migrations create"),
        ("CREATE INDEX shadow ON registrations(bank)", "the ledger has an extra index the schema does not create: shadow"),
        ("CREATE TRIGGER shadow AFTER INSERT ON registrations BEGIN SELECT 1; END", "the ledger has an extra trigger the schema does not create: shadow"),
        ("PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = replace(sql, 'amount_fen > 0', 'amount_fen >= 0') WHERE name = 'targets'",
         "the schema's table targets is not what the migrations create"),
    ])
    func schema(sql: String, finding: String) throws {
        let s = try ledger()
        _ = try s.sqlite(sql)
        try refused(s, finding)
    }

    @Test("--expect-head with a wrong hash is one finding")
    func expectHeadOneFinding() throws {
        let s = try ledger()
        let out = try s.run(["audit", "verify", "--expect-head", "3:" + String(repeating: "a", count: 64)])
        #expect(out.code == 1)
        #expect(out.stdout.contains("entry 3: hash"), "\(out.stdout)")
        #expect(out.stdout.contains("verification failed: 1 findings"), "\(out.stdout)")
    }
}
