import PledgeCore

/// Failures of the ledger store, each one line saying what, where and what to do.
public enum StoreError: PledgeFailure, Equatable {
    case ledgerMissing(path: String)
    case ledgerExists(path: String)
    case notALedger(path: String, detail: String)
    case newerSchema(path: String)
    case olderSchema(path: String)
    case readOnly(path: String)
    case busy(path: String)
    case interruptedWrite(path: String)
    case io(path: String, detail: String)
    case registrationExists(regNo: String)
    case registrationMissing(regNo: String)
    case targetMissing(name: String)
    case userExists(name: String)
    case userMissing(name: String)
    case closedPeriod(regNo: String, date: String, month: String)
    case periodAlreadyClosed(month: String)
    case periodNotOver(month: String)
    case periodNotClosed(month: String)
    /// A right of the registration is pledged by another that is neither released nor void.
    case rightPledged(regNo: String, right: String, holder: String)
    case internalError(String)
    /// Approval is required: a write must be proposed (it was turned on while this one was prepared).
    case approvalRequired
    case proposalMissing(seq: Int64)
    /// The proposal was approved or rejected already.
    case proposalDecided(seq: Int64, status: ProposalStatus)
    /// The maker cannot approve (or reject) their own proposal.
    case sameApprover(seq: Int64, name: String)
    /// The registration changed since the proposal was made (a correction's old value, an extension's old maturity).
    case proposalStale(seq: Int64, regNo: String)
    /// The write would take the ledger's totals beyond what an `Int64` of fen holds.
    case totalsOutOfRange
    /// The migrations recorded in `grdb_migrations` disagree with the ledger's tables.
    case damagedSchema(path: String, detail: String)
    /// A projection holds a value pledge never writes (altered outside pledge).
    case damagedData(detail: String)
    case subsidyPolicyMissing(name: String)
    case poolMissing(name: String)
    /// A disposal or a loss claim the rules refuse.
    case recoveryRefused(regNo: String, RecoveryRule.Violation)
    /// A subsidy payment beyond what the policy owes the enterprise.
    case subsidyOverpaid(uscc: String, policy: String, amount: Fen, due: Fen, paid: Fen)
    /// A command that works on a SQLite file alone (`backup`: PostgreSQL has `pg_dump`).
    case sqliteOnly(operation: String, location: String)
    /// `--db` starts like a PostgreSQL URL but is not one.
    case badLocation(String)
    /// What this version does on SQLite ledgers only so far.
    case notOnPostgres(operation: String)
    /// `copy` writes only into a new ledger, or one without a single entry.
    case notEmpty(path: String)
    /// A source entry that does not re-encode to its own bytes and hash, or does not continue the chain.
    case replayMismatch(seq: Int64)

    public var category: FailureCategory {
        switch self {
        case .ledgerMissing: .missing
        case .approvalRequired, .proposalDecided, .proposalStale, .subsidyOverpaid: .conflict
        case .subsidyPolicyMissing, .poolMissing: .badInput
        case .recoveryRefused(_, let v):
            switch v {
            case .beforeDefault, .beforeDisposal, .principalAboveAmount: .badInput
            case .notDefaulted, .disposedTwice, .claimedTwice, .notCovered, .nothingLost: .conflict
            }
        case .sameApprover: .forbidden
        case .proposalMissing: .badInput
        case .sqliteOnly, .notOnPostgres, .badLocation: .usage
        case .notEmpty: .conflict
        case .replayMismatch: .io
        case .ledgerExists, .registrationExists, .userExists, .closedPeriod, .periodAlreadyClosed, .periodNotOver, .periodNotClosed, .rightPledged: .conflict
        case .notALedger, .newerSchema, .olderSchema, .readOnly, .interruptedWrite, .io: .io
        case .busy: .busy
        case .registrationMissing, .targetMissing, .userMissing, .totalsOutOfRange: .badInput
        case .damagedSchema, .damagedData: .io
        case .internalError: .internal
        }
    }

    /// A plain description, without any interface's commands or options: the CLI words these errors itself
    /// (`Sources/pledge/StoreErrorMessages.swift`), as the server will.
    public var description: String {
        switch self {
        case .ledgerMissing(let p): "no ledger at \(p)"
        case .ledgerExists(let p): "a file already exists at \(p); a ledger is never overwritten"
        case .notALedger(let p, let d): "\(p) is not a pledge ledger (\(d))"
        case .newerSchema(let p): "\(p) was written by a newer version of pledge"
        case .olderSchema(let p): "\(p) was written by an older version of pledge and must be upgraded by a writable open"
        case .readOnly(let p): "the ledger \(p) is open read-only; nothing was written"
        case .busy(let p): "the ledger \(p) is locked by another writer; nothing was written"
        case .interruptedWrite(let p): "\(p) holds an interrupted write that only a writable open can roll back"
        case .io(let p, let d): "cannot read or write \(p): \(d)"
        case .registrationExists(let r): "登记号 \(r) is already registered; nothing was written"
        case .registrationMissing(let r): "登记号 \(r) is not in the ledger"
        case .targetMissing(let n): "no target named \(n)"
        case .userExists(let n): "a user named \(n) exists already"
        case .userMissing(let n): "no user named \(n)"
        case .closedPeriod(let r, let d, let m): "登记号 \(r) is dated \(d), in the closed period \(m); nothing was written"
        case .periodAlreadyClosed(let m): "the period \(m) is already closed"
        case .periodNotOver(let m): "the month \(m) has not ended yet"
        case .periodNotClosed(let m): "the period \(m) is not closed"
        case .rightPledged(let r, let right, let holder): "登记号 \(r): \(right) is already pledged by 登记号 \(holder); nothing was written"
        case .totalsOutOfRange: "the ledger's totals would pass the largest amount it can hold; nothing was written"
        case .damagedSchema(let p, let d): "\(p) is damaged: \(d); nothing was written"
        case .damagedData(let d): "the ledger was altered outside pledge: \(d)"
        case .internalError(let d): "internal error: \(d)"
        case .approvalRequired: "the ledger requires approval: the change must be proposed; nothing was written"
        case .proposalMissing(let n): "no proposal \(n)"
        case .proposalDecided(let n, let s): "proposal \(n) is \(s.rawValue) already"
        case .sameApprover(let n, let name): "proposal \(n) was made by \(name), who cannot decide it"
        case .proposalStale(let n, let r): "登记号 \(r) changed since proposal \(n) was made"
        case .subsidyPolicyMissing(let n): "no subsidy policy named \(n)"
        case .poolMissing(let n): "no risk-compensation pool named \(n)"
        case .recoveryRefused(let r, let v): "登记号 \(r): \(v); nothing was written"
        case .subsidyOverpaid(let u, let p, let a, let d, let paid):
            "paying \(a.value) fen to \(u) under \(p) would pass what is due (\(d.value) fen, \(paid.value) paid); nothing was written"
        case .sqliteOnly(let o, let l): "\(o) copies a SQLite ledger file; \(l) is a PostgreSQL database: use pg_dump"
        case .badLocation(let l): "\(l) is not a PostgreSQL URL (postgresql://USER@HOST:PORT/DBNAME)"
        case .notOnPostgres(let o): "\(o) is not available on a PostgreSQL ledger in this version"
        case .notEmpty(let p): "\(p) already holds a ledger; a copy goes only into a new one; nothing was written"
        case .replayMismatch(let n): "entry \(n) of the source does not reproduce its bytes and hash; nothing was written"
        }
    }
}
