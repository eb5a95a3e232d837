import Foundation
import GRDB
import GRDBSQLite
import PledgeCore

/// `audit verify`: the journal's chain and bytes, its replay, and every table against the replay.
struct Verifier {
    let db: any SQLSession
    /// Where a PostgreSQL ledger is (its schema check reads a scratch copy of the migrations over a second connection).
    var postgres: PostgresLocation?
    let expectHead: (seq: Int64, hash: String)?
    let maxFindings: Int
    private var findings: [AuditFinding] = []
    private var firstBad: Int64?

    init(db: any SQLSession, expectHead: (seq: Int64, hash: String)?, maxFindings: Int) {
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
        // PLEDGE_TIMING=1: the time to the end of each phase on stderr (Scripts/bench and profiling read it).
        let started = ProcessInfo.processInfo.environment["PLEDGE_TIMING"] == "1" ? DispatchTime.now().uptimeNanoseconds : nil
        func lap(_ phase: String) {
            guard let started else { return }
            FileHandle.standardError.write(Data("phase \(phase): \((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000) ms\n".utf8))
        }
        if let sqlite = db as? Database {
            for f in try SchemaCheck.findings(sqlite) + Ledger.migrationFindings(sqlite) { note(f) }
        } else if let postgres {
            for f in try PostgresSchemaCheck.findings(db, location: postgres) + PostgresSchemaCheck.migrationFindings(db) { note(f) }
        }
        lap("schema checked")
        let (replay, count, head) = try replayJournal()
        lap("journal replayed")
        for f in replay.findings { note(f) }
        let beyond = replay.states.all.withUnsafeBufferPointer { all in
            var total: Int64 = 0
            for k in all.indices {
                let (sum, overflow) = total.addingReportingOverflow(all[k].registration.amount.value)
                if overflow { return true }
                total = sum
            }
            return false
        }
        if beyond { note(.totalsBeyondInt64) }
        for f in try compareTables(replay) { note(f) }
        lap("tables compared")
        return AuditReport(entries: count, head: head, findings: findings, firstBadSeq: firstBad)
    }

    /// Replays each entry as the journal reader (on its own thread) hands it over, checked and decoded.
    private mutating func replayJournal() throws -> (JournalReplay, Int64, AppendedEntry?) {
        var replay = JournalReplay(entries: try Int.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM entries") ?? 0)
        let reader = try JournalReader(db, expectHead: expectHead)
        reader.start()
        defer { reader.stop() }
        while var batch = reader.channel.take() {
            batch.reverse()
            while let c = batch.popLast() {  // moved out of the batch, not copied
                for p in c.problems { note(c.seq, p) }
                guard let (h, event) = c.entry else { continue }
                replay.apply(seq: c.seq, previous: { (c.seq - 1, c.previousHash) }, at: h.at, operator: h.operator,
                             regNo: h.regNo, late: h.late, reason: h.reason, event: event)
            }
        }
        reader.stop()
        if let failure = reader.failure { throw failure }
        replay.finish()
        if let expectHead, !reader.expectedFound {
            note(.expectedHeadGone(seq: expectHead.seq, hash: expectHead.hash, lastSeq: reader.head?.seq ?? 0))
        }
        return (replay, reader.count, reader.head)
    }
}
