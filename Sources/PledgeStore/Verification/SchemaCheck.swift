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

    /// One finding per object missing, changed or added (`type` is `journal-trigger` for a trigger on `entries`).
    static func findings(_ db: Database) throws -> [AuditFinding] {
        let (expected, actual) = (try expected(), try objects(db))
        func type(_ o: Object) -> String { o.type == "trigger" && o.table == "entries" ? "journal-trigger" : o.type }
        var findings: [AuditFinding] = []
        for (name, o) in expected.sorted(by: { $0.key < $1.key }) {
            if actual[name] == nil {
                findings.append(.schema(.missing, type: type(o), name: name, sql: nil))
            } else if actual[name] != o {
                findings.append(.schema(.changed, type: type(o), name: name, sql: actual[name]!.sql))
            }
        }
        for (name, o) in actual.sorted(by: { $0.key < $1.key }) where expected[name] == nil {
            findings.append(.schema(.extra, type: type(o), name: name, sql: o.sql))
        }
        return findings
    }
}
