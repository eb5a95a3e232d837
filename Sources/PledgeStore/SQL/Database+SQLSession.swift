import GRDB

/// SQLite through GRDB: statements are cached by their text, rows are read in place.
extension Database: SQLSession {
    var backend: Backend { .sqlite }

    func perform(sql: String, arguments: SQLArguments) throws {
        if arguments.values.isEmpty { try execute(sql: sql) } else { try cachedStatement(sql: sql).execute(arguments: arguments.grdb) }
    }

    func eachRow(sql: String, arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        let rows = try Row.fetchCursor(cachedStatement(sql: sql), arguments: arguments.grdb)
        while let row = try rows.next() { try body(SQLRow(row)) }
    }

    func prepared(_ sql: String) throws -> any SQLStatement { GRDBStatement(statement: try cachedStatement(sql: sql), db: self) }

    func bindable(_ sql: String) throws -> any BoundStatement { try RawStatement(self, sql: sql) }
}

final class GRDBStatement: SQLStatement {
    let statement: Statement
    unowned let db: Database

    init(statement: Statement, db: Database) {
        self.statement = statement
        self.db = db
    }

    @discardableResult func run(_ arguments: SQLArguments) throws -> Int {
        try statement.execute(arguments: arguments.grdb)
        return db.changesCount
    }

    func each(_ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        let rows = try Row.fetchCursor(statement, arguments: arguments.grdb)
        while let row = try rows.next() { try body(SQLRow(row)) }
    }
}
