import Foundation
import GRDB
import GRDBSQLite
import PledgeCore

/// `audit verify`: the journal's chain and bytes, its replay, and every table against the replay.
struct Verifier {
    let db: Database
    let expectHead: (seq: Int64, hash: String)?
    let maxFindings: Int
    private var findings: [AuditFinding] = []
    private var firstBad: Int64?

    init(db: Database, expectHead: (seq: Int64, hash: String)?, maxFindings: Int) {
        self.db = db
        self.expectHead = expectHead
        self.maxFindings = maxFindings
    }

    private mutating func note(_ f: AuditFinding) {
        if let seq = f.seq, firstBad == nil { firstBad = seq }
        if findings.count < maxFindings { findings.append(f) }
    }

    private mutating func note(_ seq: Int64, _ problem: AuditFinding.EntryProblem) { note(.entry(seq, problem)) }

    mutating func run() throws -> AuditReport {
        for f in try SchemaCheck.findings(db) + Ledger.migrationFindings(db) { note(f) }
        let (replay, count, head) = try replayJournal()
        for f in replay.findings { note(f) }
        var total: Int64 = 0
        for s in replay.states.values {
            let (sum, overflow) = total.addingReportingOverflow(s.registration.amount.value)
            if overflow { note(.totalsBeyondInt64); break }
            total = sum
        }
        for f in try compareTables(replay) { note(f) }
        return AuditReport(entries: count, head: head, findings: findings, firstBadSeq: firstBad)
    }

    /// Reads the journal in order: every link, hash, column type and canonical byte form, then replays each entry.
    /// The columns are compared where SQLite holds them (bytes valid until the next step), without copies.
    private mutating func replayJournal() throws -> (JournalReplay, Int64, AppendedEntry?) {
        var replay = JournalReplay(entries: try Int.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM entries") ?? 0)
        let rows = try RawStatement(db, sql: "SELECT seq, at, operator, kind, reg_no, payload, prev_hash, hash FROM entries ORDER BY seq")
        rows.reset()
        defer { rows.reset() }
        var prev = Array(CanonicalEntry.genesisHash.utf8)
        var expectedSeq: Int64 = 1, count: Int64 = 0
        var expectedFound = expectHead == nil
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        while try rows.step() {
            count += 1
            let seq = rows.int64(0)
            var typed = rows.value(0).type == SQLITE_INTEGER
            for column: Int32 in [1, 2, 3, 5, 6, 7] where rows.value(column).type != SQLITE_TEXT { typed = false }
            let regNoType = rows.value(4).type
            if regNoType != SQLITE_TEXT && regNoType != SQLITE_NULL { typed = false }
            let prevHash = rows.bytes(6) ?? none, hash = rows.bytes(7) ?? none, payload = rows.bytes(5) ?? none
            defer { prev.removeAll(keepingCapacity: true); prev.append(contentsOf: hash); expectedSeq = seq + 1 }
            if seq != expectedSeq { note(seq, .seqGap(expected: expectedSeq)) }
            if !prev.withUnsafeBytes({ Self.equal($0, prevHash) }) { note(seq, .brokenLink) }
            if !CanonicalEntry.hash(prevHash: prevHash, payload: payload).sameBytes(hash) {
                note(seq, .hashMismatch)
            }
            if !typed { note(seq, .columnType) }
            if let expectHead, expectHead.seq == seq {
                expectedFound = true
                // The hash or its first digits (at least 8, as an auditor copies it).
                if !(hash.count >= expectHead.hash.utf8.count && expectHead.hash.sameBytes(UnsafeRawBufferPointer(rebasing: hash.prefix(expectHead.hash.utf8.count)))) {
                    note(seq, .notExpectedHead(hash: String(decoding: hash, as: UTF8.self), expected: expectHead.hash))
                }
            }
            guard let (h, event, canonical) = decode(payload) else {
                note(seq, .unreadable)
                continue
            }
            if !canonical { note(seq, .notCanonical) }
            if h.seq != seq || !h.at.sameBytes(rows.bytes(1) ?? none) || !h.operator.sameBytes(rows.bytes(2) ?? none)
                || !h.kind.rawValue.sameBytes(rows.bytes(3) ?? none) || !Self.same(h.regNo, rows.bytes(4)) {
                note(seq, .columnsDiffer)
            }
            replay.apply(seq: seq, previous: { (seq - 1, String(decoding: prev, as: UTF8.self)) }, at: h.at, operator: h.operator,
                         regNo: h.regNo, late: h.late, reason: h.reason, event: event)
        }
        replay.finish()
        let head = count == 0 ? nil : AppendedEntry(seq: expectedSeq - 1, hash: String(decoding: prev, as: UTF8.self))
        if let expectHead, !expectedFound {
            note(.expectedHeadGone(seq: expectHead.seq, hash: expectHead.hash, lastSeq: head?.seq ?? 0))
        }
        return (replay, count, head)
    }

    private static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    private static func same(_ a: String?, _ b: UnsafeRawBufferPointer?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.sameBytes(b)
    }

    private typealias Header = CanonicalEntry.Header

    /// The event and whether the payload is in canonical form: `register` entries by the strict reader (which reads
    /// only the canonical form); the others, and whatever it declines, by JSONDecoder, the form checked by encoding the
    /// event again as the schema specifies (JSONEncoder, sorted keys) and comparing bytes.
    private func decode(_ payload: UnsafeRawBufferPointer) -> (Header, LedgerEvent, canonical: Bool)? {
        if let e = RegisterPayloadReader.read(payload) {
            return ((e.seq, e.at, e.operator, .register, e.regNo, e.late, e.reason), .register(e.registration), true)
        }
        guard let text = String(validating: payload, as: UTF8.self), let (h, event) = try? CanonicalEntry.decode(payload: text) else { return nil }
        let again = try? CanonicalEntry.payload(seq: h.seq, at: h.at, operator: h.operator, regNo: h.regNo, late: h.late, reason: h.reason, event: event)
        return (h, event, event.kind != .register && again.map { $0.sameBytes(payload) } == true)
    }
}
