import GRDB
import PledgeCore

/// Bulk registration inside one write transaction (`Ledger.write`): decides for each row whether it is
/// new, unchanged (same 登记号, same content), a conflict with the ledger, or a second different row
/// for the same 登记号 in the file. New rows are appended to the journal as they come; the caller
/// rolls the whole transaction back when anything was invalid or conflicting.
public final class ImportSession {
    public enum Outcome: Sendable, Equatable {
        case new(seq: Int64)
        /// Already in the ledger (or earlier in this file) with the same content.
        case unchanged
        /// In the ledger with other content: the fields that differ (ledger → file).
        case conflict([FieldChange])
        /// Earlier in this file with other content.
        case differsFromEarlierRow(row: Int, changes: [FieldChange])
        /// New, but dated in a closed month and not declared late.
        case inClosedPeriod(month: String)
    }

    let tx: LedgerTransaction
    let firstSeq: Int64
    /// The file row of each entry this session appended, by seq − firstSeq.
    private var rowOfEntry: [Int32] = []

    public init(_ tx: LedgerTransaction) {
        self.tx = tx
        firstSeq = tx.headSeq + 1
    }

    public func add(_ r: Registration, row: Int, late: Bool = false) throws -> Outcome {
        if let existing = try tx.registration(r.regNo) {
            let changes = Self.differences(existing.registration, r)
            if existing.createdSeq >= firstSeq {
                if changes.isEmpty { return .unchanged }
                return .differsFromEarlierRow(row: Int(rowOfEntry[Int(existing.createdSeq - firstSeq)]), changes: changes)
            }
            if changes.isEmpty { return .unchanged }
            // Re-loading a bank's file after a clerk corrected the ledger is still "unchanged"
            // when the row equals the registration as first recorded.
            if let original = try originalRegistration(r.regNo), Self.differences(original, r).isEmpty { return .unchanged }
            return .conflict(changes)
        }
        if !late, try tx.closedMonths().contains(r.regDate.yearMonth.description) {
            return .inClosedPeriod(month: r.regDate.yearMonth.description)
        }
        let entry = try append(.register(r), regNo: r.regNo, late: late, row: row)
        return .new(seq: entry.seq)
    }

    /// Appends a lifecycle event for a registration this session added (export round-trip: status columns).
    @discardableResult
    public func append(_ event: LedgerEvent, regNo: String, late: Bool = false, row: Int) throws -> AppendedEntry {
        let entry = try tx.append(event, regNo: regNo, late: late)
        rowOfEntry.append(Int32(clamping: row))
        return entry
    }

    func originalRegistration(_ regNo: String) throws -> Registration? {
        guard let payload = try String.fetchOne(tx.db, sql: "SELECT payload FROM entries WHERE reg_no = ? AND kind = 'register' ORDER BY seq LIMIT 1",
                                                arguments: [regNo]),
              case .register(let r) = try CanonicalEntry.decode(payload: payload).event else { return nil }
        return r
    }

    /// Fields whose canonical text differs, `from` the ledger `to` the file.
    public static func differences(_ ledger: Registration, _ file: Registration) -> [FieldChange] {
        var changes = RegistrationField.allCases.compactMap { f -> FieldChange? in
            let a = ledger.canonicalText(f), b = file.canonicalText(f)
            return a == b ? nil : FieldChange(field: f.journalKey, from: a, to: b)
        }
        if ledger.usccOverride != file.usccOverride {
            changes.append(FieldChange(field: "usccOverride", from: String(ledger.usccOverride), to: String(file.usccOverride)))
        }
        return changes
    }
}
