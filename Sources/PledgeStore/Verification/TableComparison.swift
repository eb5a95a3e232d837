import Foundation
import GRDB
import GRDBSQLite
import PledgeCore

/// A value a table must hold, compared with what SQLite holds by storage class and bytes: text with a hidden suffix
/// after a NUL byte, a blob or a real where text or an integer belongs, are all differences.
enum ExpectedValue {
    case null, integer(Int64), text(String)

    init(_ s: String?) { self = s.map(ExpectedValue.text) ?? .null }
    init(_ b: Bool) { self = .integer(b ? 1 : 0) }

    /// SQLite's order (NULL < numbers < text < blob; text by bytes): < 0 when this value comes first.
    func order(_ v: RawStatement.Value) -> Int {
        let rank = switch v.type { case SQLITE_NULL: 0; case SQLITE_INTEGER, SQLITE_FLOAT: 1; case SQLITE_TEXT: 2; default: 3 }
        switch self {
        case .null: return rank == 0 ? 0 : -1
        case .integer(let n):
            guard rank == 1 else { return 1 - rank }
            if v.type == SQLITE_FLOAT { let d = sqlite3_value_double(v.handle); return Double(n) < d ? -1 : (Double(n) > d ? 1 : -1) }
            return n < v.int64 ? -1 : (n > v.int64 ? 1 : 0)
        case .text(let s):
            guard rank == 2 else { return 2 - rank }
            let bytes = v.bytes ?? UnsafeRawBufferPointer(start: nil, count: 0)
            var s = s
            return s.withUTF8 { x in
                let n = min(x.count, bytes.count)
                let c = n == 0 ? 0 : memcmp(x.baseAddress!, bytes.baseAddress!, n)
                return c != 0 ? Int(c) : x.count - bytes.count
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

    static func shown(_ v: RawStatement.Value) -> String {
        switch v.type {
        case SQLITE_NULL: return "NULL"
        case SQLITE_INTEGER: return String(v.int64)
        case SQLITE_FLOAT: return "\(sqlite3_value_double(v.handle)) (a real)"
        case SQLITE_BLOB: return "\(String(decoding: v.bytes ?? UnsafeRawBufferPointer(start: nil, count: 0), as: UTF8.self).printableExcerpt) (a blob)"
        default: return String(decoding: v.bytes ?? UnsafeRawBufferPointer(start: nil, count: 0), as: UTF8.self).printableExcerpt
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

    /// `expected` must come in key order (SQLite's: text by bytes).
    func findings(_ db: Database, expected: some Sequence<[ExpectedValue]>) throws -> [String] {
        let keys = columns.prefix(keyCount).joined(separator: ", ")
        let rows = try RawStatement(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(keys)")
        rows.reset()
        defer { rows.reset() }
        var out: [String] = []
        var wanted = expected.makeIterator()
        var next = wanted.next()
        var hasRow = try rows.step()
        while out.count < limit, hasRow || next != nil {
            guard hasRow else {
                out.append("\(table) \(describe(next!)): in the journal but missing from the ledger")
                next = wanted.next()
                continue
            }
            guard let e = next else {
                out.append("\(table) \(describeRow(rows)): present in the ledger but not in the journal")
                hasRow = try rows.step()
                continue
            }
            var order = 0
            for i in 0..<keyCount where order == 0 { order = e[i].order(rows.value(Int32(i))) }
            if order < 0 {
                out.append("\(table) \(describe(e)): in the journal but missing from the ledger")
                next = wanted.next()
                continue
            }
            if order > 0 {
                out.append("\(table) \(describeRow(rows)): present in the ledger but not in the journal")
                hasRow = try rows.step()
                continue
            }
            let differing = (keyCount..<columns.count).filter { e[$0].order(rows.value(Int32($0))) != 0 || !sameClass(e[$0], rows.value(Int32($0))) }
            if !differing.isEmpty {
                let what = differing.map { "\(columns[$0]): \(ExpectedValue.shown(rows.value(Int32($0)))) in the ledger, \(e[$0].shown) from the journal" }
                out.append("\(table) \(describe(e)): differs from what the journal records (\(what.joined(separator: "; ")))")
            }
            next = wanted.next()
            hasRow = try rows.step()
        }
        return out
    }

    /// A real equal to the integer expected is still the wrong storage class.
    private func sameClass(_ e: ExpectedValue, _ v: RawStatement.Value) -> Bool {
        if case .integer = e { return v.type == SQLITE_INTEGER }
        return true
    }

    private func describe(_ row: [ExpectedValue]) -> String { row.prefix(keyCount).map(\.shown).joined(separator: "/") }
    private func describeRow(_ rows: RawStatement) -> String {
        (0..<keyCount).map { ExpectedValue.shown(rows.value(Int32($0))) }.joined(separator: "/")
    }
}
