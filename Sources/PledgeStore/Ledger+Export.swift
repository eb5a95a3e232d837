import GRDB
import PledgeCore

extension Ledger {
    /// Calls `body` with every registration in journal order (by the entry that created it), streaming
    /// from a cursor so memory does not grow with the ledger.
    public func forEachRegistration(_ body: (StoredRegistration) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT \(StoredRegistration.columns) FROM registrations ORDER BY created_seq")
            while let row = try rows.next() { try body(try StoredRegistration(row: row)) }
        }
    }
}
