import Foundation
import PledgeSchema

/// `SchemaCheck` on PostgreSQL: the ledger's schema (tables with their columns, constraints, indexes, triggers and
/// functions) compared with what the migrations create, run in a scratch schema of a transaction that is rolled back.
/// A role that may not create a schema still gets the journal's triggers checked (present and enabled).
enum PostgresSchemaCheck {
    static func objects(_ db: any SQLSession, schema: String) throws -> [String: SchemaCheck.Object] {
        var out: [String: SchemaCheck.Object] = [:]
        func add(_ type: String, _ name: String, _ table: String, _ sql: String) {
            out["\(type):\(name)"] = SchemaCheck.Object(type: type, name: name, table: table,
                                                       sql: sql.replacingOccurrences(of: "\(schema).", with: ""))
        }
        try db.each(sql: """
            SELECT c.relname AS name, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                     || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                     || CASE WHEN a.attidentity <> '' THEN ' IDENTITY' ELSE '' END
                     || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
                     || coalesce(' COLLATE ' || co.collname, ''), ', ' ORDER BY a.attnum) AS sql
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
            LEFT JOIN pg_collation co ON co.oid = a.attcollation
            WHERE n.nspname = ? AND c.relkind IN ('r', 'v', 'm', 'p', 'f') GROUP BY c.relname
            """, arguments: [schema]) { add("table", $0["name"], $0["name"], $0["sql"]) }
        try db.each(sql: """
            SELECT c.relname AS tbl, k.conname AS name, pg_get_constraintdef(k.oid) AS sql
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ?
            """, arguments: [schema]) { add("constraint", "\($0["tbl"] as String).\($0["name"] as String)", $0["tbl"], $0["sql"]) }
        try db.each(sql: "SELECT indexname AS name, tablename AS tbl, indexdef AS sql FROM pg_indexes WHERE schemaname = ?",
                     arguments: [schema]) { add("index", $0["name"], $0["tbl"], $0["sql"]) }
        try db.each(sql: """
            SELECT t.tgname AS name, c.relname AS tbl, pg_get_triggerdef(t.oid) || ' ENABLED ' || t.tgenabled::text AS sql
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT t.tgisinternal AND n.nspname = ?
            """, arguments: [schema]) { add("trigger", $0["name"], $0["tbl"], $0["sql"]) }
        try db.each(sql: """
            SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) || ' ' || p.prosrc AS sql
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ?
            """, arguments: [schema]) { add("function", $0["name"], "", $0["sql"]) }
        return out
    }

    /// What the migrations create, read in a scratch schema on a connection of its own, then rolled back; nil when the
    /// role may not create a schema.
    static func expected(_ location: PostgresLocation) throws -> [String: SchemaCheck.Object]? {
        let scratch = try PostgresSession.connect(location)
        defer { scratch.close() }
        let schema = "pledge_expected_\(UInt32.random(in: 0 ... .max))"
        do {
            try scratch.execute(sql: "BEGIN")
            defer { try? scratch.execute(sql: "ROLLBACK") }
            try scratch.execute(sql: "CREATE SCHEMA \(schema)")
            try scratch.execute(sql: "SET LOCAL search_path TO \(schema)")
            for (_, sql) in SchemaMigrations.postgres where !sql.isEmpty { try scratch.script(sql) }
            return try objects(scratch, schema: schema)
        } catch StoreError.internalError(let message) where message.contains("42501") {
            return nil
        }
    }

    static func findings(_ db: any SQLSession, location: PostgresLocation) throws -> [AuditFinding] {
        let schema = try String.fetchOne(db, sql: "SELECT current_schema()") ?? "public"
        let actual = try objects(db, schema: schema)
        func type(_ o: SchemaCheck.Object) -> String { o.type == "trigger" && o.table == "entries" ? "journal-trigger" : o.type }
        guard let expected = try expected(location) else {
            // Without the scratch schema: the journal's four triggers, each present and enabled.
            return ["entries_append_only_seq", "entries_no_update", "entries_no_delete", "entries_no_truncate"].compactMap { name in
                guard let o = actual["trigger:\(name)"] else { return .schema(.missing, type: "journal-trigger", name: name, sql: nil) }
                return o.sql?.hasSuffix(" ENABLED O") == true ? nil : .schema(.changed, type: "journal-trigger", name: name, sql: o.sql)
            }
        }
        var findings: [AuditFinding] = []
        for (key, o) in expected.sorted(by: { $0.key < $1.key }) {
            if actual[key] == nil {
                findings.append(.schema(.missing, type: type(o), name: o.name, sql: nil))
            } else if actual[key] != o {
                findings.append(.schema(.changed, type: type(o), name: o.name, sql: actual[key]!.sql))
            }
        }
        for (key, o) in actual.sorted(by: { $0.key < $1.key }) where expected[key] == nil {
            findings.append(.schema(.extra, type: type(o), name: o.name, sql: o.sql))
        }
        return findings
    }

    /// The migrations `pledge_migrations` records, against the known list.
    static func migrationFindings(_ db: any SQLSession) throws -> [AuditFinding] {
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM pledge_migrations ORDER BY identifier")
        let known = SchemaMigrations.postgres.map(\.id)
        return applied == known ? [] : [.migrations(recorded: applied, known: known)]
    }
}
