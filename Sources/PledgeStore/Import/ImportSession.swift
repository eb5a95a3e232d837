import GRDB
import PledgeCore

/// Bulk registration inside one write transaction (`Ledger.write`): decides for each row whether it is
/// new, unchanged (same 登记号, same content), a conflict with the ledger, or a second different row
/// for the same 登记号 in the file. New rows are appended to the journal in file order, 64 entries to a
/// statement (`BatchedInsert`); the caller rolls the whole transaction back when anything was invalid or conflicting.
final class ImportSession {
    typealias Outcome = RowOutcome

    let tx: LedgerTransaction
    let firstSeq: Int64
    /// The file row of each entry this session appended, by seq − firstSeq.
    private var rowOfEntry: [Int32] = []

    // The hot path: raw statements, a reused payload buffer, projections written in bulk.
    private let projections: ProjectionWriter
    /// New entries, written many to a statement (see `BatchedInsert`); flushed before anything reads the journal.
    private let entries: BatchedInsert
    private var payload = CanonicalRegisterPayload()
    /// Secondary indexes dropped for a first load, re-created by `finish` (name, CREATE statement).
    private var deferredIndexes: [(name: String, sql: String)] = []
    /// The ledger had no registrations: `finish` builds the secondary indexes.
    private let firstLoad: Bool
    /// Every registration's amount in the ledger and this session so far (`Ledger.requireTotalsInRange`).
    private var grandTotal: Int64

    /// Entries per multi-row INSERT.
    static let rowsPerStatement = 64

    /// Told each step of `finish` as it starts (for a terminal's progress line; the library never prints).
    var progress: ((LoadStep) -> Void)?

    /// `flushEvery`: registrations whose projection deltas are held in memory before they are written.
    init(_ tx: LedgerTransaction, flushEvery: Int = 100_000) throws {
        self.tx = tx
        firstSeq = tx.headSeq + 1
        // A bigger page cache for one large transaction (the default 2 MB spills to the WAL and reads back).
        try tx.db.execute(sql: "PRAGMA cache_size = -65536")
        // The first load into a ledger without registrations builds the secondary indexes once at the end
        // (a sort) instead of inserting into each at random per row. Dropped and re-created inside this
        // transaction: a rollback restores them, readers never see the ledger without them.
        firstLoad = try !Ledger.hasRegistrations(tx.db)
        grandTotal = try Ledger.grandTotal(tx.db)
        if firstLoad {
            deferredIndexes = try Row.fetchAll(tx.db, sql: """
                SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                  AND tbl_name IN ('registrations', 'registration_rights', 'entries') ORDER BY name
                """).map { ($0["name"], $0["sql"]) }
            for (name, _) in deferredIndexes { try tx.db.execute(sql: "DROP INDEX \"\(name)\"") }
        }
        projections = try tx.projections()
        projections.flushEvery = flushEvery
        entries = try Self.registerEntries(tx.db, rowsPerStatement: Self.rowsPerStatement)
    }

    /// Register entries, each row: seq, at, operator, reg_no, payload, prev_hash, hash.
    static func registerEntries(_ db: Database, rowsPerStatement: Int) throws -> BatchedInsert {
        try BatchedInsert(db, insertInto: "INSERT INTO entries(seq, at, operator, kind, reg_no, payload, prev_hash, hash)",
                          row: "(?, ?, ?, 'register', ?, ?, ?, ?)", columns: 7, rowsPerStatement: rowsPerStatement)
    }

    func add(_ r: Registration, row: Int, late: Bool = false) throws -> Outcome {
        let closed = try tx.closedMonths()
        if closed.isEmpty || late || !closed.contains(r.regDate.yearMonth.description) {
            if let seq = try insertNew(r, row: row, late: late) { return .new(seq: seq) }
        }
        if let existing = try tx.registration(r.regNo) {
            let changes = Self.differences(existing.registration, r)
            if existing.createdSeq >= firstSeq {
                if changes.isEmpty { return .unchanged }
                return .differsFromEarlierRow(row: Int(rowOfEntry[Int(existing.createdSeq - firstSeq)]), changes: changes)
            }
            if changes.isEmpty { return .unchanged }
            try entries.flush()
            // Re-loading a bank's file after a clerk corrected the ledger is still "unchanged"
            // when the row equals the registration as first recorded.
            if let original = try originalRegistration(r.regNo), Self.differences(original, r).isEmpty { return .unchanged }
            return .conflict(changes)
        }
        return .inClosedPeriod(month: r.regDate.yearMonth.description)
    }

    /// Inserts a registration that is not in the ledger yet, with its entry, rights and aggregate deltas.
    /// Returns nil (and writes nothing) when the 登记号 exists.
    private func insertNew(_ r: Registration, row: Int, late: Bool) throws -> Int64? {
        let seq = tx.headSeq + 1
        guard try projections.insert(.registered(r, seq: seq, late: late)) else { return nil }
        // The totals kept in memory are parts of this sum: while it fits, none of them has overflowed.
        let (total, overflow) = grandTotal.addingReportingOverflow(r.amount.value)
        guard !overflow else { throw StoreError.totalsOutOfRange }
        grandTotal = total
        let bytes = payload.build(seq: seq, at: tx.at, operator: tx.operatorName, late: late, registration: r)
        let hash = CanonicalEntry.hash(prevHash: tx.headHash, payload: bytes)
        entries.add(seq); entries.add(tx.at); entries.add(tx.operatorName); entries.add(r.regNo); entries.add(bytes: bytes)
        entries.add(tx.headHash); entries.add(hash)
        try entries.endRow()
        tx.advance(seq: seq, hash: hash)
        rowOfEntry.append(Int32(clamping: row))
        return seq
    }

    /// Appends a lifecycle event for a registration this session added (export round-trip: status columns).
    @discardableResult
    func append(_ event: LedgerEvent, regNo: String, late: Bool = false, row: Int) throws -> AppendedEntry {
        // The projector adjusts the aggregates in the database, and the entry continues the journal: write
        // what is pending first.
        try entries.flush()
        try projections.flush()
        let entry = try tx.append(event, regNo: regNo, late: late)
        rowOfEntry.append(Int32(clamping: row))
        return entry
    }

    /// Writes the deltas kept in memory (enterprises, monthly and status totals), a first load's projections derived
    /// from its rows, and re-creates any deferred index. Call before committing (a session rolled back need not call it).
    func finish() throws {
        try entries.flush()
        progress?(.writingProjections)
        guard firstLoad else { try projections.flush(); return }
        // Each sort (the derived projections', each index build's) runs in memory up to the cache size, one sorter
        // per worker thread. The parsing thread is done by now, so sort on two threads with a quarter of the cache:
        // faster than one thread with half of it (measured at 1M rows: 13 s instead of 22 s) and the same memory.
        // Temporary files for the sorts: with temp_store = MEMORY (Ledger.bulkWrite) a sort never spills and
        // a million rows' keys would stay in memory.
        try tx.db.execute(sql: "PRAGMA temp_store = FILE; PRAGMA cache_size = -16384; PRAGMA threads = 2")
        defer { try? tx.db.execute(sql: "PRAGMA threads = 0") }
        try projections.flush()
        for (i, (_, sql)) in deferredIndexes.enumerated() {
            progress?(.buildingIndex(number: i + 1, count: deferredIndexes.count))
            try tx.db.execute(sql: sql)
        }
        deferredIndexes = []
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
