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
    /// Tables rebuilt from the journal and compared with the ledger's, with the columns that identify a row.
    static let projections: [(table: String, key: String)] = [
        ("registrations", "reg_no"), ("registration_rights", "ip_number, reg_no"), ("enterprises", "uscc"),
        ("monthly_totals", "month, ip_type, prefecture_code, park, bank, rywq, first_loan"), ("status_totals", "ip_type, status"),
        ("group_totals", "dimension, grp, month, ip_type, status"), ("target_enterprises", "target, uscc"),
        ("targets", "name"), ("periods", "month"), ("period_totals", "month, ip_type, prefecture_code, park, bank, rywq, first_loan"),
        ("prefectures", "code"), ("parks", "name"), ("park_aliases", "alias"), ("banks", "name"), ("bank_aliases", "alias"),
    ]

    /// Re-hashes the journal from entry 1 and proves every projection equals what the journal rebuilds: first by
    /// `QuickVerification`; when that cannot prove it, by replaying into a fresh database and comparing tables.
    /// `expectHead` (`SEQ:HASH`) also proves the journal still holds that entry unchanged.
    public func verify(expectHead: (seq: Int64, hash: String)? = nil, maxFindings: Int = 50) throws -> AuditReport {
        var findings: [String] = []
        var firstBad: Int64?
        func note(_ s: String, seq: Int64? = nil) {
            if let seq, firstBad == nil { firstBad = seq }
            if findings.count < maxFindings { findings.append(s) }
        }
        // The journal's triggers first: what SQLite refuses is part of what an audit proves.
        let triggerFindings = try Ledger.mapErrors(path) { try dbQueue.read { try JournalTriggers.findings($0) } }
        let storedFindings = try Ledger.mapErrors(path) { try dbQueue.read { try Ledger.rangeFindings($0) + Ledger.migrationFindings($0) } }
        // The quick pass proves an intact ledger without rebuilding it (its sums are exact once the amounts are in
        // range); anything it cannot prove goes to the full rebuild below, which names every difference.
        if storedFindings.isEmpty, let quick = try? Ledger.mapErrors(path, { try dbQueue.read { db -> QuickVerification.Result? in
            var check = QuickVerification(db: db, expectHead: expectHead)
            return try check.run()
        } }) {
            return AuditReport(entries: quick.entries, head: quick.head, findings: Array(triggerFindings.prefix(maxFindings)), firstBadSeq: nil)
        }
        for finding in triggerFindings + storedFindings { note(finding) }
        // A scratch ledger schema, filled by replaying the journal.
        let scratchDir = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratchDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratchDir) }
        let scratchPath = scratchDir.appendingPathComponent("rebuilt.sqlite").path
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = 16384; PRAGMA synchronous = OFF; PRAGMA journal_mode = OFF") }
        let scratch = try Ledger.mapErrors(scratchPath) { try DatabaseQueue(path: scratchPath, configuration: config) }
        try Ledger.mapErrors(scratchPath) { try Ledger.migrator().migrate(scratch) }

        var count: Int64 = 0
        var head: AppendedEntry?
        var expectedFound = expectHead == nil
        // One read transaction sees the journal and the projections at the same moment, whatever other
        // writers do meanwhile; the rebuilt schema is attached (outside the transaction) for the comparison.
        try Ledger.mapErrors(path) { try dbQueue.inDatabase { db in
            try db.execute(sql: "ATTACH DATABASE ? AS rebuilt", arguments: [scratchPath])
            defer { try? db.execute(sql: "DETACH DATABASE rebuilt") }
            try db.execute(sql: "BEGIN DEFERRED TRANSACTION")
            defer { try? db.execute(sql: "ROLLBACK") }
            try scratch.writeWithoutTransaction { out in
                try out.inTransaction {
                    try out.execute(sql: "PRAGMA cache_size = -65536")
                    let bulk = try BulkProjectionWriter(out)
                    let rows = try Row.fetchCursor(db, sql: """
                        SELECT seq, at, operator, kind, reg_no, payload, prev_hash, hash,
                               typeof(at) = 'text' AND typeof(operator) = 'text' AND typeof(kind) = 'text' AND typeof(payload) = 'text'
                               AND typeof(prev_hash) = 'text' AND typeof(hash) = 'text' AND typeof(reg_no) IN ('text', 'null') AS typed
                        FROM entries ORDER BY seq
                        """)
                    var prev = CanonicalEntry.genesisHash
                    var expectedSeq: Int64 = 1
                    while let row = try rows.next() {
                        let seq: Int64 = row["seq"]
                        let payload: String = row["payload"]
                        let hash: String = row["hash"]
                        count += 1
                        if seq != expectedSeq { note("entry \(seq): expected seq \(expectedSeq); entries are missing or renumbered", seq: seq) }
                        if row["prev_hash"] as String != prev {
                            note("entry \(seq): prev_hash does not match the hash of entry \(seq - 1); the chain is broken here", seq: seq)
                        }
                        if CanonicalEntry.hash(prevHash: row["prev_hash"], payload: payload) != hash {
                            note("entry \(seq): the hash does not match its payload; the entry was altered after it was written", seq: seq)
                        }
                        if !(row["typed"] as Bool) {
                            note("entry \(seq): a column is stored as another type than the journal writes (text); it was altered", seq: seq)
                        }
                        if let expectHead, expectHead.seq == seq {
                            if expectHead.hash == hash { expectedFound = true } else {
                                note("entry \(seq): hash \(hash) is not the expected head \(expectHead.hash)", seq: seq)
                            }
                        }
                        do {
                            let (h, event) = try CanonicalEntry.decode(payload: payload)
                            if let amount = Ledger.amountOutOfRange(event) {
                                note("entry \(seq): amount \(amount) fen is outside what one registration may hold (1 fen to 1,000 亿元); it was not replayed", seq: seq)
                                prev = hash
                                expectedSeq = seq + 1
                                head = AppendedEntry(seq: seq, hash: hash)
                                continue
                            }
                            if h.seq != seq || h.at != row["at"] || h.operator != row["operator"] || h.kind.rawValue != row["kind"]
                                || h.regNo != row["reg_no"] {
                                note("entry \(seq): the columns seq/at/operator/kind/reg_no differ from its payload", seq: seq)
                            }
                            if case .register(let r) = event {
                                if try !bulk.insert(r, seq: seq, late: h.late) {
                                    note("entry \(seq): registers 登记号 \(r.regNo) a second time", seq: seq)
                                }
                            } else {
                                try bulk.flush()
                                try Projector.apply(event, seq: seq, regNo: h.regNo, late: h.late, db: out)
                            }
                        } catch {
                            note("entry \(seq): cannot be replayed (\(error))", seq: seq)
                        }
                        prev = hash
                        expectedSeq = seq + 1
                        head = AppendedEntry(seq: seq, hash: hash)
                    }
                    try bulk.flush()
                    do { try Ledger.requireTotalsInRange(out) } catch {
                        note("the journal's amounts add up beyond the largest total a ledger can hold (an Int64 of fen)")
                    }
                    return .commit
                }
            }
            if let expectHead, !expectedFound {
                note("the journal has no entry \(expectHead.seq) (it ends at \(head?.seq ?? 0)); the expected head \(expectHead.seq):\(expectHead.hash) is gone")
            }
            // Compare every projection with its rebuilt twin.
            for (table, key) in Ledger.projections {
                let extra = try Row.fetchAll(db, sql: "SELECT \(key) FROM (SELECT * FROM main.\(table) EXCEPT SELECT * FROM rebuilt.\(table)) LIMIT 20")
                let missing = try Row.fetchAll(db, sql: "SELECT \(key) FROM (SELECT * FROM rebuilt.\(table) EXCEPT SELECT * FROM main.\(table)) LIMIT 20")
                let describe: (Row) -> String = { row in row.columnNames.map { "\(row[$0] ?? "NULL")" }.joined(separator: "/") }
                var differing = Set(extra.map(describe)).intersection(missing.map(describe))
                for row in extra {
                    let k = describe(row)
                    if differing.remove(k) != nil {
                        note("\(table) \(k): differs from what the journal records\(try columnDiff(db, table: table, key: key, row: row))")
                    } else if !missing.map(describe).contains(k) {
                        note("\(table) \(k): present in the ledger but not in the journal")
                    }
                }
                for row in missing where !extra.map(describe).contains(describe(row)) {
                    note("\(table) \(describe(row)): in the journal but missing from the ledger")
                }
            }
        } }
        return AuditReport(entries: count, head: head, findings: findings, firstBadSeq: firstBad)
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

    /// ` (column: ledger → journal, …)` for one row that differs.
    private func columnDiff(_ db: Database, table: String, key: String, row: Row) throws -> String {
        let keys = key.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let whereClause = keys.map { "\($0) IS ?" }.joined(separator: " AND ")
        let args = StatementArguments(keys.map { row[$0] as DatabaseValue })
        guard let a = try Row.fetchOne(db, sql: "SELECT * FROM main.\(table) WHERE \(whereClause)", arguments: args),
              let b = try Row.fetchOne(db, sql: "SELECT * FROM rebuilt.\(table) WHERE \(whereClause)", arguments: args) else { return "" }
        let diffs = a.columnNames.filter { a[$0] as DatabaseValue != b[$0] as DatabaseValue }
            .map { "\($0): \(a[$0] ?? "NULL") in the ledger, \(b[$0] ?? "NULL") from the journal" }
        return diffs.isEmpty ? "" : " (" + diffs.joined(separator: "; ") + ")"
    }
}
