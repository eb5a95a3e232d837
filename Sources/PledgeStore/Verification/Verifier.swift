import Foundation
import GRDB
import GRDBSQLite
import PledgeCore

/// `audit verify`: the journal's chain and bytes, its replay, and every table against the replay.
struct Verifier {
    let db: Database
    let expectHead: (seq: Int64, hash: String)?
    let maxFindings: Int
    private var findings: [String] = []
    private var firstBad: Int64?

    init(db: Database, expectHead: (seq: Int64, hash: String)?, maxFindings: Int) {
        self.db = db
        self.expectHead = expectHead
        self.maxFindings = maxFindings
    }

    private mutating func note(_ s: String, seq: Int64? = nil) {
        if let seq, firstBad == nil { firstBad = seq }
        if findings.count < maxFindings { findings.append(s) }
    }

    mutating func run() throws -> AuditReport {
        let t0 = Date()
        for f in try SchemaCheck.findings(db) + Ledger.rangeFindings(db) + Ledger.migrationFindings(db) { note(f) }
        let t1 = Date()
        let (replay, count, head) = try replayJournal()
        let t2 = Date()
        defer { if ProcessInfo.processInfo.environment["VT"] != nil { FileHandle.standardError.write("stored \(t1.timeIntervalSince(t0)) replay \(t2.timeIntervalSince(t1)) tables \(Date().timeIntervalSince(t2))\n".data(using: .utf8)!) } }
        for (seq, text) in replay.findings { note(text, seq: seq) }
        var total: Int64 = 0
        for s in replay.states.values {
            let (sum, overflow) = total.addingReportingOverflow(s.registration.amount.value)
            if overflow { note("the journal's amounts add up beyond the largest total a ledger can hold (an Int64 of fen)"); break }
            total = sum
        }
        for f in try compareTables(replay) { note(f) }
        return AuditReport(entries: count, head: head, findings: findings, firstBadSeq: firstBad)
    }

    /// Reads the journal in order: every link, hash, column type and canonical byte form, then replays each entry.
    private mutating func replayJournal() throws -> (JournalReplay, Int64, AppendedEntry?) {
        var replay = JournalReplay(entries: try Int.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM entries") ?? 0)
        let rows = try RawStatement(db, sql: "SELECT seq, at, operator, kind, reg_no, payload, prev_hash, hash FROM entries ORDER BY seq")
        rows.reset()
        defer { rows.reset() }
        var prev = CanonicalEntry.genesisHash
        var expectedSeq: Int64 = 1, count: Int64 = 0
        var head: AppendedEntry?
        var expectedFound = expectHead == nil
        while try rows.step() {
            count += 1
            let seq = rows.int64(0)
            let typed = rows.value(0).type == SQLITE_INTEGER && [1, 2, 3, 5, 6, 7].allSatisfy { rows.value(Int32($0)).type == SQLITE_TEXT }
                && [SQLITE_TEXT, SQLITE_NULL].contains(rows.value(4).type)
            let at = rows.text(1) ?? "", op = rows.text(2) ?? "", kind = rows.text(3) ?? "", regNo = rows.text(4)
            let prevHash = rows.text(6) ?? "", hash = rows.text(7) ?? ""
            let payload = Array(rows.bytes(5) ?? UnsafeRawBufferPointer(start: nil, count: 0))
            defer { prev = hash; expectedSeq = seq + 1; head = AppendedEntry(seq: seq, hash: hash) }
            if seq != expectedSeq { note("entry \(seq): expected seq \(expectedSeq); entries are missing or renumbered", seq: seq) }
            if !prevHash.sameBytes(prev) { note("entry \(seq): prev_hash does not match the hash of entry \(seq - 1); the chain is broken here", seq: seq) }
            if !CanonicalEntry.hash(prevHash: prevHash, payload: payload).sameBytes(hash) {
                note("entry \(seq): the hash does not match its payload; the entry was altered after it was written", seq: seq)
            }
            if !typed { note("entry \(seq): a column is stored as another type than the journal writes (text); it was altered", seq: seq) }
            if let expectHead, expectHead.seq == seq {
                if expectHead.hash.sameBytes(hash) { expectedFound = true } else {
                    expectedFound = true
                    note("entry \(seq): hash \(hash) is not the expected head \(expectHead.hash)", seq: seq)
                }
            }
            guard let (h, event, canonical) = decode(payload) else {
                note("entry \(seq): the payload is not a readable entry; it cannot be replayed", seq: seq)
                continue
            }
            if !canonical { note("entry \(seq): the payload is not in canonical form (keys, order, spacing or escapes differ)", seq: seq) }
            if h.seq != seq || !h.at.sameBytes(at) || !h.operator.sameBytes(op) || h.kind.rawValue != kind || !Self.same(h.regNo, regNo) {
                note("entry \(seq): the columns seq/at/operator/kind/reg_no differ from its payload", seq: seq)
            }
            replay.apply(seq: seq, hash: hash, at: h.at, regNo: h.regNo, late: h.late, event: event)
        }
        if let expectHead, !expectedFound {
            note("the journal has no entry \(expectHead.seq) (it ends at \(head?.seq ?? 0)); the expected head \(expectHead.seq):\(expectHead.hash) is gone")
        }
        return (replay, count, head)
    }

    private static func same(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.sameBytes(b)
    }

    private typealias Header = (seq: Int64, at: String, operator: String, kind: EntryKind, regNo: String?, late: Bool)

    /// The event and whether the payload is in canonical form: `register` entries by the strict reader (which reads
    /// only the canonical form); the others, and whatever it declines, by JSONDecoder, the form checked by encoding the
    /// event again as the schema specifies (JSONEncoder, sorted keys) and comparing bytes.
    private func decode(_ payload: [UInt8]) -> (Header, LedgerEvent, canonical: Bool)? {
        if let e = payload.withUnsafeBytes({ RegisterPayloadReader.read($0) }) {
            return ((e.seq, e.at, e.operator, .register, e.regNo, e.late), .register(e.registration), true)
        }
        guard let text = String(validating: payload, as: UTF8.self), let (h, event) = try? CanonicalEntry.decode(payload: text) else { return nil }
        let again = try? CanonicalEntry.payload(seq: h.seq, at: h.at, operator: h.operator, regNo: h.regNo, late: h.late, event: event)
        return (h, event, event.kind != .register && again.map { Array($0.utf8) == payload } == true)
    }
}
