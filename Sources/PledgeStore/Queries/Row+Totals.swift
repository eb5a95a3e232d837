import GRDB
import PledgeCore

extension SQLRow {
    /// An integer column of a total (a count or an amount in fen). A value pledge never writes there (a REAL left by
    /// an overflow, text put in by hand) is reported as a damaged ledger instead of stopping the program.
    func total(_ column: String) throws -> Int64 {
        let value = databaseValue(named: column)
        guard case .int64(let n) = value.storage else {
            throw StoreError.damagedData(detail: "a total holds \(value), not an integer")
        }
        return n
    }

    func totalFen(_ column: String) throws -> Fen { Fen(try total(column)) }
    func totalCount(_ column: String) throws -> Int { Int(try total(column)) }
}
