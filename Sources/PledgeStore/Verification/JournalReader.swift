import Foundation
import GRDB
import GRDBSQLite
import PledgeCore

/// The journal read in seq order on a thread of its own, while the replay applies the entries before: every link,
/// hash, column type and canonical byte form checked, and each entry decoded. The columns are compared where SQLite
/// holds them (bytes valid until the next step), without copies.
final class JournalReader: @unchecked Sendable {
    /// One entry as read: what is wrong with its bytes, and its header and event (nil when unreadable).
    struct Checked {
        var seq: Int64
        var problems: [AuditFinding.EntryProblem] = []
        var entry: (header: CanonicalEntry.Header, event: LedgerEvent)?
        /// The hash stored in the entry before it (read for period closes, whose anchor it is).
        var previousHash = ""
    }

    let channel = BatchChannel<[Checked]>(capacity: 8)
    /// Set on the reading thread before the channel closes (its lock orders them).
    private(set) var count: Int64 = 0
    private(set) var head: AppendedEntry?
    private(set) var expectedFound: Bool
    private(set) var failure: Error?

    private let rows: any JournalRows
    private let expectHead: (seq: Int64, hash: String)?
    private var interner = TextInterner()
    private let done = DispatchSemaphore(value: 0)

    /// Prepared on the connection's own thread; from `start` until `stop` only the reading thread uses it.
    init(_ db: any SQLSession, expectHead: (seq: Int64, hash: String)?) throws {
        let sql = "SELECT seq, at, operator, kind, reg_no, payload, prev_hash, hash FROM entries"
        if let sqlite = db as? Database {
            rows = try RawStatement(sqlite, sql: sql + " ORDER BY seq")
        } else {
            rows = PagedJournalRows(db, sql: sql)
        }
        self.expectHead = expectHead
        expectedFound = expectHead == nil
    }

    func start() {
        let thread = Thread { [self] in
            defer { rows.reset(); channel.close(); done.signal() }
            do { try read() } catch { failure = error }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private var stopped = false

    /// Stops the reading thread (at once when the replay ends early) and waits for it; once is enough.
    func stop() {
        guard !stopped else { return }
        stopped = true
        channel.cancel()
        done.wait()
    }

    private func read() throws {
        rows.reset()
        var prev = Array(CanonicalEntry.genesisHash.utf8)
        var expectedSeq: Int64 = 1
        var batch: [Checked] = []
        batch.reserveCapacity(512)
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        while try rows.step() {
            count += 1
            let seq = rows.int64(0)
            var c = Checked(seq: seq)
            var typed = rows.type(0) == SQLITE_INTEGER
            for column: Int32 in [1, 2, 3, 5, 6, 7] where rows.type(column) != SQLITE_TEXT { typed = false }
            let regNoType = rows.type(4)
            if regNoType != SQLITE_TEXT && regNoType != SQLITE_NULL { typed = false }
            let prevHash = rows.bytes(6) ?? none, hash = rows.bytes(7) ?? none, payload = rows.bytes(5) ?? none
            if seq != expectedSeq { c.problems.append(.seqGap(expected: expectedSeq)) }
            if !prev.withUnsafeBytes({ Self.equal($0, prevHash) }) { c.problems.append(.brokenLink) }
            if !CanonicalEntry.hash(prevHash: prevHash, payload: payload).sameBytes(hash) { c.problems.append(.hashMismatch) }
            if !typed { c.problems.append(.columnType) }
            if let expectHead, expectHead.seq == seq {
                expectedFound = true
                // The hash or its first digits (at least 8, as an auditor copies it).
                if !(hash.count >= expectHead.hash.utf8.count && expectHead.hash.sameBytes(UnsafeRawBufferPointer(rebasing: hash.prefix(expectHead.hash.utf8.count)))) {
                    c.problems.append(.notExpectedHead(hash: String(decoding: hash, as: UTF8.self), expected: expectHead.hash))
                }
            }
            if let (h, event, canonical) = decode(payload) {
                if !canonical { c.problems.append(.notCanonical) }
                if h.seq != seq || !h.at.sameBytes(rows.bytes(1) ?? none) || !h.operator.sameBytes(rows.bytes(2) ?? none)
                    || !h.kind.rawValue.sameBytes(rows.bytes(3) ?? none) || !Self.same(h.regNo, rows.bytes(4)) {
                    c.problems.append(.columnsDiffer)
                }
                if h.kind == .periodClose { c.previousHash = String(decoding: prev, as: UTF8.self) }
                c.entry = (h, event)
            } else {
                c.problems.append(.unreadable)
            }
            prev.removeAll(keepingCapacity: true)
            prev.append(contentsOf: hash)
            expectedSeq = seq + 1
            batch.append(c)
            if batch.count == 512 {
                guard channel.put(batch) else { return }
                batch.removeAll(keepingCapacity: true)
            }
        }
        if count > 0 { head = AppendedEntry(seq: expectedSeq - 1, hash: String(decoding: prev, as: UTF8.self)) }
        _ = channel.put(batch)
    }

    private static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    private static func same(_ a: String?, _ b: UnsafeRawBufferPointer?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.sameBytes(b)
    }

    /// The event and whether the payload is in canonical form: `register` entries by the strict reader (which reads
    /// only the canonical form); the others, and whatever it declines, by JSONDecoder, the form checked by encoding the
    /// event again as the schema specifies (JSONEncoder, sorted keys) and comparing bytes.
    private func decode(_ payload: UnsafeRawBufferPointer) -> (CanonicalEntry.Header, LedgerEvent, canonical: Bool)? {
        if let e = RegisterPayloadReader.read(payload, interner: &interner) {
            return ((e.seq, e.at, e.operator, .register, e.regNo, e.late, e.reason), .register(e.registration), true)
        }
        guard let text = String(validating: payload, as: UTF8.self), let (h, event) = try? CanonicalEntry.decode(payload: text) else { return nil }
        let again = try? CanonicalEntry.payload(seq: h.seq, at: h.at, operator: h.operator, regNo: h.regNo, late: h.late, reason: h.reason, event: event)
        return (h, event, event.kind != .register && again.map { $0.sameBytes(payload) } == true)
    }
}

/// The journal's rows as the reader steps through them: a column's storage class and bytes, valid until the next step.
protocol JournalRows {
    func reset()
    func step() throws -> Bool
    func int64(_ i: Int32) -> Int64
    func type(_ i: Int32) -> Int32
    func bytes(_ i: Int32) -> UnsafeRawBufferPointer?
}

extension RawStatement: JournalRows {
    func type(_ i: Int32) -> Int32 { value(i).type }
}

/// The journal read from PostgreSQL in pages of 10,000 entries by seq, inside the caller's snapshot; each row's texts
/// copied once into buffers of its own.
final class PagedJournalRows: JournalRows {
    private let db: any SQLSession
    private let sql: String
    private var page: [SQLRow] = []
    private var index = 0
    private var lastSeq: Int64?
    private var exhausted = false
    private var buffers: [UnsafeMutableRawBufferPointer?] = []

    init(_ db: any SQLSession, sql: String) {
        self.db = db
        self.sql = sql
    }

    deinit { free() }

    private func free() {
        for b in buffers { b?.deallocate() }
        buffers = []
    }

    func reset() {}

    func step() throws -> Bool {
        free()
        index += 1
        if index >= page.count {
            guard !exhausted else { return false }
            page = try SQLRow.fetchAll(db, sql: sql + " WHERE seq > ? ORDER BY seq LIMIT 10000", arguments: [lastSeq ?? Int64.min])
            index = 0
            exhausted = page.count < 10_000
            guard !page.isEmpty else { return false }
        }
        let row = page[index]
        lastSeq = row.databaseValue(at: 0).int64
        buffers = (0..<row.count).map { i in
            row.databaseValue(at: i).withBytes { bytes -> UnsafeMutableRawBufferPointer? in
                guard row.databaseValue(at: i).type == SQLITE_TEXT else { return nil }
                let b = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
                if bytes.count > 0 { b.copyMemory(from: bytes) }
                return UnsafeMutableRawBufferPointer(rebasing: b[0..<bytes.count])
            }
        }
        return true
    }

    func int64(_ i: Int32) -> Int64 { page[index].databaseValue(at: Int(i)).int64 }
    func type(_ i: Int32) -> Int32 { page[index].databaseValue(at: Int(i)).type }
    func bytes(_ i: Int32) -> UnsafeRawBufferPointer? { buffers[Int(i)].map { UnsafeRawBufferPointer($0) } }
}
