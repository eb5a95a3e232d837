import GRDB
import PledgeCore

/// The ledger's write operations: each checks the registration's state inside the write
/// transaction, then appends exactly one entry.
extension Ledger {
    /// Loads the reference lists and the default target into a new ledger.
    @discardableResult
    public func initialize(reference: ReferenceData, target: Target) throws -> [AppendedEntry] {
        try write { tx in
            [try tx.append(.reference(ReferencePayload(reference))), try tx.append(.target(target))]
        }
    }

    public func register(_ r: Registration, late: Bool) throws -> AppendedEntry {
        try write { tx in
            guard try tx.registration(r.regNo) == nil else { throw StoreError.registrationExists(regNo: r.regNo) }
            try tx.requireOpen(r.regDate, regNo: r.regNo, late: late)
            return try tx.append(.register(r), regNo: r.regNo, late: late)
        }
    }

    /// Replaces fields of a registration with `corrected`'s (computed by the caller from the same validation
    /// rules as registering). Fails when nothing would change.
    public func correct(_ regNo: String, reason: String, late: Bool,
                        _ corrected: (RegistrationState) throws -> Registration) throws -> (AppendedEntry, [FieldChange]) {
        try write { tx in
            let current = try existing(regNo, tx)
            if current.status == .void { throw LifecycleError(regNo: regNo, rule: .voidCannotChange) }
            let changes = current.registration.changes(to: try corrected(current))
            return (try change(current, .correct(changes: changes, reason: reason), late: late, tx), changes)
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
    /// (or the change is declared late).
    private func change(_ current: RegistrationState, _ event: LedgerEvent, late: Bool, _ tx: LedgerTransaction) throws -> AppendedEntry {
        try Lifecycle.check(event, on: current)
        for date in Lifecycle.statisticDates(event, on: current) {
            try tx.requireOpen(date, regNo: current.registration.regNo, late: late)
        }
        return try tx.append(event, regNo: current.registration.regNo, late: late)
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
                case .reference, .target, .periodClose:
                    return try tx.append(event, regNo: regNo)
                }
            }
        }
    }

    /// Closes `month`: records its totals (every group, every IP type) and the journal head as one entry.
    public func closePeriod(_ month: YearMonth, today: CivilDate) throws -> (AppendedEntry, PeriodClose) {
        guard month.lastDay <= today else { throw StoreError.periodNotOver(month: month.description) }
        return try write { tx in
            guard try !tx.closedMonths().contains(month.description) else {
                throw StoreError.periodAlreadyClosed(month: month.description)
            }
            let totals = try Row.fetchAll(tx.db, sql: """
                SELECT ip_type, prefecture_code, park, bank, rywq, first_loan, registrations, amount_fen FROM monthly_totals
                WHERE month = ? ORDER BY ip_type, prefecture_code, park, bank, rywq, first_loan
                """, arguments: [month.description]).map {
                PeriodClose.Total(ipType: $0["ip_type"], prefectureCode: $0["prefecture_code"], park: $0["park"], bank: $0["bank"],
                                  rywq: $0["rywq"], firstLoan: $0["first_loan"], registrations: $0["registrations"], amountFen: $0["amount_fen"])
            }
            let close = PeriodClose(month: month, headSeq: tx.headSeq, headHash: tx.headHash, totals: totals)
            return (try tx.append(.periodClose(close)), close)
        }
    }

    public func setTarget(_ target: Target) throws -> AppendedEntry {
        try write { tx in try tx.append(.target(target)) }
    }

    private func existing(_ regNo: String, _ tx: LedgerTransaction) throws -> RegistrationState {
        guard let r = try tx.registration(regNo) else { throw StoreError.registrationMissing(regNo: regNo) }
        return r
    }
}
