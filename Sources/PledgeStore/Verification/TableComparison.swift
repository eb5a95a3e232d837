import Foundation
import GRDB
import GRDBSQLite
import PledgeCore

/// A value as a table holds it: its storage class and bytes (SQLite's value in place, or a value read from PostgreSQL).
protocol StoredValue {
    /// SQLITE_NULL, SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT or SQLITE_BLOB.
    var type: Int32 { get }
    var int64: Int64 { get }
    var double: Double { get }
    /// Calls `body` with the text's or blob's bytes (empty for other values).
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R
}

extension RawStatement.Value: StoredValue {
    var double: Double { sqlite3_value_double(handle) }
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { body(bytes ?? UnsafeRawBufferPointer(start: nil, count: 0)) }
}

extension DatabaseValue: StoredValue {
    var type: Int32 {
        switch storage {
        case .null: SQLITE_NULL
        case .int64: SQLITE_INTEGER
        case .double: SQLITE_FLOAT
        case .string: SQLITE_TEXT
        case .blob: SQLITE_BLOB
        }
    }
    var int64: Int64 { if case .int64(let n) = storage { n } else { 0 } }
    var double: Double { if case .double(let d) = storage { d } else { 0 } }
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch storage {
        case .string(var s): return s.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        case .blob(let d): return d.withUnsafeBytes(body)
        default: return body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }
}

/// A value a table must hold, compared with what the table holds by storage class and bytes: text with a hidden suffix
/// after a NUL byte, a blob or a real where text or an integer belongs, are all differences.
enum ExpectedValue {
    case null, integer(Int64), text(String)

    init(_ s: String?) { self = s.map(ExpectedValue.text) ?? .null }
    init(_ b: Bool) { self = .integer(b ? 1 : 0) }

    /// SQLite's order (NULL < numbers < text < blob; text by bytes): < 0 when this value comes first.
    func order(_ v: some StoredValue) -> Int {
        let rank = switch v.type { case SQLITE_NULL: 0; case SQLITE_INTEGER, SQLITE_FLOAT: 1; case SQLITE_TEXT: 2; default: 3 }
        switch self {
        case .null: return rank == 0 ? 0 : -1
        case .integer(let n):
            guard rank == 1 else { return 1 - rank }
            if v.type == SQLITE_FLOAT { let d = v.double; return Double(n) < d ? -1 : (Double(n) > d ? 1 : -1) }
            return n < v.int64 ? -1 : (n > v.int64 ? 1 : 0)
        case .text(let s):
            guard rank == 2 else { return 2 - rank }
            var s = s
            return v.withBytes { bytes in
                s.withUTF8 { x in
                    let n = min(x.count, bytes.count)
                    let c = n == 0 ? 0 : memcmp(x.baseAddress!, bytes.baseAddress!, n)
                    return c != 0 ? Int(c) : x.count - bytes.count
                }
            }
        }
    }

    var shown: String {
        switch self {
        case .null: "NULL"
        case .integer(let n): String(n)
        case .text(let s): s.printableExcerpt
        }
    }

    static func shown(_ v: some StoredValue) -> String {
        switch v.type {
        case SQLITE_NULL: return "NULL"
        case SQLITE_INTEGER: return String(v.int64)
        case SQLITE_FLOAT: return "\(v.double) (a real)"
        case SQLITE_BLOB: return "\(v.withBytes { String(decoding: $0, as: UTF8.self) }.printableExcerpt) (a blob)"
        default: return v.withBytes { String(decoding: $0, as: UTF8.self) }.printableExcerpt
        }
    }
}

/// One table compared with the rows the journal implies, both in the order of the table's key: the first differences
/// are named by key (`table KEY: …`).
struct TableComparison {
    let table: String
    let columns: [String]
    /// The leading columns that form the key.
    let keyCount: Int
    var limit = 20

    /// `expected` must come in key order (SQLite's: text by bytes; PostgreSQL's columns are COLLATE "C").
    func findings(_ db: any SQLSession, expected: some Sequence<[ExpectedValue]>) throws -> [AuditFinding] {
        let keys = columns.prefix(keyCount).joined(separator: ", ")
        let sql = "SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(keys)"
        if let sqlite = db as? Database {
            let rows = try RawStatement(sqlite, sql: sql)
            rows.reset()
            defer { rows.reset() }
            return try findings(expected: expected, step: { try rows.step() }, value: { rows.value(Int32($0)) })
        }
        let rows = try SQLRow.fetchAll(db, sql: sql)
        var next = -1
        return try findings(expected: expected, step: { next += 1; return next < rows.count }, value: { rows[next].databaseValue(at: $0) })
    }

    private func findings<V: StoredValue>(expected: some Sequence<[ExpectedValue]>, step: () throws -> Bool, value: (Int) -> V) throws -> [AuditFinding] {
        var out: [AuditFinding] = []
        var wanted = expected.makeIterator()
        var next = wanted.next()
        var hasRow = try step()
        func describeRow() -> String { (0..<keyCount).map { ExpectedValue.shown(value($0)) }.joined(separator: "/") }
        while out.count < limit, hasRow || next != nil {
            guard hasRow else {
                out.append(.row(table: table, key: describe(next!), .missing))
                next = wanted.next()
                continue
            }
            guard let e = next else {
                out.append(.row(table: table, key: describeRow(), .extra))
                hasRow = try step()
                continue
            }
            var order = 0
            for i in 0..<keyCount where order == 0 { order = e[i].order(value(i)) }
            if order < 0 {
                out.append(.row(table: table, key: describe(e), .missing))
                next = wanted.next()
                continue
            }
            if order > 0 {
                out.append(.row(table: table, key: describeRow(), .extra))
                hasRow = try step()
                continue
            }
            let differing = (keyCount..<columns.count).filter { e[$0].order(value($0)) != 0 || !sameClass(e[$0], value($0)) }
            if !differing.isEmpty {
                let what = differing.map { AuditFinding.Difference(column: columns[$0], ledger: ExpectedValue.shown(value($0)), journal: e[$0].shown) }
                out.append(.row(table: table, key: describe(e), .differs(what)))
            }
            next = wanted.next()
            hasRow = try step()
        }
        return out
    }

    /// A real equal to the integer expected is still the wrong storage class.
    private func sameClass(_ e: ExpectedValue, _ v: some StoredValue) -> Bool {
        if case .integer = e { return v.type == SQLITE_INTEGER }
        return true
    }

    private func describe(_ row: [ExpectedValue]) -> String { row.prefix(keyCount).map(\.shown).joined(separator: "/") }
}

/// Takes a row's values in column order: into an array (to name differences) or into a hash (a digest's row).
protocol RowSink {
    mutating func add(_ v: ExpectedValue)
}

struct RowBuilder: RowSink {
    var values: [ExpectedValue] = []
    mutating func add(_ v: ExpectedValue) { values.append(v) }
}

/// Hashes each value's storage class and bytes, as `TableComparison.digest` hashes what SQLite holds.
struct RowHasher: RowSink {
    var hasher = Hasher()
    mutating func add(_ v: ExpectedValue) {
        switch v {
        case .null: hasher.combine(UInt8(0))
        case .integer(let n): hasher.combine(UInt8(1)); hasher.combine(n)
        case .text(let s): hasher.combine(UInt8(2)); s.hashBytes(into: &hasher)
        }
    }
}

/// A table's rows as a multiset: the wrapping sum of one hash per row over every column's storage class and bytes.
/// Equal digests mean equal rows but for a chance the process's random hash seed makes negligible; a difference is
/// named by the ordered comparison.
struct RowDigest: Equatable {
    private(set) var sum: UInt64 = 0
    private(set) var rows = 0

    mutating func add(_ row: [ExpectedValue]) {
        var h = RowHasher()
        for v in row { h.add(v) }
        add(h)
    }

    mutating func add(_ row: consuming RowHasher) { add(row.hasher) }

    mutating func add(_ h: consuming Hasher) {
        sum &+= UInt64(bitPattern: Int64(h.finalize()))
        rows += 1
    }
}

extension TableComparison {
    /// What `TableDigests` reads the table's rows with, in any order.
    var digestSQL: String { "SELECT \(columns.joined(separator: ", ")) FROM \(table)" }

    /// The digest of the rows a prepared `digestSQL` reads, hashed as `RowDigest.add` hashes the expected values.
    static func digest(_ rows: OpaquePointer) throws -> RowDigest {
        var digest = RowDigest()
        let columns = sqlite3_column_count(rows)
        while true {
            let rc = sqlite3_step(rows)
            if rc == SQLITE_DONE { return digest }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(rows))))
            }
            var h = Hasher()
            for i in 0..<columns { hash(RawStatement.Value(handle: sqlite3_column_value(rows, i)), into: &h) }
            digest.add(h)
        }
    }

    /// A table's digest read through the session (PostgreSQL), hashed as SQLite's.
    static func digest(_ db: any SQLSession, _ sql: String) throws -> RowDigest {
        var digest = RowDigest()
        try db.each(sql: sql) { row in
            var h = Hasher()
            for i in 0..<row.count { hash(row.databaseValue(at: i), into: &h) }
            digest.add(h)
        }
        return digest
    }

    /// A stored value's class and bytes, as `RowHasher` hashes an expected one.
    static func hash(_ v: some StoredValue, into h: inout Hasher) {
        switch v.type {
        case SQLITE_NULL: h.combine(UInt8(0))
        case SQLITE_INTEGER: h.combine(UInt8(1)); h.combine(v.int64)
        case SQLITE_TEXT: v.withBytes { bytes in h.combine(UInt8(2)); h.combine(bytes: bytes); h.combine(bytes.count) }
        default:
            // A real or a blob is never what the journal implies: a class of its own.
            h.combine(UInt8(3)); h.combine(v.type); v.withBytes { h.combine(bytes: $0) }
        }
    }
}

/// The tables' digests, read on a thread of their own in the order they are added while the caller computes what the
/// journal implies. From `start` until `finish` or `stop` the connection is this thread's alone: it prepares, steps
/// and finalizes its statements through SQLite's C interface, and the caller does not touch the connection.
final class TableDigests: @unchecked Sendable {
    private let connection: OpaquePointer?
    /// PostgreSQL: each digest read when added, on the caller's thread.
    private let session: (any SQLSession)?
    private let channel = BatchChannel<String>(capacity: 64)
    private var digests: [RowDigest] = []
    private var failure: Error?
    private let done = DispatchSemaphore(value: 0)
    private var stopped = false

    init(_ db: any SQLSession) {
        connection = (db as? Database)?.sqliteConnection
        session = connection == nil ? db : nil
    }

    func start() {
        guard session == nil else { return }
        let thread = Thread { [self] in
            defer { done.signal() }
            while let sql = channel.take() {
                var rows: OpaquePointer?
                guard sqlite3_prepare_v2(connection, sql, -1, &rows, nil) == SQLITE_OK, let rows else {
                    failure = DatabaseError(resultCode: ResultCode(rawValue: sqlite3_errcode(connection)),
                                            message: String(cString: sqlite3_errmsg(connection)), sql: sql)
                    return
                }
                defer { sqlite3_finalize(rows) }
                do { digests.append(try TableComparison.digest(rows)) } catch { failure = error; return }
            }
        }
        thread.start()
    }

    /// Queues a table's query (`TableComparison.digestSQL`).
    func add(_ sql: String) {
        guard let session else { _ = channel.put(sql); return }
        guard failure == nil else { return }
        do { digests.append(try TableComparison.digest(session, sql)) } catch { failure = error }
    }

    /// Every table's digest, in the order added.
    func finish() throws -> [RowDigest] {
        if session != nil {
            stopped = true
            if let failure { throw failure }
            return digests
        }
        channel.close()
        stopped = true
        done.wait()
        if let failure { throw failure }
        return digests
    }

    /// Stops the thread when the comparison ends early; nothing once `finish` has waited for it.
    func stop() {
        guard !stopped else { return }
        stopped = true
        guard session == nil else { return }
        channel.cancel()
        done.wait()
    }
}
