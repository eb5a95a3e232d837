import GRDB
import PledgeCore

/// The rows of one load inside its transaction: each new, unchanged, conflicting or a second different row for the
/// same 登记号; new entries go to the journal in file order, 64 to a statement (`BatchedInsert`).
final class ImportSession {
    let tx: LedgerTransaction
    let firstSeq: Int64
    /// The file row of each entry this session appended, by seq − firstSeq.
    private var rowOfEntry: [Int32] = []

    private let projections: ProjectionWriter
    private let entries: BatchedInsert
    private var payload = CanonicalRegisterPayload()
    /// Secondary indexes dropped for a first load, re-created by `finish` (name, CREATE statement).
    private var deferredIndexes: [(name: String, sql: String)] = []
    /// The ledger had no registrations: `finish` builds the secondary indexes.
    private let firstLoad: Bool
    /// Every registration's amount in the ledger and this session so far (`Ledger.requireTotalsInRange`).
    private var grandTotal: Int64
    /// A dry run writes nothing (it may run on a read-only ledger): its new rows are kept here by 登记号, with their row.
    private let dryRun: Bool
    private var pending: [String: (registration: Registration, row: Int)] = [:]
    /// Rights of a dry run's new rows, with their 登记号 (a real load finds them in `finish`, once written).
    let db: any SQLSession
    private var pendingRights: [String: String] = [:]
    /// Rights held by another registration are pledged again.
    var allowDoublePledge = false

    /// Told each step of `finish` as it starts (for a terminal's progress line; the library never prints).
    var progress: ((LoadStep) -> Void)?

    /// `flushEvery`: registrations whose projection deltas are held in memory before they are written.
    init(_ tx: LedgerTransaction, dryRun: Bool = false, flushEvery: Int = 50_000) throws {
        self.tx = tx
        db = tx.db
        self.dryRun = dryRun
        firstSeq = tx.headSeq + 1
        // A bigger page cache for one large transaction (the default 2 MB spills to the WAL and reads back).
        if db.backend == .sqlite { try db.execute(sql: "PRAGMA cache_size = -65536") }
        // A first load builds the secondary indexes once at the end (a sort), inside this transaction.
        firstLoad = try !dryRun && !Ledger.hasRegistrations(db)
        grandTotal = try Ledger.grandTotal(db)
        // PostgreSQL keeps its indexes: it has no cheaper way to build them inside the load's transaction.
        if firstLoad && db.backend == .sqlite {
            deferredIndexes = try SQLRow.fetchAll(db, sql: """
                SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                  AND tbl_name IN ('registrations', 'registration_rights', 'entries') ORDER BY name
                """).map { ($0["name"], $0["sql"]) }
            for (name, _) in deferredIndexes { try db.execute(sql: "DROP INDEX \"\(name)\"") }
        }
        projections = try tx.projections()
        projections.flushEvery = flushEvery
        projections.subsidies.deferred = firstLoad
        // Register entries, 64 to a statement (PostgreSQL: 1,000, a round trip each): seq, at, operator, reg_no, payload,
        // prev_hash, hash.
        entries = try BatchedInsert(db, insertInto: "INSERT INTO entries(seq, at, operator, kind, reg_no, payload, prev_hash, hash)",
                                    row: "(?, ?, ?, 'register', ?, ?, ?, ?)", columns: 7, rowsPerStatement: db.backend == .postgres ? 1_000 : 64)
    }

    func add(_ r: Registration, row: Int, late: Bool = false, reason: String? = nil) throws -> RowOutcome {
        let closed = try tx.closedMonths()
        if closed.isEmpty || late || !closed.contains(r.regDate.yearMonth.description) {
            // A load finds rights pledged twice once written (`rightsPledgedInLoad`, one query for the whole file); a dry
            // run, which writes nothing, asks row by row.
            if dryRun, !allowDoublePledge, try tx.registration(r.regNo) == nil, pending[r.regNo] == nil {
                if let (right, holder) = try tx.heldRight(r) { return .rightPledged(right: right, holder: holder) }
                if let right = r.ipNumbers.first(where: { pendingRights[$0] != nil }) {
                    return .rightPledged(right: right, holder: pendingRights[right]!)
                }
            }
            let warnings = try tx.warnings(r)
            let exception = late || allowDoublePledge
            if let seq = try insertNew(r, row: row, late: late, reason: exception ? reason : nil) {
                if dryRun { for right in r.ipNumbers where pendingRights[right] == nil { pendingRights[right] = r.regNo } }
                return .new(seq: seq, warnings: warnings)
            }
        }
        if let earlier = pending[r.regNo] {
            let changes = Self.differences(earlier.registration, r)
            return changes.isEmpty ? .unchanged : .differsFromEarlierRow(row: earlier.row, changes: changes)
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

    /// Inserts a new registration and its entry; nil (nothing written) when the 登记号 exists.
    private func insertNew(_ r: Registration, row: Int, late: Bool, reason: String?) throws -> Int64? {
        let seq = tx.headSeq + 1
        if dryRun {
            guard pending[r.regNo] == nil, try tx.registration(r.regNo) == nil else { return nil }
            pending[r.regNo] = (r, row)
        } else {
            guard try projections.insert(.registered(r, seq: seq, late: late)) else { return nil }
        }
        // The totals kept in memory are parts of this sum: while it fits, none of them has overflowed.
        let (total, overflow) = grandTotal.addingReportingOverflow(r.amount.value)
        guard !overflow else { throw StoreError.totalsOutOfRange }
        grandTotal = total
        if dryRun {
            tx.advance(seq: seq, hash: tx.headHash)
            return seq
        }
        let bytes = payload.build(seq: seq, at: tx.at, operator: tx.operatorName, late: late, reason: reason, registration: r)
        let hash = CanonicalEntry.hash(prevHash: tx.headHash, payload: bytes)
        entries.add(seq); entries.add(tx.at); entries.add(tx.operatorName); entries.add(r.regNo); entries.add(bytes: bytes)
        entries.add(tx.headHash); entries.add(hash)
        try entries.endRow()
        tx.advance(seq: seq, hash: hash)
        rowOfEntry.append(Int32(clamping: row))
        return seq
    }

    /// Appends a lifecycle event for a registration this session added (export round-trip: status columns), once the
    /// lifecycle allows it.
    @discardableResult
    func append(_ event: LedgerEvent, regNo: String, late: Bool = false, row: Int) throws -> AppendedEntry {
        if dryRun, let (r, _) = pending[regNo] {
            try Lifecycle.check(event, on: .registered(r, seq: tx.headSeq, late: late))
            return AppendedEntry(seq: tx.headSeq, hash: tx.headHash)
        }
        // The entry continues the journal: write the pending entries first.
        try entries.flush()
        guard let state = try tx.registration(regNo) else { throw StoreError.registrationMissing(regNo: regNo) }
        try Lifecycle.check(event, on: state)
        let entry = try tx.append(event, regNo: regNo, late: late)
        rowOfEntry.append(Int32(clamping: row))
        return entry
    }

    /// Writes what is pending and builds any deferred index. Call before committing.
    func finish() throws {
        try entries.flush()
        progress?(.writingProjections)
        guard db.backend == .sqlite else {
            try projections.flush()
            if firstLoad { try projections.subsidies.rebuildDeferred() }
            // Statistics taken before a large load would plan the double-pledge query as nested scans (15 s for 3,000
            // rows into an empty ledger): ANALYZE sees this transaction's own rows.
            if firstLoad || rowOfEntry.count >= 10_000 { try db.execute(sql: "ANALYZE registrations, registration_rights") }
            return
        }
        guard firstLoad else { try projections.flush(); return }
        // Index builds sort on two threads with a quarter of the cache (at 1M rows 13 s instead of 22 s), spilling
        // to temporary files, not memory.
        try db.execute(sql: "PRAGMA temp_store = FILE; PRAGMA cache_size = -16384; PRAGMA threads = 2")
        defer { try? db.execute(sql: "PRAGMA threads = 0") }
        try projections.flush()
        for (i, (_, sql)) in deferredIndexes.enumerated() {
            progress?(.buildingIndex(number: i + 1, count: deferredIndexes.count))
            try db.execute(sql: sql)
        }
        deferredIndexes = []
        try projections.subsidies.rebuildDeferred()
    }

    /// New registrations of this load that pledge a right an earlier one of the load (or of the ledger) still holds,
    /// with their file rows: found once everything is written (rows still in memory when a later row was checked).
    func rightsPledgedInLoad() throws -> [(Registration, Int, String, String)] {
        guard !dryRun, !rowOfEntry.isEmpty else { return [] }
        // Per right of each new registration, the first earlier holder still bound (a subquery that stops at it: a right
        // held by many registrations costs one scan of its holders, not every pair).
        // Every (registration, right, first holder); the first right of each registration (by the right's bytes) is
        // the one reported.
        var seen = Set<String>()
        let rows = try SQLRow.fetchAll(db, sql: """
            SELECT reg_no, seq, ip, holder FROM (
              SELECT a.reg_no AS reg_no, a.created_seq AS seq, r1.ip_number AS ip,
                     (SELECT b.reg_no FROM registration_rights r2 JOIN registrations b ON b.reg_no = r2.reg_no
                      WHERE r2.ip_number = r1.ip_number AND r2.reg_no <> a.reg_no AND b.created_seq < a.created_seq
                        AND (b.status = 'active' OR b.status = 'defaulted') LIMIT 1) AS holder
              FROM registrations a NOT INDEXED JOIN registration_rights r1 ON r1.reg_no = a.reg_no
              WHERE a.created_seq >= ? AND (a.status = 'active' OR a.status = 'defaulted')) AS rights
            WHERE holder IS NOT NULL ORDER BY seq, ip
            """, arguments: [firstSeq]).filter { seen.insert($0["reg_no"]).inserted }
        return try rows.compactMap { row in
            let seq: Int64 = row["seq"]
            guard let state = try RegistrationState.fetch(db, regNo: row["reg_no"]) else { return nil }
            return (state.registration, Int(rowOfEntry[Int(seq - firstSeq)]), row["ip"], row["holder"])
        }
    }

    func originalRegistration(_ regNo: String) throws -> Registration? {
        guard let payload = try String.fetchOne(db, sql: "SELECT payload FROM entries WHERE reg_no = ? AND kind = 'register' ORDER BY seq LIMIT 1",
                                                arguments: [regNo]),
              case .register(let r) = try CanonicalEntry.decode(payload: payload).event else { return nil }
        return r
    }

    /// Fields whose canonical text differs, `from` the ledger `to` the file, the USCC override too.
    static func differences(_ ledger: Registration, _ file: Registration) -> [FieldChange] {
        var changes = ledger.changes(to: file)
        if ledger.usccOverride != file.usccOverride {
            changes.append(FieldChange(field: "usccOverride", from: String(ledger.usccOverride), to: String(file.usccOverride)))
        }
        return changes
    }
}
