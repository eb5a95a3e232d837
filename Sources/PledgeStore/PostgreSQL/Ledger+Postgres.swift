import Foundation
import PledgeCore
import PledgeSchema

/// A ledger in a PostgreSQL database (`--db postgresql://…`): the same tables (Schema/postgres/), the same store code.
/// Writers take one advisory lock for their transaction, so the journal's chain never forks; reads see one snapshot.
extension Ledger {
    /// The advisory lock of the ledger's writers (the bytes of "pledge").
    static let writerLock: Int64 = 0x70_6c_65_64_67_65

    static func createPostgres(_ location: PostgresLocation, operatorName: String, busyTimeout: TimeInterval) throws -> Ledger {
        let session = try PostgresSession.connect(location)
        session.lockTimeout = busyTimeout
        do {
            try session.transaction("BEGIN") {
                if try Bool.fetchOne(session, sql: "SELECT to_regclass('entries') IS NOT NULL OR to_regclass('pledge_migrations') IS NOT NULL") == true {
                    throw StoreError.ledgerExists(path: location.description)
                }
                let encoding = try String.fetchOne(session, sql: "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()")
                guard encoding == "UTF8" else {
                    throw StoreError.notALedger(path: location.description, detail: "the database's encoding is \(encoding ?? "?"), not UTF8: create it with ENCODING 'UTF8'")
                }
                try migratePostgres(session, applied: [])
            }
        } catch {
            session.close()
            throw error
        }
        return Ledger(path: location.description, readOnly: false, operatorName: operatorName, dbQueue: nil, postgres: session)
    }

    static func openPostgres(_ location: PostgresLocation, readOnly: Bool, operatorName: String, busyTimeout: TimeInterval) throws -> Ledger {
        let session = try PostgresSession.connect(location)
        session.lockTimeout = busyTimeout
        do {
            try session.transaction("BEGIN") {
                let (entries, migrations) = try SQLRow.fetchOne(session, sql: """
                    SELECT to_regclass('entries') IS NOT NULL AS entries, to_regclass('pledge_migrations') IS NOT NULL AS migrations
                    """).map { ($0["entries"] as Bool, $0["migrations"] as Bool) } ?? (false, false)
                guard entries || migrations else { throw StoreError.ledgerMissing(path: location.description) }
                guard entries, migrations else { throw StoreError.notALedger(path: location.description, detail: "it has no journal table") }
                let applied = try String.fetchAll(session, sql: "SELECT identifier FROM pledge_migrations ORDER BY identifier")
                let known = SchemaMigrations.postgres.map(\.id)
                guard Set(applied).isSubset(of: known) else { throw StoreError.newerSchema(path: location.description) }
                if applied != known {
                    if let problem = migrationRecordProblem(applied: applied) { throw StoreError.damagedSchema(path: location.description, detail: problem) }
                    guard !readOnly else { throw StoreError.olderSchema(path: location.description) }
                    try migratePostgres(session, applied: applied)
                }
            }
            // An auditor's read-only open cannot write, whatever it runs.
            if readOnly { try session.execute(sql: "SET default_transaction_read_only = on") }
        } catch {
            session.close()
            throw error
        }
        return Ledger(path: location.description, readOnly: readOnly, operatorName: operatorName, dbQueue: nil, postgres: session)
    }

    /// Applies the migrations `applied` lacks, in order, and records them (inside the caller's transaction).
    private static func migratePostgres(_ session: PostgresSession, applied: [String]) throws {
        for (id, sql) in SchemaMigrations.postgres where !applied.contains(id) {
            if !sql.isEmpty { try session.script(sql) }
            try session.execute(sql: "INSERT INTO pledge_migrations(identifier) VALUES (?)", arguments: [id])
        }
    }

    /// A read on one snapshot of the database.
    func postgresRead<T>(_ session: PostgresSession, _ body: (any SQLSession) throws -> T) throws -> T {
        try session.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { try body(session) }
    }

    /// A write: one transaction holding the writers' lock (waiting at most the busy timeout for it), so that it reads
    /// the journal's head after the last writer committed.
    func postgresWrite<T>(_ session: PostgresSession, _ body: (LedgerTransaction) throws -> T) throws -> T {
        try session.transaction("BEGIN") {
            try session.execute(sql: "SET LOCAL lock_timeout = \(max(1, Int(session.lockTimeout * 1000)))")
            // Waited for here, before the transaction takes its time: entries are stamped in the order they commit.
            try session.query("SELECT pg_advisory_xact_lock(?)", [Self.writerLock])
            let tx = try LedgerTransaction(db: session, operatorName: operatorName)
            let result = try body(tx)
            try tx.flushProjections()
            try Ledger.requireTotalsInRange(session)
            return result
        }
    }
}
