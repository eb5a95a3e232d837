import GRDB

/// Many rows in one statement: each column travels as one array (`unnest`), so a load's thousands of rows cost a few
/// round trips, not one each (postgres-nio sends one statement at a time, and each waits for the server).
extension PostgresSession {
    /// Rows per statement: a 28-column registration row is about 300 bytes of array text.
    static let bulkChunk = 20_000

    /// Runs `sql(source)` once per chunk of `rows`, where `source` is `unnest($1::type[], …) AS s(column, …)` with
    /// `columns` of `table` (their types read from the catalog); each returned row goes to `body`.
    func bulk(_ table: String, columns: [String], rows: [[DatabaseValue]], _ sql: (String) -> String,
              each body: ((SQLRow) throws -> Void)? = nil) throws {
        guard !rows.isEmpty else { return }
        let types = try columnTypes(table)
        let source = "unnest(" + columns.map { c in "CAST(? AS \(types[c] ?? "text")[])" }.joined(separator: ", ") + ") AS s("
            + columns.joined(separator: ", ") + ")"
        let text = sql(source)
        for start in stride(from: 0, to: rows.count, by: Self.bulkChunk) {
            let chunk = rows[start ..< min(rows.count, start + Self.bulkChunk)]
            let arrays = columns.indices.map { i in Self.arrayLiteral(chunk.lazy.map { $0[i] }).databaseValue }
            if let body {
                try eachRow(sql: text, arguments: SQLArguments(values: arrays), body)
            } else {
                try perform(sql: text, arguments: SQLArguments(values: arrays))
            }
        }
    }

    /// A column's element type for `unnest`: `bigint` or `text` (every column of a ledger is one of them).
    func columnTypes(_ table: String) throws -> [String: String] {
        if let known = exclusively({ tableTypes[table] }) { return known }
        var types: [String: String] = [:]
        try eachRow(sql: """
            SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?
            """, arguments: [table]) { row in
            types[row[0]] = (row[1] as String) == "bigint" ? "bigint" : "text"
        }
        exclusively { tableTypes[table] = types }
        return types
    }

    /// PostgreSQL's array input text: `{"a","b\"c",NULL,12}`.
    static func arrayLiteral<S: Sequence<DatabaseValue>>(_ values: S) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        func quoted<C: Collection<UInt8>>(_ bytes: C) {
            out.append(UInt8(ascii: "\""))
            for b in bytes {
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(b)
            }
            out.append(UInt8(ascii: "\""))
        }
        for v in values {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            switch v.storage {
            case .null: out += "NULL".utf8
            case .int64(let n): out += String(n).utf8
            case .double(let d): out += String(d).utf8
            case .string(let s): quoted(s.utf8)
            case .blob(let data): quoted(data)
            }
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
