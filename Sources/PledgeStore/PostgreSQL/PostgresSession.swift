import Foundation
import GRDB
import Logging
import NIOCore
import NIOPosix
import PledgeCore
import PostgresNIO

/// One connection to a PostgreSQL ledger, used synchronously: the store's reads and transactions run one at a time on
/// it (a lock), each statement waits for its answer. The store's SQL (written with SQLite's `?`) is rewritten once per
/// text for PostgreSQL (`PostgresDialect`); values come back as GRDB `DatabaseValue`s, as SQLite's do.
final class PostgresSession: SQLSession, @unchecked Sendable {
    let connection: PostgresConnection
    let location: PostgresLocation
    private let lock = NSRecursiveLock()
    private var rewritten: [String: String] = [:]
    private let cacheLock = NSLock()
    private var inTransaction = false
    /// Each table's column types, for `bulk`.
    var tableTypes: [String: [String: String]] = [:]
    /// Seconds a writer waits for the writers' lock (`busy_timeout` on SQLite).
    var lockTimeout: TimeInterval = 10

    /// postgres-nio logs nothing a user needs (statements and their values at debug level): errors come back thrown.
    static let logger: Logger = {
        var l = Logger(label: "pledge.postgres")
        l.logLevel = .critical
        return l
    }()

    private init(connection: PostgresConnection, location: PostgresLocation) {
        self.connection = connection
        self.location = location
    }

    static func connect(_ location: PostgresLocation) throws -> PostgresSession {
        var config = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                      password: location.password, database: location.database, tls: .disable)
        config.options.connectTimeout = .seconds(10)
        do {
            let connection = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: config, id: 1,
                                                            logger: logger).wait()
            return PostgresSession(connection: connection, location: location)
        } catch {
            throw mapError(error, location)
        }
    }

    func close() {
        exclusively {
            guard !closed else { return }
            closed = true
            try? connection.close().wait()
        }
    }

    private var closed = false

    deinit { close() }

    var backend: Backend { .postgres }

    /// Runs `body` alone on the connection (the server shares one connection between requests).
    func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws. Inside another, `body`
    /// is part of it.
    func transaction<T>(_ begin: String, _ body: () throws -> T) throws -> T {
        try exclusively {
            if inTransaction { return try body() }
            inTransaction = true
            defer { inTransaction = false }
            // Neither BEGIN nor a read's COMMIT is waited for: the next statement that is waited for answers for them
            // too (a round trip saved each; a report makes several reads).
            try perform(sql: begin, arguments: [])
            do {
                let result = try body()
                if begin.hasSuffix("READ ONLY") { try perform(sql: "COMMIT", arguments: []) } else { try query("COMMIT", []) }
                return result
            } catch {
                try? drain()
                _ = try? query("ROLLBACK", [])
                throw error
            }
        }
    }

    /// Several statements in one text (a migration), without arguments, one after the other.
    func script(_ sql: String) throws {
        for statement in PostgresDialect.statements(sql) { try query(statement, []) }
    }

    /// Statements sent and not yet answered (`perform`): waited for before the next statement whose answer is read.
    private var unanswered: [EventLoopFuture<PostgresQueryResult>] = []

    /// Waits for the statements sent without waiting; the first failure is thrown (the transaction is then aborted).
    func drain() throws {
        cacheLock.lock()
        let waiting = unanswered
        unanswered = []
        cacheLock.unlock()
        var first: (any Error)?
        for f in waiting {
            do { _ = try f.wait() } catch { if first == nil { first = error } }
        }
        if let first { throw Self.mapError(first, location) }
    }

    @discardableResult
    func query(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQueryResult {
        try drain()
        do {
            return try send(sql, arguments).wait()
        } catch {
            throw Self.mapError(error, location)
        }
    }

    private func send(_ sql: String, _ arguments: SQLArguments) -> EventLoopFuture<PostgresQueryResult> {
        var binds = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value.storage {
            case .null: binds.appendNull()
            case .int64(let n): binds.append(n)
            case .double(let d): binds.append(d)
            case .string(let s): binds.append(s)
            case .blob(let data): binds.append(ByteBuffer(bytes: data))
            }
        }
        // A lock of its own: the verifier's journal reader queries from a second thread inside the caller's transaction.
        cacheLock.lock()
        let text = rewritten[sql] ?? PostgresDialect.rewrite(sql)
        rewritten[sql] = text
        cacheLock.unlock()
        return connection.query(PostgresQuery(unsafeSQL: text, binds: binds), logger: Self.logger)
    }

    /// Sent without waiting for the answer (a write whose count nobody reads): many statements travel together.
    func perform(sql: String, arguments: SQLArguments) throws {
        let future = send(sql, arguments)
        cacheLock.lock()
        unanswered.append(future)
        let many = unanswered.count >= 1024
        cacheLock.unlock()
        if many { try drain() }
    }

    func eachRow(sql: String, arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        let result = try query(sql, arguments)
        guard let first = result.rows.first else { return }
        let columns = first.map(\.columnName)
        for row in result.rows {
            var values: [DatabaseValue] = []
            values.reserveCapacity(columns.count)
            for cell in row { values.append(try Self.value(cell)) }
            try body(SQLRow(columns: columns, values: values))
        }
    }

    func prepared(_ sql: String) throws -> any SQLStatement { PostgresStatement(session: self, sql: sql) }

    func bindable(_ sql: String) throws -> any BoundStatement { PostgresBoundStatement(session: self, sql: sql) }

    /// A cell as SQLite would hold it: integers and booleans as INTEGER, a whole numeric (a `sum` of bigints) as
    /// INTEGER, text as TEXT.
    static func value(_ cell: PostgresCell) throws -> DatabaseValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return try cell.decode(Int64.self).databaseValue
        case .bool: return (try cell.decode(Bool.self) ? 1 : 0 as Int64).databaseValue
        case .float4, .float8: return try cell.decode(Double.self).databaseValue
        case .numeric:
            let d = try cell.decode(Decimal.self)
            let n = NSDecimalNumber(decimal: d)
            if d.isWholeNumber, d >= Decimal(Int64.min), d <= Decimal(Int64.max) { return n.int64Value.databaseValue }
            return n.doubleValue.databaseValue
        case .bytea: return Data((try cell.decode(ByteBuffer.self)).readableBytesView).databaseValue
        default: return try cell.decode(String.self).databaseValue
        }
    }

    /// PostgreSQL's failures as the store's one-line errors.
    static func mapError(_ error: any Error, _ location: PostgresLocation) -> any Error {
        if error is any PledgeFailure { return error }
        guard let e = error as? PSQLError else { return StoreError.io(path: location.description, detail: "\(error)") }
        let state = e.serverInfo?[.sqlState] ?? ""
        let message = e.serverInfo?[.message] ?? "\(e.code)"
        switch state {
        case "22003": return StoreError.totalsOutOfRange
        case "40001", "40P01", "55P03", "57014": return StoreError.busy(path: location.description)
        case "3D000": return StoreError.io(path: location.description, detail: "\(message); create it first (createdb \(location.database))")
        case "42P01": return StoreError.notALedger(path: location.description, detail: message)
        case let s where s.hasPrefix("28") || s.hasPrefix("08"): return StoreError.io(path: location.description, detail: message)
        case "": return StoreError.io(path: location.description, detail: "cannot connect (\(e.code))")
        default: return StoreError.internalError("PostgreSQL \(state): \(message)")
        }
    }
}

extension Decimal {
    var isWholeNumber: Bool {
        var x = self, r = Decimal()
        NSDecimalRound(&r, &x, 0, .plain)
        return r == self
    }
}

final class PostgresStatement: SQLStatement {
    let session: PostgresSession
    let sql: String

    init(session: PostgresSession, sql: String) {
        self.session = session
        self.sql = sql
    }

    @discardableResult func run(_ arguments: SQLArguments) throws -> Int {
        try session.query(sql, arguments).metadata.rows ?? 0
    }

    func each(_ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        try session.eachRow(sql: sql, arguments: arguments, body)
    }
}

final class PostgresBoundStatement: BoundStatement {
    let statement: PostgresStatement
    private var values: [DatabaseValue] = []

    init(session: PostgresSession, sql: String) {
        statement = PostgresStatement(session: session, sql: sql)
    }

    private func set(_ i: Int32, _ value: DatabaseValue) {
        let index = Int(i) - 1
        if values.count <= index { values += Array(repeating: .null, count: index + 1 - values.count) }
        values[index] = value
    }

    func reset() {}
    func bind(_ i: Int32, _ text: String?) { set(i, text?.databaseValue ?? .null) }
    func bind(_ i: Int32, _ value: Int64) { set(i, value.databaseValue) }
    func bind(_ i: Int32, _ value: Int64?) { set(i, value?.databaseValue ?? .null) }
    func bind(_ i: Int32, _ value: Bool) { set(i, (value ? 1 : 0 as Int64).databaseValue) }

    @discardableResult func run() throws -> Int32 {
        Int32(try statement.run(SQLArguments(values: values)))
    }

    func execute() throws { try statement.session.perform(sql: statement.sql, arguments: SQLArguments(values: values)) }
}
