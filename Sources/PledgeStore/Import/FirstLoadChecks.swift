import GRDB

/// What a first load checks once before it commits, by SQLite queries, instead of per row: the foreign keys (off for
/// that transaction) and the journal's links (its chain trigger dropped, then created again from its own text). Any
/// failure rolls the whole load back, trigger included.
enum FirstLoadChecks {
    /// The journal's head before the load, and the text of the trigger to create again.
    struct SuspendedChain {
        var headSeq: Int64, headHash: String
        var trigger: String?
    }

    static let chainTrigger = "entries_append_only_seq"

    /// Drops the chain trigger for this transaction (at 1M entries: 10.3–11.2 s with it, 4.6–5.3 s without; the check
    /// then takes about 0.7 s).
    static func suspendChainTrigger(_ tx: LedgerTransaction) throws -> SuspendedChain {
        let db = try tx.sqlite("import")
        let trigger = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                          arguments: [chainTrigger])
        if trigger != nil { try db.execute(sql: "DROP TRIGGER \(chainTrigger)") }
        return SuspendedChain(headSeq: tx.headSeq, headHash: tx.headHash, trigger: trigger)
    }

    /// Throws unless the entries written since `chain` was suspended continue the journal exactly as the trigger
    /// demands of each row (seq = last + 1, prev_hash = last hash), then creates the trigger again.
    static func checkChain(_ chain: SuspendedChain, db: Database) throws {
        let after = chain.headSeq
        let (count, last) = try Row.fetchOne(db, sql: "SELECT count(*), coalesce(max(seq), ?) FROM entries WHERE seq > ?",
                                             arguments: [after, after]).map { ($0[0] as Int64, $0[1] as Int64) } ?? (0, after)
        // Distinct integers above `after`, as many as up to `last`: exactly after + 1 ... last.
        guard count == last - after else {
            throw StoreError.internalError("entries: the journal has gaps after seq \(after) (\(count) entries up to seq \(last)); nothing was written")
        }
        if count > 0 {
            let first = try String.fetchOne(db, sql: "SELECT prev_hash FROM entries WHERE seq = ?", arguments: [after + 1])
            guard first == chain.headHash else {
                throw StoreError.internalError("entries: entry \(after + 1) does not continue the chain from entry \(after); nothing was written")
            }
            if let broken = try Int64.fetchOne(db, sql: """
                SELECT b.seq FROM entries a JOIN entries b ON b.seq = a.seq + 1 WHERE a.seq > ? AND b.prev_hash IS NOT a.hash ORDER BY b.seq LIMIT 1
                """, arguments: [after]) {
                throw StoreError.internalError("entries: entry \(broken) does not continue the chain from entry \(broken - 1); nothing was written")
            }
        }
        if let trigger = chain.trigger { try db.execute(sql: trigger) }
    }

    /// Throws when a row breaks a foreign key. The rights in their `reg_no` index's order (1.5 s at 2M rights, against
    /// 5 s for `PRAGMA foreign_key_check`), every other table by the pragma.
    static func checkForeignKeys(_ db: Database) throws {
        if let orphan = try Row.fetchOne(db, sql: """
            SELECT r.ip_number, r.reg_no FROM registration_rights r
            WHERE NOT EXISTS (SELECT 1 FROM registrations g WHERE g.reg_no = r.reg_no) ORDER BY r.reg_no LIMIT 1
            """) {
            throw StoreError.internalError("registration_rights: right \(orphan[0] as String) names 登记号 \(orphan[1] as String), which is not registered; nothing was written")
        }
        let tables = try String.fetchAll(db, sql: """
            SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f
            WHERE m.type = 'table' AND m.name <> 'registration_rights' ORDER BY m.name
            """)
        for table in tables {
            if let row = try Row.fetchOne(db, sql: "PRAGMA foreign_key_check(\"\(table)\")") {
                throw StoreError.internalError("\(table): row \(row[1] as Int64? ?? 0) names a missing row of \(row[2] as String); nothing was written")
            }
        }
    }
}
