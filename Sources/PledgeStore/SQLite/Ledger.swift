import Foundation
import GRDB
import GRDBSQLite
import PledgeCore
import PledgeSchema

/// The ledger: a SQLite file (its connection and migrator; every write one `BEGIN IMMEDIATE` transaction that appends
/// journal entries and updates the projections) or a PostgreSQL database (`Ledger+Postgres.swift`), behind one API.
public final class Ledger: Sendable {
    public let path: String
    public let readOnly: Bool
    /// Recorded on every entry this ledger writes.
    public let operatorName: String
    /// The SQLite connection; nil on PostgreSQL.
    let queue: DatabaseQueue?
    /// The PostgreSQL connection; nil on SQLite.
    let postgres: PostgresSession?
    /// How a read-only open reads the file (the ledger itself or a private snapshot of it); nil when writable.
    let access: ReadOnlyAccess?
    /// Connections that read side by side (`concurrentReads()`, for the server); nil: reads share the one connection.
    let readers: DatabasePool?

    /// How long a writer waits for another writer's lock before giving up (exit 75).
    public static let defaultBusyTimeout: TimeInterval = 10

    init(path: String, readOnly: Bool, operatorName: String, dbQueue: DatabaseQueue?, access: ReadOnlyAccess? = nil,
         readers: DatabasePool? = nil, postgres: PostgresSession? = nil) {
        self.access = access
        self.path = path
        self.readOnly = readOnly
        self.operatorName = operatorName
        queue = dbQueue
        self.readers = readers
        self.postgres = postgres
    }

    /// The SQLite connection, for what only SQLite does (`backup`, the verifier's raw reads).
    var dbQueue: DatabaseQueue {
        get throws {
            guard let queue else { throw StoreError.notOnPostgres(operation: "this command") }
            return queue
        }
    }

    var backend: Backend { postgres == nil ? .sqlite : .postgres }

    /// The same open ledger writing as another operator: the server records each request's signed-in user.
    public func acting(as operatorName: String) -> Ledger {
        Ledger(path: path, readOnly: readOnly, operatorName: operatorName, dbQueue: queue, access: access, readers: readers, postgres: postgres)
    }

    /// The same open ledger whose queries run side by side on a pool of read-only connections (WAL snapshots), while
    /// writes keep the one connection: a server's many readers no longer queue behind each other. A read-only ledger
    /// (a private snapshot) keeps its one connection.
    public func concurrentReads() throws -> Ledger {
        guard !readOnly, postgres == nil else { return self }
        var config = Ledger.configuration(readOnly: false, busyTimeout: Ledger.defaultBusyTimeout)
        config.maximumReaderCount = 4
        let pool = try Ledger.mapErrors(path) { try DatabasePool(path: path, configuration: config) }
        return Ledger(path: path, readOnly: readOnly, operatorName: operatorName, dbQueue: queue, access: access, readers: pool)
    }

    /// `keepSidecars`: a writer leaves the emptied `-wal` and `-shm` when it closes (a backup, one standalone file, does not).
    static func configuration(readOnly: Bool, busyTimeout: TimeInterval, keepSidecars: Bool = true) -> Configuration {
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
                // The -wal and -shm files stay when the last writer closes (the WAL emptied): a read-only reader,
                // another OS user in a folder it cannot write, needs them and must never create them itself.
                keepWALFiles(db, keepSidecars)
                try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            }
        }
        return config
    }

    /// Whether this connection leaves the `-wal` and `-shm` files when it closes or leaves WAL mode.
    static func keepWALFiles(_ db: Database, _ keep: Bool) {
        var persist: Int32 = keep ? 1 : 0
        _ = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
    }

    /// Tables a migration creates whose rows follow a rule PledgeCore states, filled for the ledger's data by the store.
    static let filled: [String: @Sendable (Database) throws -> Void] = [
        "015_subsidy_lines": { db in
            let lines = try SubsidyLines(db)
            for p in try SubsidyLines.policies(db) { try lines.rebuild(p.name) }
        },
    ]

    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for (id, sql, editsSchemaText) in SchemaMigrations.all {
            migrator.registerMigration(id) { db in
                guard editsSchemaText else {
                    try db.execute(sql: sql)
                    return try filled[id]?(db) ?? ()
                }
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
        if PostgresLocation.isURL(path) {
            return try createPostgres(PostgresLocation(url: path), operatorName: operatorName, busyTimeout: busyTimeout)
        }
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

    /// Opens an existing ledger; read-only creates no file beside it (`ReadOnlyAccess`). `audit` opens a ledger whose
    /// migration record is damaged without migrating it, so that `audit verify` can report it.
    public static func open(at path: String, readOnly: Bool, operatorName: String,
                            busyTimeout: TimeInterval = defaultBusyTimeout, audit: Bool = false,
                            keepSidecars: Bool = true) throws -> Ledger {
        if PostgresLocation.isURL(path) {
            return try openPostgres(PostgresLocation(url: path), readOnly: readOnly, operatorName: operatorName, busyTimeout: busyTimeout)
        }
        try requireRegularFile(path)
        let access = readOnly ? try ReadOnlyAccess(ledger: path) : nil
        let openPath = access?.snapshotPath ?? path
        let queue = try mapErrors(path) {
            try DatabaseQueue(path: openPath, configuration: configuration(readOnly: readOnly, busyTimeout: busyTimeout, keepSidecars: keepSidecars))
        }
        try mapErrors(path) {
            let migrator = migrator()
            let (isLedger, superseded, applied, wal) = try queue.read { db in
                guard try db.tableExists("entries"), try db.tableExists("grdb_migrations") else { return (false, false, [String](), false) }
                return (true, try migrator.hasBeenSuperseded(db),
                        try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"),
                        try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            }
            guard isLedger else { throw StoreError.notALedger(path: path, detail: "it has no journal table") }
            guard !superseded else { throw StoreError.newerSchema(path: path) }
            let known = SchemaMigrations.all.map(\.id)
            if applied != known {
                if let problem = migrationRecordProblem(applied: applied) {
                    if audit { return }
                    throw StoreError.damagedSchema(path: path, detail: problem)
                }
                // The upgrade writes projections (one transaction); a read-only open cannot, and would read missing tables.
                guard !readOnly else { throw StoreError.olderSchema(path: path) }
                do {
                    try migrator.migrate(queue)
                } catch let e as DatabaseError {
                    if audit { return }
                    throw StoreError.damagedSchema(path: path, detail: "grdb_migrations does not record \(known[applied.count]), yet the ledger "
                                                   + "cannot take it (\(e.message ?? "\(e.resultCode)"))")
                }
            }
            // A first load that died before putting the WAL back left the rollback journal mode (bulkWrite).
            if !readOnly && !wal { try? restoreWAL(queue, wait: false) }
        }
        if !readOnly { shareSidecars(path) }
        return Ledger(path: path, readOnly: readOnly, operatorName: operatorName, dbQueue: queue, access: access)
    }

    /// Gives the `-wal` and `-shm` this process owns the ledger's permission bits and group (README, "Sharing a ledger").
    static func shareSidecars(_ path: String) {
        var ledger = stat()
        guard stat(path, &ledger) == 0 else { return }
        for suffix in ["-wal", "-shm"] {
            var s = stat()
            guard stat(path + suffix, &s) == 0, s.st_uid == geteuid() else { continue }
            if s.st_mode & 0o777 != ledger.st_mode & 0o666 { chmod(path + suffix, ledger.st_mode & 0o666) }
            if s.st_gid != ledger.st_gid { chown(path + suffix, uid_t.max, ledger.st_gid) }
        }
    }

    /// Refuses what is not a regular file (a FIFO would block `open` forever, a device is no ledger).
    static func requireRegularFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { throw StoreError.ledgerMissing(path: path) }
            throw StoreError.io(path: path, detail: String(cString: strerror(errno)))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw StoreError.notALedger(path: path, detail: "it is a directory")
        default: throw StoreError.notALedger(path: path, detail: "it is not a regular file (a pipe, socket or device)")
        }
    }

    /// What is wrong with the recorded migrations, when they are not the known list nor a beginning of it.
    static func migrationRecordProblem(applied: [String]) -> String? {
        let known = SchemaMigrations.all.map(\.id)
        guard applied.count <= known.count, Array(known.prefix(applied.count)) == applied else {
            let missing = known.filter { !applied.contains($0) }
            return "grdb_migrations lacks \(missing.joined(separator: ", ")) though it records a later migration"
        }
        return nil
    }

    /// `audit verify`'s finding when the migration record is not exactly the known list.
    static func migrationFindings(_ db: Database) throws -> [AuditFinding] {
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        let known = SchemaMigrations.all.map(\.id)
        guard applied != known else { return [] }
        return [.migrations(recorded: applied, known: known)]
    }

    /// Runs a read on a consistent snapshot.
    func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        if let postgres { return try postgresRead(postgres, body) }
        if let readers { return try Ledger.mapErrors(path) { try readers.read { try body($0) } } }
        return try Ledger.mapErrors(path) { try dbQueue.read { try body($0) } }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction; entries it appends commit together or not at all.
    public func write<T>(_ body: (LedgerTransaction) throws -> T) throws -> T {
        try write(.immediate, body)
    }

    /// `write` with another kind of transaction: `.exclusive` keeps readers out of a rollback-journal ledger too.
    func write<T>(_ kind: Database.TransactionKind, _ body: (LedgerTransaction) throws -> T) throws -> T {
        guard !readOnly else { throw StoreError.readOnly(path: path) }
        if let postgres { return try postgresWrite(postgres, body) }
        return try Ledger.mapErrors(path) {
            try dbQueue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(kind) {
                    let tx = try LedgerTransaction(db: db, operatorName: operatorName)
                    result = try body(tx)
                    try tx.flushProjections()
                    try Ledger.requireTotalsInRange(db)
                    return .commit
                }
                return result!
            }
        }
    }

    /// `write` for loads. Statement journals stay in memory (`temp_store = MEMORY`; the chain trigger makes SQLite keep
    /// one per INSERT). A first load (no registrations yet) runs with foreign keys off and without the chain trigger,
    /// and checks every key and link once before it commits (`FirstLoadChecks`); with `rollbackJournalIfEmpty` and no
    /// other connection, it writes through a rollback journal instead of the WAL, each page once (BENCHMARKS.md), under
    /// an exclusive lock; the WAL comes back afterwards (or at the next open, should this process die first).
    /// `progress` is told the steps after `body` as each starts.
    public func bulkWrite<T>(rollbackJournalIfEmpty: Bool, progress: ((LoadStep) -> Void)? = nil,
                             _ body: (LedgerTransaction) throws -> T) throws -> T {
        guard !readOnly else { throw StoreError.readOnly(path: path) }
        if let postgres {
            return try postgresWrite(postgres) { tx in
                let result = try body(tx)
                progress?(.committing)
                return result
            }
        }
        var (firstLoad, rollbackJournal) = (false, false)
        defer {
            _ = try? dbQueue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA temp_store = DEFAULT; PRAGMA foreign_keys = ON") }
            if rollbackJournal { try? Ledger.restoreWAL(dbQueue, wait: true) }
        }
        try Ledger.mapErrors(path) {
            try dbQueue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
                guard try !Ledger.hasRegistrations(db) else { return }
                // A pragma of the connection; it cannot change inside a transaction.
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                firstLoad = true
                // A server's pool of readers keeps the WAL: its readers would otherwise wait for the whole load.
                guard rollbackJournalIfEmpty, readers == nil else { return }
                // Leaving the WAL needs the file to ourselves (ask once, without waiting) and removes the -wal, which
                // would put readers back in WAL mode.
                Ledger.keepWALFiles(db, false)
                rollbackJournal = try Ledger.withoutWaiting(db) { (try? String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")) == "delete" }
                if !rollbackJournal { Ledger.keepWALFiles(db, true) }
            }
        }
        // Through a rollback journal, an exclusive lock keeps readers waiting rather than reading a half-loaded ledger.
        return try write(rollbackJournal ? .exclusive : .immediate) { tx in
            guard firstLoad else {
                let result = try body(tx)
                progress?(.committing)
                return result
            }
            let chain = try FirstLoadChecks.suspendChainTrigger(tx)
            let result = try body(tx)
            progress?(.checkingForeignKeys)
            try FirstLoadChecks.checkForeignKeys(tx.sqlite("import"))
            progress?(.checkingChain)
            try FirstLoadChecks.checkChain(chain, db: tx.sqlite("import"))
            progress?(.committing)
            return result
        }
    }

    /// Refuses a write after which the grand total of every amount (`status_totals`, void included) leaves Int64:
    /// every other total is a part of it, so none can overflow (or silently turn REAL in SQLite).
    static func requireTotalsInRange(_ db: any SQLSession) throws {
        if db.backend == .postgres {
            // bigint columns cannot hold more; their sum is a numeric, compared with Int64's largest value.
            let sum = try Int64.fetchOne(db, sql: "SELECT CASE WHEN sum(amount_fen) > 9223372036854775807 THEN -1 ELSE 0 END FROM status_totals")
            if sum == -1 { throw StoreError.totalsOutOfRange }
            return
        }
        do {
            let inRange = try Bool.fetchOne(db, sql: """
                SELECT typeof(sum(amount_fen)) IN ('integer', 'null')
                       AND count(*) = count(CASE WHEN typeof(amount_fen) = 'integer' THEN 1 END)
                FROM status_totals
                """)
            if inRange != true { throw StoreError.totalsOutOfRange }
        } catch let e as DatabaseError where e.message?.contains("integer overflow") == true {
            throw StoreError.totalsOutOfRange
        }
    }

    /// The grand total of every registration's amount, void ones too (what `requireTotalsInRange` bounds).
    static func grandTotal(_ db: any SQLSession) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(sum(amount_fen), 0) FROM status_totals") ?? 0
    }

    /// Whether any registration is recorded: a load into a ledger without one is a first load.
    static func hasRegistrations(_ db: any SQLSession) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM registrations)") ?? false
    }

    /// Puts the ledger back in WAL mode (after a first load, or after a process that died during one). Without
    /// `wait`, gives up at once when another connection is using the file (the next writable open tries again).
    static func restoreWAL(_ queue: DatabaseQueue, wait: Bool) throws {
        try queue.writeWithoutTransaction { db in
            func restore() throws {
                if try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" { try db.execute(sql: "PRAGMA journal_mode = WAL") }
                keepWALFiles(db, true)
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
