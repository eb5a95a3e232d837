import GRDB
import PledgeCore

/// A user's password and API-token hashes: kept beside the journal, carried along by a copy.
public struct UserCredential: Sendable, Equatable {
    public var name: String
    public var passwordHash: String?
    public var tokenHash: String?

    public init(name: String, passwordHash: String?, tokenHash: String?) {
        self.name = name
        self.passwordHash = passwordHash
        self.tokenHash = tokenHash
    }
}

/// Copies between ledgers: the journal is the ledger, so a copy replays it entry by entry.
extension Ledger {
    /// Every journal entry, oldest first, from one snapshot.
    public func journal(_ body: (JournalEntry) throws -> Void) throws {
        try read { db in
            try SQLRow.forEach(db, sql: "SELECT seq, at, operator, kind, reg_no, payload, prev_hash, hash FROM entries ORDER BY seq") { row in try body(try Ledger.journalEntry(row)) }
        }
    }

    public func credentials() throws -> [UserCredential] {
        try read { db in
            try SQLRow.fetchAll(db, sql: "SELECT name, password_hash, token_hash FROM user_credentials ORDER BY name").map {
                UserCredential(name: $0["name"], passwordHash: $0["password_hash"], tokenHash: $0["token_hash"])
            }
        }
    }

    /// Appends every entry of `source`'s journal, as written, to this ledger, which holds none, and its users'
    /// credentials; one transaction. Each entry is re-encoded and must give its own bytes and hash, so the copy ends at
    /// the source's head; the projections are those the entries make. `progress` is told each entry's seq.
    public func replay(from source: any LedgerStore, progress: ((Int64) -> Void)? = nil) throws -> AppendedEntry? {
        let credentials = try source.credentials()
        return try write { tx in
            guard tx.headSeq == 0 else { throw StoreError.notEmpty(path: path) }
            // The entries an approval wrote follow it in the journal: they are appended as the approval appended them.
            tx.approving = true
            try source.journal { entry in
                try tx.append(replaying: entry)
                progress?(entry.seq)
            }
            for c in credentials {
                try tx.db.execute(sql: "INSERT INTO user_credentials(name, password_hash, token_hash) VALUES (?, ?, ?)",
                                  arguments: [c.name, c.passwordHash, c.tokenHash])
            }
            return tx.headSeq == 0 ? nil : AppendedEntry(seq: tx.headSeq, hash: tx.headHash)
        }
    }
}
