import GRDB
import PledgeCore

/// The ledger's write operations: each checks the registration's state inside the write
/// transaction, then appends exactly one entry (while the ledger requires approval, a proposal holding it).
extension Ledger {
    /// Loads the reference lists and the default target into a new ledger.
    @discardableResult
    public func initialize(reference: ReferenceData, target: Target) throws -> [AppendedEntry] {
        try write { tx in
            [try tx.append(.reference(ReferencePayload(reference))), try tx.append(.target(target))]
        }
    }

    /// `reason`: why an exception is recorded (a late registration in a closed month, a right pledged twice), kept in
    /// the entry. A right another registration still holds is refused unless `allowDoublePledge`.
    public func register(_ r: Registration, late: Bool, reason: String?, allowDoublePledge: Bool) throws -> AppendedEntry {
        try write { tx in
            try register(ProposedChange(regNo: r.regNo, event: .register(r), late: late, reason: reason, allowDoublePledge: allowDoublePledge), tx)
        }
    }

    func register(_ c: ProposedChange, _ tx: LedgerTransaction) throws -> AppendedEntry {
        guard case .register(let r) = c.event else { throw StoreError.internalError("not a registration") }
        guard try tx.registration(r.regNo) == nil else { throw StoreError.registrationExists(regNo: r.regNo) }
        try tx.requireOpen(r.regDate, regNo: r.regNo, late: c.late)
        if !c.allowDoublePledge, let (right, holder) = try tx.heldRight(r) {
            throw StoreError.rightPledged(regNo: r.regNo, right: right, holder: holder)
        }
        return try tx.submit(c, action: .register)
    }

    /// Replaces fields of a registration with `corrected`'s (computed by the caller from the same validation
    /// rules as registering). Fails when nothing would change.
    /// A correction that adds rights another registration still holds is refused unless `allowDoublePledge`.
    public func correct(_ regNo: String, reason: String, late: Bool, allowDoublePledge: Bool,
                        _ corrected: (RegistrationState) throws -> Registration) throws -> (AppendedEntry, [FieldChange]) {
        try write { tx in
            let current = try existing(regNo, tx)
            if current.status == .void { throw LifecycleError(regNo: regNo, rule: .voidCannotChange) }
            let changes = current.registration.changes(to: try corrected(current))
            let event = LedgerEvent.correct(changes: changes, reason: reason)
            return (try change(current, event, late: late, allowDoublePledge: allowDoublePledge, tx), changes)
        }
    }

    public func void(_ regNo: String, reason: String, late: Bool) throws -> AppendedEntry {
        try write { tx in try change(try existing(regNo, tx), .void(reason: reason), late: late, tx) }
    }

    public func release(_ regNo: String, date: CivilDate, reason: ReleaseReason) throws -> AppendedEntry {
        try write { tx in try change(try existing(regNo, tx), .release(date: date, reason: reason), late: false, tx) }
    }

    public func markDefault(_ regNo: String, date: CivilDate) throws -> AppendedEntry {
        try write { tx in try change(try existing(regNo, tx), .default(date: date), late: false, tx) }
    }

    public func extend(_ regNo: String, maturity: CivilDate) throws -> AppendedEntry {
        try write { tx in
            let current = try existing(regNo, tx)
            return try change(current, .extend(from: current.registration.maturity, to: maturity), late: false, tx)
        }
    }

    /// Appends a lifecycle event once the lifecycle allows it and every month whose statistic it changes is open
    /// (or the change is declared late). A correction that adds rights another registration still holds is refused
    /// unless `allowDoublePledge`.
    func change(_ current: RegistrationState, _ event: LedgerEvent, late: Bool, allowDoublePledge: Bool = false,
                _ tx: LedgerTransaction) throws -> AppendedEntry {
        let regNo = current.registration.regNo
        try Lifecycle.check(event, on: current)
        for date in Lifecycle.statisticDates(event, on: current) {
            try tx.requireOpen(date, regNo: regNo, late: late)
        }
        if case .correct = event, !allowDoublePledge, current.status == .active || current.status == .defaulted {
            var added = try Lifecycle.apply(event, to: current, seq: 0, late: late).registration
            added.ipNumbers = added.ipNumbers.filter { !current.registration.ipNumbers.contains($0) }
            if let (right, holder) = try tx.heldRight(added) { throw StoreError.rightPledged(regNo: regNo, right: right, holder: holder) }
        }
        guard let action = Proposal.Action(rawValue: event.kind.rawValue) else { throw LifecycleError(regNo: regNo, rule: .notAChange(event.kind)) }
        return try tx.submit(ProposedChange(regNo: regNo, event: event, late: late, allowDoublePledge: allowDoublePledge), action: action)
    }

    /// Records events as one transaction, each checked as its own operation would check it (a sample ledger's history).
    @discardableResult
    public func record(_ events: [(event: LedgerEvent, regNo: String?)]) throws -> [AppendedEntry] {
        try write { tx in
            try events.map { event, regNo in
                switch event {
                case .register(let r):
                    guard try tx.registration(r.regNo) == nil else { throw StoreError.registrationExists(regNo: r.regNo) }
                    try tx.requireOpen(r.regDate, regNo: r.regNo, late: false)
                    return try tx.append(event, regNo: r.regNo)
                case .correct, .void, .release, .default, .extend:
                    return try change(try existing(regNo ?? "", tx), event, late: false, tx)
                case .reference, .target, .periodClose, .periodReopen, .targetRemove, .targetDefault, .checkAck, .setting, .user,
                     .proposal, .approve, .reject, .subsidyPolicy, .subsidyPayment, .pool, .poolContribution, .dispose, .loss:
                    return try tx.append(event, regNo: regNo)
                }
            }
        }
    }

    /// Closes `month` and every earlier open month with registrations (a month is never closed while an earlier one is
    /// open), oldest first, each as one entry that records its totals (every group, every IP type) and the journal head.
    public func closePeriod(_ month: YearMonth, today: CivilDate) throws -> [(entry: AppendedEntry, close: PeriodClose)] {
        guard month.lastDay <= today else { throw StoreError.periodNotOver(month: month.description) }
        return try write { tx in
            let closed = try tx.closedMonths()
            guard !closed.contains(month.description) else { throw StoreError.periodAlreadyClosed(month: month.description) }
            let first = try String.fetchOne(tx.db, sql: "SELECT min(month) FROM monthly_totals").flatMap { try? YearMonth.parse($0) }
            let months = (min(first ?? month, month)...month).filter { !closed.contains($0.description) }
            return try months.map { m in
                let totals = try SQLRow.fetchAll(tx.db, sql: """
                    SELECT ip_type, prefecture_code, park, bank, rywq, first_loan, registrations, amount_fen FROM monthly_totals
                    WHERE month = ? ORDER BY ip_type, prefecture_code, park, bank, rywq, first_loan
                    """, arguments: [m.description]).map {
                    PeriodClose.Total(ipType: $0["ip_type"], prefectureCode: $0["prefecture_code"], park: $0["park"], bank: $0["bank"],
                                      rywq: $0["rywq"], firstLoan: $0["first_loan"], registrations: $0["registrations"], amountFen: $0["amount_fen"])
                }
                let close = PeriodClose(month: m, headSeq: tx.headSeq, headHash: tx.headHash, totals: totals)
                return (try tx.append(.periodClose(close)), close)
            }
        }
    }

    /// Opens `month` again, and every later closed month (a month is never closed while an earlier one is open), latest
    /// first, each as one entry with the reason.
    public func reopenPeriod(_ month: YearMonth, reason: String) throws -> [(entry: AppendedEntry, month: String)] {
        try write { tx in
            let closed = try tx.closedMonths()
            guard closed.contains(month.description) else { throw StoreError.periodNotClosed(month: month.description) }
            return try closed.filter { $0 >= month.description }.sorted(by: >).map { m in
                (try tx.append(.periodReopen(month: m, reason: reason)), m)
            }
        }
    }

    public func removeTarget(_ name: String, reason: String) throws -> AppendedEntry {
        try write { tx in
            guard try Bool.fetchOne(tx.db, sql: "SELECT EXISTS (SELECT 1 FROM targets WHERE name = ?)", arguments: [name]) == true else {
                throw StoreError.targetMissing(name: name)
            }
            return try tx.append(.targetRemove(name: name, reason: reason))
        }
    }

    public func setDefaultTarget(_ name: String) throws -> AppendedEntry {
        try write { tx in
            guard try Bool.fetchOne(tx.db, sql: "SELECT EXISTS (SELECT 1 FROM targets WHERE name = ?)", arguments: [name]) == true else {
                throw StoreError.targetMissing(name: name)
            }
            return try tx.append(.targetDefault(name: name))
        }
    }

    /// Sets the amount above which a registration needs a confirmation (`RegistrationWarning.settingKey`).
    public func setAmountConfirmLimit(_ limit: Fen) throws -> AppendedEntry {
        try write { tx in try tx.append(.setting(key: RegistrationWarning.settingKey, value: String(limit.value))) }
    }

    /// Records that finding `finding` (its id as `check` prints it) was reviewed, and why.
    public func acknowledge(finding: String, reason: String) throws -> AppendedEntry {
        try write { tx in try tx.append(.checkAck(finding: finding, reason: reason)) }
    }

    public func setTarget(_ target: Target) throws -> AppendedEntry {
        try write { tx in try tx.append(.target(target)) }
    }

    func existing(_ regNo: String, _ tx: LedgerTransaction) throws -> RegistrationState {
        guard let r = try tx.registration(regNo) else { throw StoreError.registrationMissing(regNo: regNo) }
        return r
    }
}
