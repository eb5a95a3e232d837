import Foundation
import GRDB
import PledgeCore

/// What `audit verify` found. Empty `findings` means the journal's chain holds and every projection
/// equals what the journal alone rebuilds.
public struct AuditReport: Sendable {
    public var entries: Int64
    public var head: AppendedEntry?
    public var findings: [AuditFinding]
    /// The first entry whose chain link or payload is wrong, if any.
    public var firstBadSeq: Int64?
    public var isClean: Bool { findings.isEmpty }
}

extension Ledger {
    /// Re-hashes the journal from entry 1, replays it in memory under the ledger's rules through PledgeCore's
    /// projection (`JournalReplay`), and compares every table with the result (`TableComparison`), the schema with
    /// the migrations' (`SchemaCheck`). One read transaction sees the journal and the tables at the same moment.
    /// `expectHead` (`SEQ:HASH`) also proves the journal still holds that entry unchanged.
    public func verify(expectHead: (seq: Int64, hash: String)?, maxFindings: Int) throws -> AuditReport {
        if let postgres {
            return try postgresRead(postgres) { db in
                var v = Verifier(db: db, expectHead: expectHead, maxFindings: maxFindings)
                v.postgres = postgres.location
                return try v.run()
            }
        }
        return try Ledger.mapErrors(path) {
            try dbQueue.read { db in
                // Read the file through memory mapping: the whole ledger is read once, and read() calls cost more.
                try db.execute(sql: "PRAGMA mmap_size = 17179869184")
                defer { try? db.execute(sql: "PRAGMA mmap_size = 0") }
                var v = Verifier(db: db, expectHead: expectHead, maxFindings: maxFindings)
                return try v.run()
            }
        }
    }
}
