import GRDB
import GRDBSQLite

/// Keyed multiset digests of the three large tables the quick pass compares as a whole
/// (`registration_rights`, `enterprises`, `target_enterprises`), read a slice at a time by the reading
/// thread whenever the checker thread is behind, so that they cost no time of their own.
struct TableDigests {
    private(set) var rights = MultisetDigest(), enterprises = MultisetDigest(), served = MultisetDigest()
    /// False when a value is stored as another type than the writer gives it (not provable: full comparison).
    private(set) var typed = true
    private let statements: [RawStatement]
    private let nameStart = NameHash.start
    private var current = 0

    init(_ db: Database) throws {
        statements = try [
            RawStatement(db, sql: "SELECT ip_number, reg_no FROM registration_rights"),
            RawStatement(db, sql: "SELECT uscc, name FROM enterprises"),
            RawStatement(db, sql: "SELECT target, uscc, registrations FROM target_enterprises"),
        ]
        for s in statements { s.reset() }
    }

    var done: Bool { current == statements.count }

    /// Reads up to `rows` more rows.
    mutating func read(rows: Int) throws {
        var left = rows
        while left > 0, current < statements.count {
            let s = statements[current]
            guard try s.step() else {
                s.reset()
                current += 1
                continue
            }
            left -= 1
            let v0 = s.value(0), v1 = s.value(1)
            guard v0.type == SQLITE_TEXT, v1.type == SQLITE_TEXT, let a = v0.bytes, let b = v1.bytes else { return stop() }
            let first = a.assumingMemoryBound(to: UInt8.self), second = b.assumingMemoryBound(to: UInt8.self)
            switch current {
            case 0: rights.add(first, second)
            case 1: enterprises.add(uscc: first, name: NameHash(second, start: nameStart))
            default:
                let v2 = s.value(2)
                guard v2.type == SQLITE_INTEGER else { return stop() }
                served.add(first, second, v2.int64)
            }
        }
    }

    mutating func finish() throws {
        while !done { try read(rows: 4096) }
    }

    private mutating func stop() {
        typed = false
        for s in statements { s.reset() }
        current = statements.count
    }
}
