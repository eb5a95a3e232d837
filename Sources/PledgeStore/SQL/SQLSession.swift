import GRDB

/// The database a ledger lives in. The store's SQL is written once for both; where they differ, a query asks
/// `session.backend`.
public enum Backend: String, Sendable, CaseIterable {
    case sqlite, postgres
}

/// What the store asks of a connection inside a read or a write transaction: run a statement, read its rows. `execute`
/// may return before the statement has run (PostgreSQL pipelines them); a failure then comes from the next statement
/// that reads, or from the commit, and the transaction is rolled back either way.
/// GRDB's `Database` (SQLite) and `PostgresSession` implement it; values are GRDB's `DatabaseValue`s either way.
/// Placeholders are `?`, as SQLite writes them.
/// (The requirements have names of their own so that GRDB's `Database` keeps its methods unambiguous; the store calls
/// the extension's `execute`, `each`, `statement`.)
protocol SQLSession: AnyObject {
    var backend: Backend { get }
    func perform(sql: String, arguments: SQLArguments) throws
    func eachRow(sql: String, arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws
    func prepared(_ sql: String) throws -> any SQLStatement
    func bindable(_ sql: String) throws -> any BoundStatement
}

/// A statement run many times with different arguments.
protocol SQLStatement: AnyObject {
    /// Runs it; the number of rows it changed.
    @discardableResult func run(_ arguments: SQLArguments) throws -> Int
    func each(_ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws
}

extension SQLSession {
    func execute(sql: String, arguments: SQLArguments = []) throws { try perform(sql: sql, arguments: arguments) }

    /// Calls `body` with each row, in order; a row is valid only during its call (`copy()` keeps it).
    func each(sql: String, arguments: SQLArguments = [], _ body: (SQLRow) throws -> Void) throws {
        try eachRow(sql: sql, arguments: arguments, body)
    }

    /// A statement to run many times (SQLite keeps it prepared).
    func statement(_ sql: String) throws -> any SQLStatement { try prepared(sql) }

    func rows(sql: String, arguments: SQLArguments = []) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try each(sql: sql, arguments: arguments) { rows.append($0.copy()) }
        return rows
    }

    func row(sql: String, arguments: SQLArguments = []) throws -> SQLRow? {
        var first: SQLRow?
        try each(sql: sql, arguments: arguments) { if first == nil { first = $0.copy() } }
        return first
    }
}

extension SQLStatement {
    func row(_ arguments: SQLArguments = []) throws -> SQLRow? {
        var first: SQLRow?
        try each(arguments) { if first == nil { first = $0.copy() } }
        return first
    }

    func value<T: DatabaseValueConvertible>(_ arguments: SQLArguments = [], as: T.Type = T.self) throws -> T? {
        try row(arguments)?.first()
    }
}

/// The values bound to a statement's `?`s, in order.
struct SQLArguments: ExpressibleByArrayLiteral {
    var values: [DatabaseValue]

    init(_ values: [(any DatabaseValueConvertible)?]) {
        self.values = values.map { $0?.databaseValue ?? .null }
    }

    init(arrayLiteral elements: (any DatabaseValueConvertible)?...) { self.init(elements) }

    init(values: some Sequence<DatabaseValue>) { self.values = Array(values) }

    static func += (a: inout SQLArguments, b: SQLArguments) { a.values += b.values }

    static func + (a: SQLArguments, b: SQLArguments) -> SQLArguments {
        var c = a
        c.values += b.values
        return c
    }

    var grdb: StatementArguments { StatementArguments(values) }
}

/// Reads as GRDB's `Row.fetchAll(db, sql:)` and friends do, from either backend.
extension SQLRow {
    static func fetchAll(_ db: any SQLSession, sql: String, arguments: SQLArguments = []) throws -> [SQLRow] {
        try db.rows(sql: sql, arguments: arguments)
    }

    static func fetchOne(_ db: any SQLSession, sql: String, arguments: SQLArguments = []) throws -> SQLRow? {
        try db.row(sql: sql, arguments: arguments)
    }
}

extension DatabaseValueConvertible {
    /// The first column of the first row (nil: no row, or NULL).
    static func fetchOne(_ db: any SQLSession, sql: String, arguments: SQLArguments = []) throws -> Self? {
        try db.row(sql: sql, arguments: arguments)?.first()
    }

    /// The first column of every row (NULLs refused, as GRDB refuses them).
    static func fetchAll(_ db: any SQLSession, sql: String, arguments: SQLArguments = []) throws -> [Self] {
        var values: [Self] = []
        try db.each(sql: sql, arguments: arguments) { values.append($0[0]) }
        return values
    }
}

/// A statement bound one parameter at a time and run many times: the write path's hot loops (`ProjectionWriter`).
/// SQLite binds straight into its prepared statement (`RawStatement`).
protocol BoundStatement {
    /// Readies the statement for another run; every run binds every parameter.
    func reset()
    func bind(_ i: Int32, _ text: String?)
    func bind(_ i: Int32, _ value: Int64)
    func bind(_ i: Int32, _ value: Int64?)
    func bind(_ i: Int32, _ value: Bool)
    /// Runs it; the number of rows it changed.
    @discardableResult func run() throws -> Int32
    /// Runs it when its count is not needed: PostgreSQL sends it without waiting (an error comes at the next read).
    func execute() throws
}

extension BoundStatement {
    func execute() throws { try run() }
}

extension SQLRow {
    /// Calls `body` with each row in order; a row is valid only during its call.
    static func forEach(_ db: any SQLSession, sql: String, arguments: SQLArguments = [], _ body: (SQLRow) throws -> Void) throws {
        try db.each(sql: sql, arguments: arguments, body)
    }
}
