import PledgeCore

/// One row of a load as the file's reader prepared it: a validated registration (with the lifecycle event its status
/// columns ask for), or a row the reader refused (its messages stay with the reader).
public enum LoadRow: Sendable {
    case valid(Registration, lifecycle: LedgerEvent?, row: Int)
    case invalid
}

/// What became of one valid row.
public enum RowOutcome: Sendable, Equatable {
    /// Written (or, in a dry run, would be), with what deserves a second look.
    case new(seq: Int64, warnings: [RegistrationWarning] = [])
    /// Already in the ledger (or earlier in this load) with the same content.
    case unchanged
    /// In the ledger with other content: the fields that differ (ledger → file).
    case conflict([FieldChange])
    /// Earlier in this load with other content (the row is invalid).
    case differsFromEarlierRow(row: Int, changes: [FieldChange])
    /// New, but dated in a closed month and not declared late.
    case inClosedPeriod(month: String)
    /// New, but one of its rights is held by another registration (in the ledger or earlier in this load).
    case rightPledged(right: String, holder: String)
}

public struct LoadOptions: Sendable {
    /// Check every row against the ledger, then write nothing.
    public var dryRun = false
    /// Rows dated in a closed month are late adjustments.
    public var late = false
    /// A large first load may write through a rollback journal (`Ledger.bulkWrite`).
    public var large = false
    /// Why late rows are recorded in closed months, or rights pledged twice (kept in each such entry).
    public var reason: String?
    /// Rights already held by another registration are pledged again (with `reason`).
    public var allowDoublePledge = false
    /// A row with a warning is invalid.
    public var strict = false
    /// The file's name, as a proposal records it.
    public var name: String?
    public init(dryRun: Bool = false, late: Bool = false, large: Bool = false) {
        (self.dryRun, self.late, self.large) = (dryRun, late, large)
    }
}

public struct LoadResult: Sendable, Equatable {
    public var new = 0, unchanged = 0, conflicting = 0, invalid = 0
    /// Rows with warnings (counted among new, or among invalid when strict).
    public var warned = 0
    /// The rows were written (every row valid, none conflicting, not a dry run), or proposed.
    public var committed = false
    /// While the ledger requires approval: the proposal that holds the new rows (nothing else was written).
    public var proposal: Int64?
    public var rows: Int { new + unchanged + conflicting + invalid }
}

extension Ledger {
    /// Loads rows as ONE transaction: written only when every row is valid and none conflicts (and it is not a dry
    /// run); otherwise nothing is. While the ledger requires approval, the rows are checked as by a dry run and the new
    /// ones recorded as one proposal. `next` hands over the rows a batch at a time (nil at the end); `outcome` is told what
    /// became of each valid row; `progress` each step that completes the load.
    public func importRows(options: LoadOptions, progress: ((LoadStep) -> Void)?, next: () throws -> [LoadRow]?,
                           outcome: (Registration, Int, RowOutcome) -> Void) throws -> LoadResult {
        struct Rollback: Error {}
        var result = LoadResult()
        let propose = try !options.dryRun && approvalRequired()
        var changes: [ProposedChange] = []
        func load(_ tx: LedgerTransaction) throws {
            let session = try ImportSession(tx, dryRun: options.dryRun || propose)
            session.progress = progress
            session.allowDoublePledge = options.allowDoublePledge
            while let batch = try next() {
                for case .valid(let r, let lifecycle, let row) in batch {
                    let o = try session.add(r, row: row, late: options.late, reason: options.reason)
                    switch o {
                    case .new(_, let warnings):
                        if warnings.isEmpty || !options.strict { result.new += 1 } else { result.invalid += 1 }
                        if !warnings.isEmpty { result.warned += 1 }
                        if let lifecycle { try session.append(lifecycle, regNo: r.regNo, late: options.late, row: row) }
                        if propose {
                            let reason = options.late || options.allowDoublePledge ? options.reason : nil
                            changes.append(ProposedChange(regNo: r.regNo, event: .register(r), late: options.late, reason: reason,
                                                          allowDoublePledge: options.allowDoublePledge))
                            if let lifecycle { changes.append(ProposedChange(regNo: r.regNo, event: lifecycle, late: options.late)) }
                        }
                    case .unchanged: result.unchanged += 1
                    case .conflict, .inClosedPeriod, .rightPledged: result.conflicting += 1
                    case .differsFromEarlierRow: result.invalid += 1
                    }
                    outcome(r, row, o)
                }
                result.invalid += batch.count { if case .invalid = $0 { true } else { false } }
            }
            // A dry run writes nothing: it found double pledges row by row.
            if result.invalid > 0 || result.rows == 0 || options.dryRun || propose { throw Rollback() }
            try session.finish()
            // Rights pledged twice within the load (by rows still in memory when the later one was added).
            if !options.allowDoublePledge {
                for (r, row, right, holder) in try session.rightsPledgedInLoad() {
                    result.new -= 1
                    result.conflicting += 1
                    outcome(r, row, .rightPledged(right: right, holder: holder))
                }
            }
            if result.conflicting > 0 { throw Rollback() }
        }
        do {
            if options.dryRun && readOnly {
                // An auditor's dry run on a ledger it may only read: the same session, writing nothing.
                try read { db in try load(LedgerTransaction(db: db, operatorName: operatorName)) }
            } else {
                try bulkWrite(rollbackJournalIfEmpty: options.large && !options.dryRun && !propose, progress: progress) { tx in try load(tx) }
            }
            result.committed = true
        } catch is Rollback {
            guard propose, result.invalid == 0, result.conflicting == 0, result.rows > 0 else { return result }
            if !changes.isEmpty { result.proposal = try self.propose(Proposal(action: .import, name: options.name, changes: changes)).seq }
            result.committed = true
        }
        return result
    }
}
