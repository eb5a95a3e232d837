import GRDB
import PledgeCore

/// The ledger's write operations: each checks the registration's state inside the write
/// transaction, then appends exactly one entry.
extension Ledger {
    /// Loads the reference lists and the default target into a new ledger.
    @discardableResult
    public func initialize(reference: ReferenceData, target: Target = .gansu2025) throws -> [AppendedEntry] {
        try write { tx in
            [try tx.append(.reference(ReferencePayload(reference))), try tx.append(.target(target))]
        }
    }

    public func register(_ r: Registration, late: Bool = false) throws -> AppendedEntry {
        try write { tx in
            guard try tx.registration(r.regNo) == nil else { throw StoreError.registrationExists(regNo: r.regNo) }
            try tx.requireOpen(r.regDate, regNo: r.regNo, late: late)
            return try tx.append(.register(r), regNo: r.regNo, late: late)
        }
    }

    /// Replaces fields of a registration with `corrected`'s (computed by the caller from the same validation
    /// rules as registering). Fails when nothing would change.
    public func correct(_ regNo: String, reason: String, late: Bool = false,
                        _ corrected: (StoredRegistration) throws -> Registration) throws -> (AppendedEntry, [FieldChange]) {
        try write { tx in
            let current = try existing(regNo, tx)
            guard current.status != .void else {
                throw StoreError.invalidTransition(regNo: regNo, detail: "it is void and cannot be corrected")
            }
            let new = try corrected(current)
            try tx.requireOpen(current.registration.regDate, regNo: regNo, late: late)
            try tx.requireOpen(new.regDate, regNo: regNo, late: late)
            let changes = RegistrationField.allCases.compactMap { f -> FieldChange? in
                let a = current.registration.canonicalText(f), b = new.canonicalText(f)
                return a == b ? nil : FieldChange(field: f.journalKey, from: a, to: b)
            }
            guard !changes.isEmpty else {
                throw StoreError.invalidTransition(regNo: regNo, detail: "the correction changes nothing")
            }
            guard !changes.contains(where: { $0.field == RegistrationField.regNo.journalKey }) else {
                throw StoreError.invalidTransition(regNo: regNo, detail: "the 登记号 cannot be corrected; void it and register again")
            }
            return (try tx.append(.correct(changes: changes, reason: reason), regNo: regNo, late: late), changes)
        }
    }

    public func void(_ regNo: String, reason: String, late: Bool = false) throws -> AppendedEntry {
        try write { tx in
            let current = try existing(regNo, tx)
            guard current.status != .void else { throw StoreError.invalidTransition(regNo: regNo, detail: "it is already void") }
            try tx.requireOpen(current.registration.regDate, regNo: regNo, late: late)
            return try tx.append(.void(reason: reason), regNo: regNo, late: late)
        }
    }

    public func release(_ regNo: String, date: CivilDate, reason: ReleaseReason) throws -> AppendedEntry {
        try write { tx in
            let current = try existing(regNo, tx)
            guard current.status == .active || current.status == .defaulted else {
                throw StoreError.invalidTransition(regNo: regNo, detail: "it is \(current.status.rawValue); only an active or defaulted registration can be released")
            }
            try requireOnOrAfterRegistration(date, current, "--date")
            return try tx.append(.release(date: date, reason: reason), regNo: regNo)
        }
    }

    public func markDefault(_ regNo: String, date: CivilDate) throws -> AppendedEntry {
        try write { tx in
            let current = try existing(regNo, tx)
            guard current.status == .active else {
                throw StoreError.invalidTransition(regNo: regNo, detail: "it is \(current.status.rawValue); only an active registration can default")
            }
            try requireOnOrAfterRegistration(date, current, "--date")
            return try tx.append(.default(date: date), regNo: regNo)
        }
    }

    public func extend(_ regNo: String, maturity: CivilDate) throws -> AppendedEntry {
        try write { tx in
            let current = try existing(regNo, tx)
            guard current.status == .active || current.status == .defaulted else {
                throw StoreError.invalidTransition(regNo: regNo, detail: "it is \(current.status.rawValue); only an active or defaulted registration can be extended")
            }
            let old = current.registration.maturity
            if let old, maturity <= old {
                throw FieldError(field: "--maturity", value: maturity.description,
                                 rule: "an extension must move the maturity later than \(old)")
            }
            try requireOnOrAfterRegistration(maturity, current, "--maturity")
            return try tx.append(.extend(from: old, to: maturity), regNo: regNo)
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

    private func existing(_ regNo: String, _ tx: LedgerTransaction) throws -> StoredRegistration {
        guard let r = try tx.registration(regNo) else { throw StoreError.registrationMissing(regNo: regNo) }
        return r
    }

    private func requireOnOrAfterRegistration(_ date: CivilDate, _ s: StoredRegistration, _ field: String) throws {
        guard date >= s.registration.regDate else {
            throw FieldError(field: field, value: date.description,
                             rule: "is before the registration date \(s.registration.regDate)")
        }
    }
}
