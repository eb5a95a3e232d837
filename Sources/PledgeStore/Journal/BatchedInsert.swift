import GRDB
import GRDBSQLite

/// Rows for one table, written by multi-row INSERTs (`VALUES (…), (…), …`) of `rowsPerStatement` rows: the
/// import's journal entries. Each single-row INSERT into `entries` pays for a statement journal (the chain trigger
/// can abort it), which copies every page the statement changes before changing it: the journal's last 16 KB
/// page, once per row. One statement per many rows pays that once (and SQLite's per-statement work).
///
/// The rows go in in the order they were added, each one before the next is made (SQLite runs a VALUES list as
/// a co-routine), so a row's triggers and constraint checks see the rows before it, as with one INSERT each.
/// Values are copied into one byte arena and bound where they lie (`SQLITE_STATIC`), not copied again by SQLite.
/// Nothing is written until a statement's worth of rows is pending, or `flush`: call it before anything reads
/// the table or the transaction ends.
final class BatchedInsert {
    private enum Value {
        case integer(Int64)
        case text(start: Int, count: Int)
    }

    private let rowsPerStatement: Int
    private let columns: Int
    /// SQLite binds the arena's bytes in place; PostgreSQL gets the same statements with the values as arguments.
    private let raw: (one: RawStatement, many: RawStatement)?
    private let session: any SQLSession
    private let oneSQL: String, manySQL: String
    private var arena: [UInt8] = []
    private var values: [Value] = []

    /// `row` is one row's VALUES tuple, e.g. `(?, ?)`, with `columns` parameters.
    init(_ db: any SQLSession, insertInto prefix: String, row: String, columns: Int, rowsPerStatement: Int) throws {
        precondition(columns > 0 && rowsPerStatement > 0)
        self.columns = columns
        self.rowsPerStatement = rowsPerStatement
        session = db
        let (one, many) = ("\(prefix) VALUES \(row)", "\(prefix) VALUES " + Array(repeating: row, count: rowsPerStatement).joined(separator: ", "))
        (oneSQL, manySQL) = (one, many)
        raw = try (db as? Database).map { (try RawStatement($0, sql: one), try RawStatement($0, sql: many)) }
        values.reserveCapacity(columns * rowsPerStatement)
    }

    var pendingRows: Int { values.count / columns }

    func add(_ value: Int64) { values.append(.integer(value)) }

    func add(_ text: String) {
        let start = arena.count
        arena.append(contentsOf: text.utf8)
        values.append(.text(start: start, count: arena.count - start))
    }

    func add(bytes: [UInt8]) {
        values.append(.text(start: arena.count, count: bytes.count))
        arena.append(contentsOf: bytes)
    }

    /// Ends the row whose `columns` values were just added; writes the pending rows when they fill a statement.
    func endRow() throws {
        precondition(values.count % columns == 0, "BatchedInsert: a row needs \(columns) values")
        if values.count == columns * rowsPerStatement { try flush() }
    }

    /// Writes every pending row.
    func flush() throws {
        guard !values.isEmpty else { return }
        defer {
            arena.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
        }
        try arena.withUnsafeBytes { base in
            if values.count == columns * rowsPerStatement {
                try run(raw?.many, manySQL, values[...], base)
            } else {
                for start in stride(from: 0, to: values.count, by: columns) { try run(raw?.one, oneSQL, values[start ..< start + columns], base) }
            }
        }
    }

    private func run(_ s: RawStatement?, _ sql: String, _ row: ArraySlice<Value>, _ base: UnsafeRawBufferPointer) throws {
        if let s { return try run(s, row, base) }
        let arguments = SQLArguments(values: row.map { v -> DatabaseValue in
            switch v {
            case .integer(let n): n.databaseValue
            case .text(let start, let count): String(decoding: UnsafeRawBufferPointer(rebasing: base[start ..< start + count]), as: UTF8.self).databaseValue
            }
        })
        try session.execute(sql: sql, arguments: arguments)
    }

    private static let empty: StaticString = ""

    private func run(_ s: RawStatement, _ row: ArraySlice<Value>, _ base: UnsafeRawBufferPointer) throws {
        sqlite3_reset(s.handle)
        // The bindings point into the arena: cleared before it can move.
        defer { sqlite3_clear_bindings(s.handle) }
        var i: Int32 = 1
        for v in row {
            switch v {
            case .integer(let n): sqlite3_bind_int64(s.handle, i, n)
            case .text(let start, let count):
                // An empty text still needs a pointer, or SQLite binds NULL (the arena may have no storage yet).
                let p = count == 0 ? UnsafeRawPointer(Self.empty.utf8Start) : base.baseAddress! + start
                sqlite3_bind_text(s.handle, i, p.assumingMemoryBound(to: CChar.self), Int32(count), RawStatement.static)
            }
            i += 1
        }
        try s.run()
    }
}
