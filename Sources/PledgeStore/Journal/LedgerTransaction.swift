import GRDB
import PledgeCore

/// The receipt of one appended entry: what `register` and friends print.
public struct AppendedEntry: Sendable, Equatable {
    public var seq: Int64
    public var hash: String
    /// The entry is a proposal: the change waits for a second person's approval (`Ledger.approve`).
    public var isProposal = false
}

/// A write transaction on the ledger: reads see the transaction's own writes; `append` adds one
/// journal entry and applies it to the projections. Obtained only from `Ledger.write`.
public final class LedgerTransaction {
    let db: any SQLSession
    let operatorName: String
    let at: String
    private(set) var headSeq: Int64
    private(set) var headHash: String

    init(db: any SQLSession, operatorName: String) throws {
        self.db = db
        self.operatorName = operatorName
        at = CanonicalEntry.timestamp()
        let head = try SQLRow.fetchOne(db, sql: "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1")
        headSeq = head?["seq"] ?? 0
        headHash = head?["hash"] ?? CanonicalEntry.genesisHash
    }

    /// The SQLite connection, for the paths written for SQLite alone (a load's bulk writes).
    func sqlite(_ operation: String) throws -> Database {
        guard let db = db as? Database else { throw StoreError.notOnPostgres(operation: operation) }
        return db
    }

    /// Appending the entries of an approved proposal (`Ledger.approve`): the only way a registration changes while the
    /// ledger requires approval.
    var approving = false

    private var approvalCache: Bool?

    /// The ledger requires a second person's approval of every registration change (`ApprovalSetting`).
    public func approvalRequired() throws -> Bool {
        if let approvalCache { return approvalCache }
        let required = try Ledger.approvalRequired(db)
        approvalCache = required
        return required
    }

    /// Appends a registration change that its operation has checked: as itself, or, while the ledger requires
    /// approval, as a proposal holding it.
    func submit(_ change: ProposedChange, action: Proposal.Action) throws -> AppendedEntry {
        guard !approving, try approvalRequired() else {
            return try append(change.event, regNo: change.regNo, late: change.late, reason: change.reason)
        }
        var entry = try append(.proposal(Proposal(action: action, changes: [change])), regNo: change.regNo)
        entry.isProposal = true
        return entry
    }

    @discardableResult
    public func append(_ event: LedgerEvent, regNo: String? = nil, late: Bool = false, reason: String? = nil) throws -> AppendedEntry {
        if !approving, ProposedChange.kinds.contains(event.kind), try approvalRequired() { throw StoreError.approvalRequired }
        if case .setting(ApprovalSetting.key, _) = event { approvalCache = nil }
        let seq = headSeq + 1
        let payload = try CanonicalEntry.payload(seq: seq, at: at, operator: operatorName, regNo: regNo, late: late, reason: reason,
                                                 event: event)
        let hash = CanonicalEntry.hash(prevHash: headHash, payload: payload)
        try insertEntry(seq: seq, at: at, operator: operatorName, kind: event.kind, regNo: regNo, payload: payload, hash: hash)
        try projections().apply(event, seq: seq, regNo: regNo, late: late, by: operatorName, at: at)
        headSeq = seq
        headHash = hash
        return AppendedEntry(seq: seq, hash: hash)
    }

    /// Appends another ledger's entry as it was written (its time and operator), after re-encoding it: the entry must
    /// continue this journal's chain and give the same bytes and hash, or nothing is appended (`Ledger.replay(from:)`).
    func append(replaying e: JournalEntry) throws {
        let payload = try CanonicalEntry.payload(seq: e.seq, at: e.at, operator: e.operator, regNo: e.regNo, late: e.late, reason: e.reason,
                                                 event: e.event)
        let hash = CanonicalEntry.hash(prevHash: headHash, payload: payload)
        guard e.seq == headSeq + 1, e.prevHash.sameBytes(headHash), e.kind == e.event.kind, payload.sameBytes(e.payload), hash.sameBytes(e.hash)
        else { throw StoreError.replayMismatch(seq: e.seq) }
        try insertEntry(seq: e.seq, at: e.at, operator: e.operator, kind: e.kind, regNo: e.regNo, payload: payload, hash: hash)
        try projections().apply(e.event, seq: e.seq, regNo: e.regNo, late: e.late, by: e.operator, at: e.at)
        headSeq = e.seq
        headHash = hash
    }

    private func insertEntry(seq: Int64, at: String, operator op: String, kind: EntryKind, regNo: String?, payload: String, hash: String) throws {
        try db.execute(sql: "INSERT INTO entries(seq, at, operator, kind, reg_no, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       arguments: [seq, at, op, kind.rawValue, regNo, payload, headHash, hash])
    }

    private var writer: ProjectionWriter?

    /// The transaction's one projection writer (created at the first write).
    func projections() throws -> ProjectionWriter {
        if let writer { return writer }
        let w = try ProjectionWriter(db)
        writer = w
        return w
    }

    /// Writes what the projection writer holds pending; `Ledger.write` calls it before the commit.
    func flushProjections() throws { try writer?.flush() }

    private var closedMonthsCache: Set<String>?

    /// Months closed by `period close`.
    public func closedMonths() throws -> Set<String> {
        if let c = closedMonthsCache { return c }
        let c = Set(try String.fetchAll(db, sql: "SELECT month FROM periods"))
        closedMonthsCache = c
        return c
    }

    /// Refuses a change to the statistic dated in a closed month unless it is declared late.
    public func requireOpen(_ date: CivilDate, regNo: String, late: Bool) throws {
        guard !late else { return }
        let month = date.yearMonth.description
        if try closedMonths().contains(month) {
            throw StoreError.closedPeriod(regNo: regNo, date: date.description, month: month)
        }
    }

    /// Moves the head after an entry written by a bulk path that inserted it itself (ImportSession).
    func advance(seq: Int64, hash: String) {
        headSeq = seq
        headHash = hash
    }

    /// The first right of `r` that another registration still holds (neither released nor void: a default still binds
    /// the right), with that registration: the national registry refuses a second pledge of it.
    public func heldRight(_ r: Registration) throws -> (right: String, holder: String)? {
        let statement = try db.statement("""
            SELECT r.reg_no FROM registration_rights rr JOIN registrations r ON r.reg_no = rr.reg_no
            WHERE rr.ip_number = ? AND rr.reg_no <> ? AND (r.status = 'active' OR r.status = 'defaulted') ORDER BY r.created_seq LIMIT 1
            """)
        for right in r.ipNumbers {
            if let holder = try statement.value([right, r.regNo], as: String.self) { return (right, holder) }
        }
        return nil
    }

    /// The warnings a new registration deserves against what the ledger holds (`RegistrationWarning`).
    public func warnings(_ r: Registration) throws -> [RegistrationWarning] {
        if medianCache == nil {
            medianCache = .some(try Ledger.recentMedianAmount(db))
            limitCache = try String.fetchOne(db, sql: "SELECT value FROM ledger_settings WHERE key = ?", arguments: [RegistrationWarning.settingKey])
                .flatMap(Int64.init).map(Fen.init) ?? RegistrationWarning.amountLimit
        }
        let known = db.backend == .postgres ? try projections().enterpriseName(r.uscc)
            : try String.fetchOne(db, sql: "SELECT name FROM enterprises WHERE uscc = ?", arguments: [r.uscc])
        return RegistrationWarning.check(r, median: medianCache!, knownName: known, limit: limitCache)
    }

    private var medianCache: Fen??
    private var limitCache = RegistrationWarning.amountLimit

    public func registration(_ regNo: String) throws -> RegistrationState? {
        try writer?.writeRegistrations()
        return try RegistrationState.fetch(db, regNo: regNo)
    }
}
