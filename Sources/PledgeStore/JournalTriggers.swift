import GRDB

/// The journal's triggers (append-only, chain continuation), compared by `audit verify` with the ones the schema's
/// migrations create: a ledger whose journal lost or changed a trigger accepts edits that SQLite should refuse, even
/// while every hash still holds. A first load drops the chain trigger inside its own transaction only
/// (`FirstLoadChecks`); no committed state should lack it.
enum JournalTriggers {
    /// Name → CREATE text of each trigger on `entries`.
    static func triggers(_ db: Database) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'entries'
            """).map { ($0["name"] as String, $0["sql"] as String? ?? "") })
    }

    /// The triggers a new ledger has: the migrations run on an empty in-memory database (a few milliseconds).
    static func expected() throws -> [String: String] {
        let scratch = try DatabaseQueue()
        try Ledger.migrator().migrate(scratch)
        return try scratch.read { try triggers($0) }
    }

    /// One line per trigger missing, changed or added, saying what it means and what to do.
    static func findings(_ db: Database) throws -> [String] {
        let (expected, actual) = (try expected(), try triggers(db))
        var findings: [String] = []
        for (name, sql) in expected.sorted(by: { $0.key < $1.key }) {
            if actual[name] == nil {
                findings.append("the journal's trigger \(name) is missing: SQLite no longer refuses what it guards against; "
                                + "restore the ledger from a backup, or find out who removed it")
            } else if actual[name] != sql {
                findings.append("the journal's trigger \(name) is not the schema's: it was replaced; restore the ledger from a backup")
            }
        }
        for name in actual.keys.sorted() where expected[name] == nil {
            findings.append("the journal has a trigger the schema does not create: \(name); find out who added it")
        }
        return findings
    }
}
