import PledgeCore

/// The ledger as every command reaches it: write operations (each one transaction that appends journal entries and
/// applies PledgeCore's projection), queries, and verification. `Ledger` (SQLite, GRDB) is the first implementation;
/// a second database implements the same protocol.
public protocol LedgerStore: AnyObject, Sendable {
    /// Where the ledger lives (a file path for SQLite), as messages name it.
    var path: String { get }
    var readOnly: Bool { get }

    // Writes: each checks the registration's state inside its transaction, then appends.
    func initialize(reference: ReferenceData, target: Target) throws -> [AppendedEntry]
    func register(_ r: Registration, late: Bool, reason: String?, allowDoublePledge: Bool) throws -> AppendedEntry
    func correct(_ regNo: String, reason: String, late: Bool, allowDoublePledge: Bool,
                 _ corrected: (RegistrationState) throws -> Registration) throws -> (AppendedEntry, [FieldChange])
    func void(_ regNo: String, reason: String, late: Bool) throws -> AppendedEntry
    func release(_ regNo: String, date: CivilDate, reason: ReleaseReason) throws -> AppendedEntry
    func markDefault(_ regNo: String, date: CivilDate) throws -> AppendedEntry
    func extend(_ regNo: String, maturity: CivilDate) throws -> AppendedEntry
    func closePeriod(_ month: YearMonth, today: CivilDate) throws -> [(entry: AppendedEntry, close: PeriodClose)]
    func reopenPeriod(_ month: YearMonth, reason: String) throws -> [(entry: AppendedEntry, month: String)]
    func setTarget(_ target: Target) throws -> AppendedEntry
    func removeTarget(_ name: String, reason: String) throws -> AppendedEntry
    func setDefaultTarget(_ name: String) throws -> AppendedEntry
    func acknowledge(finding: String, reason: String) throws -> AppendedEntry
    func setAmountConfirmLimit(_ limit: Fen) throws -> AppendedEntry
    func record(_ events: [(event: LedgerEvent, regNo: String?)]) throws -> [AppendedEntry]
    func importRows(options: LoadOptions, progress: ((LoadStep) -> Void)?, next: () throws -> [LoadRow]?,
                    outcome: (Registration, Int, RowOutcome) -> Void) throws -> LoadResult

    // Approvals (maker-checker): while required, the writes above record proposals (`AppendedEntry.isProposal`).
    func approvalRequired() throws -> Bool
    func setApproval(_ setting: ApprovalSetting) throws -> AppendedEntry
    func approve(_ proposal: Int64) throws -> (approval: AppendedEntry, applied: [AppendedEntry])
    func reject(_ proposal: Int64, reason: String) throws -> AppendedEntry
    func proposals(status: ProposalStatus?, proposer: String?) throws -> [ProposalRecord]
    func proposal(_ seq: Int64) throws -> ProposalRecord?
    func pendingRegistrations() throws -> [Registration]

    // Queries.
    func reference() throws -> ReferenceData
    func registration(_ regNo: String) throws -> RegistrationState?
    func history(_ regNo: String) throws -> [JournalEntry]
    func head() throws -> AppendedEntry?
    func targets() throws -> [Target]
    func target(named name: String?) throws -> Target
    func progress(target: Target, asOf: CivilDate) throws -> TargetProgress
    func progressDetails(target: Target, asOf: CivilDate, top: Int) throws -> ProgressDetails
    func monthlyTotals(from: YearMonth, to: YearMonth, by grouping: MonthlyGrouping?, ipType: IPType?,
                       source: MonthlySource) throws -> [MonthlyTotal]
    func annualTotals(by dimension: GroupDimension, ipType: IPType?) throws -> [AnnualTotal]
    func closedPeriods() throws -> [ClosedPeriod]
    func query(_ q: RegistrationQuery, _ body: (RegistrationState) throws -> Void) throws -> QueryTotals
    func forEachRegistration(_ body: (RegistrationState) throws -> Void) throws
    func dataQualityFindings(asOf: CivilDate) throws -> [DataQualityFinding]
    /// Reviewed findings: id → (reason, seq, operator, at).
    func findingReviews() throws -> [String: FindingReview]
    func warnings(for r: Registration) throws -> [RegistrationWarning]

    // Users: roles in the journal, credentials beside it.
    func addUser(_ user: UserRecord, passwordHash: String) throws -> AppendedEntry
    func updateUser(_ name: String, _ change: (inout UserRecord) -> Void) throws -> AppendedEntry
    func setPasswordHash(_ name: String, _ hash: String) throws
    func setTokenHash(_ name: String, _ hash: String) throws
    func users() throws -> [UserAccount]
    func user(named name: String) throws -> (account: UserAccount, passwordHash: String?)?
    func user(tokenHash: String) throws -> UserAccount?
    /// The same open ledger, recording `operatorName` on what it writes.
    func acting(as operatorName: String) -> Self

    // Interest subsidies.
    func setSubsidyPolicy(_ policy: SubsidyPolicy) throws -> AppendedEntry
    func subsidyPolicies() throws -> [(policy: SubsidyPolicy, seq: Int64)]
    func subsidyStatement(policy name: String, uscc: String?) throws -> SubsidyStatement
    func subsidyTotals(policy name: String, by grouping: SubsidyStatement.Grouping) throws -> SubsidyTotals
    func paySubsidy(_ payment: SubsidyPayment) throws -> AppendedEntry

    // Risk-compensation pools, disposals and losses.
    func setPool(_ pool: RiskPool) throws -> AppendedEntry
    func contribute(_ c: PoolContribution) throws -> AppendedEntry
    func dispose(_ regNo: String, _ d: Disposal) throws -> AppendedEntry
    func claimLoss(_ regNo: String, _ c: LossClaim) throws -> (entry: AppendedEntry, outcome: LossOutcome)
    func poolStatuses() throws -> [PoolStatus]
    func poolStatus(_ name: String) throws -> PoolStatus

    // Verification and copies.
    func verify(expectHead: (seq: Int64, hash: String)?, maxFindings: Int) throws -> AuditReport
    func backup(to destination: String) throws -> any LedgerStore
    /// Every journal entry, oldest first.
    func journal(_ body: (JournalEntry) throws -> Void) throws
    func credentials() throws -> [UserCredential]
    /// Appends `source`'s whole journal (and its users' credentials) to this ledger, which must hold no entry.
    func replay(from source: any LedgerStore, progress: ((Int64) -> Void)?) throws -> AppendedEntry?
}

extension LedgerStore {
    public func initialize(reference: ReferenceData) throws -> [AppendedEntry] { try initialize(reference: reference, target: .gansu2025) }
    public func register(_ r: Registration) throws -> AppendedEntry { try register(r, late: false, reason: nil, allowDoublePledge: false) }
    public func register(_ r: Registration, late: Bool) throws -> AppendedEntry {
        try register(r, late: late, reason: nil, allowDoublePledge: false)
    }
    public func register(_ r: Registration, late: Bool, reason: String?) throws -> AppendedEntry {
        try register(r, late: late, reason: reason, allowDoublePledge: false)
    }
    public func void(_ regNo: String, reason: String) throws -> AppendedEntry { try void(regNo, reason: reason, late: false) }
    public func correct(_ regNo: String, reason: String,
                        _ corrected: (RegistrationState) throws -> Registration) throws -> (AppendedEntry, [FieldChange]) {
        try correct(regNo, reason: reason, late: false, allowDoublePledge: false, corrected)
    }
    public func progressDetails(target: Target, asOf: CivilDate) throws -> ProgressDetails {
        try progressDetails(target: target, asOf: asOf, top: 5)
    }
    public func monthlyTotals(from: YearMonth, to: YearMonth, by grouping: MonthlyGrouping?, ipType: IPType?) throws -> [MonthlyTotal] {
        try monthlyTotals(from: from, to: to, by: grouping, ipType: ipType, source: .live)
    }
    public func verify() throws -> AuditReport { try verify(expectHead: nil, maxFindings: 50) }
    public func verify(expectHead: (seq: Int64, hash: String)?) throws -> AuditReport { try verify(expectHead: expectHead, maxFindings: 50) }
}

extension Ledger: LedgerStore {}
