import GRDB

/// One row from either backend, read by column name or position as GRDB's `Row` is read: a non-optional read of
/// NULL or of a value of another type stops the program (as GRDB does), so damaged data is read optionally first.
struct SQLRow {
    private enum Storage {
        case sqlite(Row)
        case values(columns: [String], values: [DatabaseValue])
    }

    private let storage: Storage

    init(_ row: Row) { storage = .sqlite(row) }

    init(columns: [String], values: [DatabaseValue]) { storage = .values(columns: columns, values: values) }

    /// A row that stays valid after the read that produced it moves on (GRDB reuses a cursor's row).
    func copy() -> SQLRow {
        if case .sqlite(let row) = storage { return SQLRow(row.copy()) }
        return self
    }

    var count: Int {
        switch storage {
        case .sqlite(let row): row.count
        case .values(_, let values): values.count
        }
    }

    func databaseValue(at index: Int) -> DatabaseValue {
        switch storage {
        case .sqlite(let row): row[index] as DatabaseValue
        case .values(_, let values): values[index]
        }
    }

    func databaseValue(named name: String) -> DatabaseValue {
        switch storage {
        case .sqlite(let row):
            guard let value = row[name] as DatabaseValue? else { fatalError("no column \(name) in the row") }
            return value
        case .values(let columns, let values):
            guard let i = columns.firstIndex(of: name) else { fatalError("no column \(name) in the row") }
            return values[i]
        }
    }

    static func decode<T: DatabaseValueConvertible>(_ value: DatabaseValue, _ column: String) -> T {
        guard let v = T.fromDatabaseValue(value) else { fatalError("column \(column): \(value) is not a \(T.self)") }
        return v
    }

    // As GRDB's `Row`: an optional type reads NULL as nil (Optional is DatabaseValueConvertible); the second form of each
    // is GRDB's faster path for the types SQLite reads directly.
    subscript<T: DatabaseValueConvertible>(_ name: String) -> T {
        if case .sqlite(let row) = storage { return row[name] }
        return Self.decode(databaseValue(named: name), name)
    }

    subscript<T: DatabaseValueConvertible & StatementColumnConvertible>(_ name: String) -> T {
        if case .sqlite(let row) = storage { return row[name] }
        return Self.decode(databaseValue(named: name), name)
    }

    subscript<T: DatabaseValueConvertible>(_ index: Int) -> T {
        if case .sqlite(let row) = storage { return row[index] }
        return Self.decode(databaseValue(at: index), "\(index)")
    }

    subscript<T: DatabaseValueConvertible & StatementColumnConvertible>(_ index: Int) -> T {
        if case .sqlite(let row) = storage { return row[index] }
        return Self.decode(databaseValue(at: index), "\(index)")
    }

    /// Every column's value, in order.
    var values: [DatabaseValue] { (0..<count).map(databaseValue(at:)) }

    /// The first column (nil when NULL).
    func first<T: DatabaseValueConvertible>() -> T? { self[0] as T? }
}
