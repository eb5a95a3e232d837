import Foundation
import GRDB
import PledgeCore

/// What `audit verify` found. Empty `findings` means the journal's chain holds and every projection
/// equals what the journal alone rebuilds.
public struct AuditReport: Sendable {
    public var entries: Int64
    public var head: AppendedEntry?
    public var findings: [String]
    /// The first entry whose chain link or payload is wrong, if any.
    public var firstBadSeq: Int64?
    public var isClean: Bool { findings.isEmpty }
}

extension Ledger {
    /// Re-hashes the journal from entry 1, replays it in memory under the ledger's rules through PledgeCore's
    /// projection (`JournalReplay`), and compares every table with the result (`TableComparison`), the schema with
    /// the migrations' (`SchemaCheck`). One read transaction sees the journal and the tables at the same moment.
    /// `expectHead` (`SEQ:HASH`) also proves the journal still holds that entry unchanged.
    public func verify(expectHead: (seq: Int64, hash: String)?, maxFindings: Int) throws -> AuditReport {
        try Ledger.mapErrors(path) {
            try dbQueue.read { db in
                // Read the file through memory mapping: the whole ledger is read once, and read() calls cost more.
                try db.execute(sql: "PRAGMA mmap_size = 17179869184")
                defer { try? db.execute(sql: "PRAGMA mmap_size = 0") }
                var v = Verifier(db: db, expectHead: expectHead, maxFindings: maxFindings)
                return try v.run()
            }
        }
    }

    /// The amount a register or correct entry records when it is outside 1 fen … `Registration.maximumAmount`.
    static func amountOutOfRange(_ event: LedgerEvent) -> String? {
        let range = 1...Registration.maximumAmount.value
        switch event {
        case .register(let r): return range.contains(r.amount.value) ? nil : String(r.amount.value)
        case .correct(let changes, _):
            let key = RegistrationField.amount.journalKey
            for c in changes where c.field == key {
                guard let text = c.to, let v = Int64(text), range.contains(v) else { return c.to ?? "NULL" }
            }
            return nil
        default: return nil
        }
    }

    /// Stored amounts outside what the writers allow: a registration outside 1 fen … 1,000 亿元, amounts that add up
    /// beyond `Int64`, a total stored as another type than integer (SQLite turns an overflowing sum into REAL, and
    /// compares 5.0 equal to 5).
    static func rangeFindings(_ db: Database) throws -> [String] {
        var findings: [String] = []
        let outside = try String.fetchAll(db, sql: """
            SELECT reg_no FROM registrations WHERE typeof(amount_fen) <> 'integer' OR amount_fen < 1 OR amount_fen > ? LIMIT 5
            """, arguments: [Registration.maximumAmount.value])
        for r in outside { findings.append("registrations \(r): amount_fen is outside 1 fen … 1,000 亿元 (or not an integer)") }
        do {
            _ = try Int64.fetchOne(db, sql: "SELECT sum(amount_fen) FROM registrations")
        } catch let e as DatabaseError where e.message?.contains("integer overflow") == true {
            findings.append("registrations: the amounts add up beyond the largest total a ledger can hold (an Int64 of fen)")
        }
        for table in ["status_totals", "monthly_totals", "group_totals", "period_totals", "periods"] {
            let n = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM \(table) WHERE typeof(amount_fen) <> 'integer' OR typeof(registrations) <> 'integer'
                """) ?? 0
            if n > 0 { findings.append("\(table): \(n) rows hold a count or amount that is not an integer; the totals were altered or overflowed") }
        }
        return findings
    }
}
