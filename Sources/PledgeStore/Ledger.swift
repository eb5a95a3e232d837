import Foundation
import GRDB
import PledgeCore
import PledgeSchema

/// The ledger file: owns the SQLite connection and the migrator; every write is one
/// `BEGIN IMMEDIATE` transaction that appends journal entries and updates the projections.
public final class Ledger: Sendable {
    public let path: String
    public let readOnly: Bool
    /// Recorded on every entry this ledger writes.
    public let operatorName: String
    let dbQueue: DatabaseQueue

    /// How long a writer waits for another writer's lock before giving up (exit 75).
    public static let defaultBusyTimeout: TimeInterval = 10

    private init(path: String, readOnly: Bool, operatorName: String, dbQueue: DatabaseQueue) {
        self.path = path
        self.readOnly = readOnly
        self.operatorName = operatorName
        self.dbQueue = dbQueue
    }

    static func configuration(readOnly: Bool, busyTimeout: TimeInterval) -> Configuration {
        var config = Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.label = "pledge"
        config.prepareDatabase { db in
            if !db.configuration.readonly {
                // page_size only takes effect before the first table is created.
                try db.execute(sql: "PRAGMA page_size = 16384")
                // A committed registration survives power loss: one fsync per transaction.
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        return config
    }

    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for (id, sql, editsSchemaText) in SchemaMigrations.all {
            migrator.registerMigration(id) { db in
                guard editsSchemaText else { return try db.execute(sql: sql) }
                // https://sqlite.org/lang_altertable.html#otheralter: inside the migration's transaction,
                // edit the text, then bump schema_version so every connection re-reads the schema.
                let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
                try db.execute(sql: "PRAGMA writable_schema = ON")
                defer { try? db.execute(sql: "PRAGMA writable_schema = OFF") }
                try db.execute(sql: sql)
                try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
            }
        }
        return migrator
    }

    /// Creates a new ledger file (mode 0600), its schema, and the first entries `seed` returns
    /// (reference lists, default target). Refuses to touch an existing file.
    public static func create(at path: String, operatorName: String,
                              busyTimeout: TimeInterval = defaultBusyTimeout) throws -> Ledger {
        let fd = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd < 0 {
            let err = errno
            if err == EEXIST { throw StoreError.ledgerExists(path: path) }
            throw StoreError.io(path: path, detail: String(cString: strerror(err)))
        }
        close(fd)
        do {
            let queue = try mapErrors(path) {
                try DatabaseQueue(path: path, configuration: configuration(readOnly: false, busyTimeout: busyTimeout))
            }
            try mapErrors(path) {
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA journal_mode = WAL")
                }
                try migrator().migrate(queue)
            }
            return Ledger(path: path, readOnly: false, operatorName: operatorName, dbQueue: queue)
        } catch {
            // A half-created ledger is worse than none.
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
            throw error
        }
    }

    /// Opens an existing ledger. Read-only opens SQLite with SQLITE_OPEN_READONLY: nothing can be written.
    public static func open(at path: String, readOnly: Bool, operatorName: String,
                            busyTimeout: TimeInterval = defaultBusyTimeout) throws -> Ledger {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw StoreError.ledgerMissing(path: path)
        }
        guard !isDir.boolValue else { throw StoreError.notALedger(path: path, detail: "it is a directory") }
        let queue = try mapErrors(path) {
            try DatabaseQueue(path: path, configuration: configuration(readOnly: readOnly, busyTimeout: busyTimeout))
        }
        try mapErrors(path) {
            let migrator = migrator()
            let (isLedger, superseded, complete, wal) = try queue.read { db in
                (try db.tableExists("entries") && db.tableExists("grdb_migrations"),
                 try migrator.hasBeenSuperseded(db),
                 try migrator.hasCompletedMigrations(db),
                 try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            }
            guard isLedger else { throw StoreError.notALedger(path: path, detail: "it has no journal table") }
            guard !superseded else { throw StoreError.newerSchema(path: path) }
            if !complete {
                // The upgrade writes projections (one transaction); a read-only open cannot, and would read missing tables.
                guard !readOnly else { throw StoreError.olderSchema(path: path) }
                try migrator.migrate(queue)
            }
            // A first load that died before putting the WAL back left the rollback journal mode (bulkWrite).
            if !readOnly && !wal { try? restoreWAL(queue, wait: false) }
        }
        return Ledger(path: path, readOnly: readOnly, operatorName: operatorName, dbQueue: queue)
    }

    /// Runs a read on a consistent snapshot.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try Ledger.mapErrors(path) { try dbQueue.read(body) }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction; entries it appends commit together or not at all.
    public func write<T>(_ body: (LedgerTransaction) throws -> T) throws -> T {
        guard !readOnly else { throw StoreError.readOnly(path: path) }
        return try Ledger.mapErrors(path) {
            try dbQueue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(try LedgerTransaction(db: db, operatorName: operatorName))
                    return .commit
                }
                return result!
            }
        }
    }

    /// `write` for bulk loads (imports). Statement journals stay in memory (`temp_store = MEMORY`): the journal's
    /// chain trigger makes SQLite keep one per INSERT, and on disk each cost a 16 KB write to a temporary file.
    /// `ImportSession.finish` sets temp files back before it sorts the deferred indexes.
    ///
    /// A first load (no registrations yet) runs with foreign keys off and without the journal's chain trigger, and
    /// checks every key and every link of the chain before it commits (`FirstLoadChecks`, after `body`: an import
    /// has re-created the rights' `reg_no` index by then); the pragma and the trigger are back when this returns.
    ///
    /// With `rollbackJournalIfEmpty`, when the ledger has no registrations yet and no other connection has it
    /// open, the transaction runs with a rollback journal instead of the WAL: new pages are written to the
    /// file once, not to the WAL and again by the checkpoint (measured: a 1M-row first load 97–100 s → 79–82 s).
    /// Just as atomic (a crash leaves a `-journal` that the next open rolls back); other processes wait
    /// (busy, exit 75) instead of reading the empty ledger meanwhile. The WAL comes back afterwards, and
    /// `open` restores it should this process die first.
    ///
    /// `progress` is told the steps after `body` (the checks of a first load, then the commit) as each starts.
    public func bulkWrite<T>(rollbackJournalIfEmpty: Bool, progress: ((LoadStep) -> Void)? = nil,
                             _ body: (LedgerTransaction) throws -> T) throws -> T {
        guard !readOnly else { throw StoreError.readOnly(path: path) }
        var (firstLoad, rollbackJournal) = (false, false)
        defer {
            _ = try? dbQueue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA temp_store = DEFAULT; PRAGMA foreign_keys = ON") }
            if rollbackJournal { try? Ledger.restoreWAL(dbQueue, wait: true) }
        }
        try Ledger.mapErrors(path) {
            try dbQueue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
                guard try !Ledger.hasRegistrations(db) else { return }
                // A first load checks the foreign keys once, before it commits, instead of looking up each right's
                // registration as the right is written (measured at 1M rows: about 6 s of 60). A pragma of the
                // connection, not of the file; it cannot change inside a transaction.
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                firstLoad = true
                guard rollbackJournalIfEmpty else { return }
                // Leaving the WAL needs the file to ourselves: ask once, without waiting for other connections.
                rollbackJournal = try Ledger.withoutWaiting(db) { (try? String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")) == "delete" }
            }
        }
        return try write { tx in
            guard firstLoad else {
                let result = try body(tx)
                progress?(.committing)
                return result
            }
            let chain = try FirstLoadChecks.suspendChainTrigger(tx)
            let result = try body(tx)
            progress?(.checkingForeignKeys)
            try FirstLoadChecks.checkForeignKeys(tx.db)
            progress?(.checkingChain)
            try FirstLoadChecks.checkChain(chain, db: tx.db)
            progress?(.committing)
            return result
        }
    }

    /// Whether any registration is recorded: a load into a ledger without one is a first load.
    static func hasRegistrations(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM registrations)") ?? false
    }

    /// Puts the ledger back in WAL mode (after a first load, or after a process that died during one). Without
    /// `wait`, gives up at once when another connection is using the file (the next writable open tries again).
    static func restoreWAL(_ queue: DatabaseQueue, wait: Bool) throws {
        try queue.writeWithoutTransaction { db in
            func restore() throws {
                if try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" { try db.execute(sql: "PRAGMA journal_mode = WAL") }
            }
            if wait { try restore() } else { try withoutWaiting(db, restore) }
        }
    }

    /// Runs `body` with SQLite's busy timeout at zero: a lock held by another connection fails at once.
    private static func withoutWaiting<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        let timeout = try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0
        try db.execute(sql: "PRAGMA busy_timeout = 0")
        defer { try? db.execute(sql: "PRAGMA busy_timeout = \(timeout)") }
        return try body()
    }

    /// Turns SQLite failures into the store's one-line errors; lets the libraries' own errors through.
    static func mapErrors<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as any PledgeFailure {
            throw e
        } catch let e as DatabaseError {
            if e.extendedResultCode == .SQLITE_READONLY_ROLLBACK { throw StoreError.interruptedWrite(path: path) }
            switch e.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: throw StoreError.busy(path: path)
            case .SQLITE_READONLY: throw StoreError.readOnly(path: path)
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                throw StoreError.notALedger(path: path, detail: "not an SQLite database or damaged")
            case .SQLITE_FULL: throw StoreError.io(path: path, detail: "the disk is full; nothing was written")
            case .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
                throw StoreError.io(path: path, detail: e.message ?? "\(e.resultCode)")
            default: throw StoreError.internalError("\(e.resultCode): \(e.message ?? "")")
            }
        }
    }
}
