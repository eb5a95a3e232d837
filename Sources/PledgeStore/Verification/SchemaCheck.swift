import GRDB

/// The ledger's schema compared with what its migrations create: a table with an added column, a changed CHECK, an
/// extra index or trigger, or a journal trigger dropped (SQLite would then accept edits it must refuse, even while every
/// hash holds) are findings. SQLite's own statistics tables (`ANALYZE`) are not part of the schema.
enum SchemaCheck {
    struct Object: Hashable { var type: String, name: String, table: String, sql: String? }

    static func objects(_ db: Database) throws -> [String: Object] {
        Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
            SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\'
            """).map { ($0[1] as String, Object(type: $0[0], name: $0[1], table: $0[2], sql: $0[3])) })
    }

    /// The schema a new ledger has: the migrations run on an empty in-memory database (a few milliseconds).
    static func expected() throws -> [String: Object] {
        let scratch = try DatabaseQueue()
        try Ledger.migrator().migrate(scratch)
        return try scratch.read { try objects($0) }
    }

    /// One line per object missing, changed or added, saying what it means and what to do.
    static func findings(_ db: Database) throws -> [String] {
        let (expected, actual) = (try expected(), try objects(db))
        var findings: [String] = []
        for (name, o) in expected.sorted(by: { $0.key < $1.key }) {
            let journalTrigger = o.type == "trigger" && o.table == "entries"
            if actual[name] == nil {
                findings.append(journalTrigger
                    ? "the journal's trigger \(name) is missing: SQLite no longer refuses what it guards against; restore the ledger from a backup, or find out who removed it"
                    : "the schema's \(o.type) \(name) is missing; restore the ledger from a backup")
            } else if actual[name] != o {
                findings.append(journalTrigger
                    ? "the journal's trigger \(name) is not the schema's: it was replaced; restore the ledger from a backup"
                    : "the schema's \(o.type) \(name) is not what the migrations create (\(actual[name]!.sql ?? "")); restore the ledger from a backup")
            }
        }
        for (name, o) in actual.sorted(by: { $0.key < $1.key }) where expected[name] == nil {
            findings.append(o.type == "trigger" && o.table == "entries"
                ? "the journal has a trigger the schema does not create: \(name); find out who added it"
                : "the ledger has an extra \(o.type) the schema does not create: \(name); find out who added it")
        }
        return findings
    }
}
