import GRDB
import GRDBSQLite

/// Binds and steps a GRDB cached statement through the SQLite C API: the import hot path's way around
/// GRDB's argument boxing (DESIGN.md "Measured facts"). Everything else uses GRDB's normal API.
struct RawStatement: BoundStatement {
    let statement: Statement
    let handle: OpaquePointer
    let db: Database

    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
    }

    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    /// The bound bytes stay where they are until the statement has run: SQLite does not copy them.
    static let `static` = unsafeBitCast(0, to: sqlite3_destructor_type.self)

    /// Readies the statement for another execution. The bindings stay: every use binds every parameter (NULL with
    /// `bind(i, nil)`), and a text bound again reuses its copy's buffer instead of freeing and allocating one.
    func reset() {
        sqlite3_reset(handle)
    }

    func bind(_ i: Int32, _ text: String?) {
        guard var text else { sqlite3_bind_null(handle, i); return }
        text.withUTF8 { buf in
            _ = sqlite3_bind_text(handle, i, UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(buf.count), Self.transient)
        }
    }

    func bind(_ i: Int32, _ value: Int64) { sqlite3_bind_int64(handle, i, value) }
    func bind(_ i: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, i, value) } else { sqlite3_bind_null(handle, i) }
    }
    func bind(_ i: Int32, _ value: Bool) { sqlite3_bind_int64(handle, i, value ? 1 : 0) }

    /// Steps to completion; returns the number of rows changed.
    @discardableResult
    func run() throws -> Int32 {
        let rc = sqlite3_step(handle)
        guard rc == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: statement.sql)
        }
        return sqlite3_changes(sqlite3_db_handle(handle))
    }

    /// Steps once: true with a row to read, false when done.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc:
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: statement.sql)
        }
    }

    func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }

    /// The column's text (nil for NULL), as the bytes SQLite holds until the next step.
    func bytes(_ i: Int32) -> UnsafeRawBufferPointer? {
        guard let p = sqlite3_column_text(handle, i) else { return nil }
        return UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, i)))
    }


    /// Column `i` of the current row as one `sqlite3_value` (type, integer, bytes without further calls into the
    /// connection). Valid until the next step, on the statement's thread.
    func value(_ i: Int32) -> Value { Value(handle: sqlite3_column_value(handle, i)) }

    struct Value {
        let handle: OpaquePointer

        /// The storage class, as stored (read before `bytes`, which converts).
        var type: Int32 { sqlite3_value_type(handle) }
        var int64: Int64 { sqlite3_value_int64(handle) }

        /// The text (nil for NULL), as the bytes SQLite holds until the next step.
        var bytes: UnsafeRawBufferPointer? {
            guard let p = sqlite3_value_text(handle) else { return nil }
            return UnsafeRawBufferPointer(start: p, count: Int(sqlite3_value_bytes(handle)))
        }
    }
}
