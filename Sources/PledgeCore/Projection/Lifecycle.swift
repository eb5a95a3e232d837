/// Which state allows which change, and what each change does to a registration: the only place these rules live.
/// The store checks them before it appends an entry; `audit verify` replays the journal under them.
public enum Lifecycle {
    /// Refuses `event` on `state` when the lifecycle forbids it. Dates are checked against the registration date.
    public static func check(_ event: LedgerEvent, on state: RegistrationState) throws(LifecycleError) {
        let regNo = state.registration.regNo
        switch event {
        case .correct(let changes, _):
            guard state.status != .void else { throw LifecycleError(regNo: regNo, rule: .voidCannotChange) }
            guard !changes.isEmpty else { throw LifecycleError(regNo: regNo, rule: .correctionChangesNothing) }
            guard !changes.contains(where: { $0.field == RegistrationField.regNo.journalKey }) else {
                throw LifecycleError(regNo: regNo, rule: .regNoIsPermanent)
            }
        case .void:
            guard state.status != .void else { throw LifecycleError(regNo: regNo, rule: .alreadyVoid) }
        case .release(let date, _):
            guard state.status == .active || state.status == .defaulted else {
                throw LifecycleError(regNo: regNo, rule: .notReleasable(state.status))
            }
            try requireOnOrAfterRegistration(date, state, field: .statusDate)
        case .default(let date):
            guard state.status == .active else { throw LifecycleError(regNo: regNo, rule: .notDefaultable(state.status)) }
            try requireOnOrAfterRegistration(date, state, field: .statusDate)
        case .extend(let from, let to):
            guard state.status == .active || state.status == .defaulted else {
                throw LifecycleError(regNo: regNo, rule: .notExtendable(state.status))
            }
            if let old = state.registration.maturity, to <= old {
                throw LifecycleError(regNo: regNo, rule: .maturityNotLater(old: old, new: to))
            }
            guard from == state.registration.maturity else { throw LifecycleError(regNo: regNo, rule: .extensionFromOtherMaturity) }
            try requireOnOrAfterRegistration(to, state, field: .maturity)
        case .reference, .target, .register, .periodClose, .periodReopen, .targetRemove, .targetDefault, .checkAck, .setting, .user,
             .proposal, .approve, .reject, .subsidyPolicy, .subsidyPayment, .pool, .poolContribution, .dispose, .loss:
            throw LifecycleError(regNo: regNo, rule: .notAChange(event.kind))
        }
    }

    /// The state after `event` (already checked) recorded by entry `seq`.
    public static func apply(_ event: LedgerEvent, to state: RegistrationState, seq: Int64, late: Bool) throws -> RegistrationState {
        var s = state
        switch event {
        case .correct(let changes, _):
            for c in changes {
                guard let f = RegistrationField(journalKey: c.field) else { throw LedgerDataError("unknown field \(c.field)") }
                try s.registration.setCanonical(f, c.to)
            }
            if late { s.late = true }
        case .void: s.status = .void
        case .release(let date, _): s.status = .released; s.statusDate = date
        case .default(let date): s.status = .defaulted; s.statusDate = date; s.defaultedOn = date
        case .extend(_, let to): s.registration.maturity = to
        case .reference, .target, .register, .periodClose, .periodReopen, .targetRemove, .targetDefault, .checkAck, .setting, .user,
             .proposal, .approve, .reject, .subsidyPolicy, .subsidyPayment, .pool, .poolContribution, .dispose, .loss:
            throw LifecycleError(regNo: state.registration.regNo, rule: .notAChange(event.kind))
        }
        s.updatedSeq = seq
        return s
    }

    /// The dates whose month must be open (or the change declared late) for `event` on `state`: a change to the
    /// statistic of a closed month is a late adjustment. Release, default and extension never change the statistic.
    public static func statisticDates(_ event: LedgerEvent, on state: RegistrationState?) -> [CivilDate] {
        switch event {
        case .register(let r): return [r.regDate]
        case .void: return state.map { [$0.registration.regDate] } ?? []
        case .correct(let changes, _):
            var dates = state.map { [$0.registration.regDate] } ?? []
            if let c = changes.first(where: { $0.field == RegistrationField.regDate.journalKey }), let t = c.to,
               let d = try? CivilDate.parse(t) { dates.append(d) }
            return dates
        default: return []
        }
    }

    static func requireOnOrAfterRegistration(_ date: CivilDate, _ s: RegistrationState, field: LifecycleError.DateField) throws(LifecycleError) {
        guard date >= s.registration.regDate else {
            throw LifecycleError(regNo: s.registration.regNo, rule: .beforeRegistration(field, date: date, regDate: s.registration.regDate))
        }
    }
}

/// A change the lifecycle forbids: the registration and the rule, as values (the CLI and the server word them).
public struct LifecycleError: PledgeFailure, Equatable {
    public enum DateField: Sendable, Equatable { case statusDate, maturity }
    public enum Rule: Sendable, Equatable {
        case voidCannotChange, alreadyVoid, correctionChangesNothing, regNoIsPermanent
        case notReleasable(RegistrationStatus), notDefaultable(RegistrationStatus), notExtendable(RegistrationStatus)
        case maturityNotLater(old: CivilDate, new: CivilDate), extensionFromOtherMaturity
        case beforeRegistration(DateField, date: CivilDate, regDate: CivilDate)
        case notAChange(EntryKind)
    }
    public var regNo: String
    public var rule: Rule

    public init(regNo: String, rule: Rule) {
        self.regNo = regNo
        self.rule = rule
    }

    public var category: FailureCategory {
        if case .beforeRegistration = rule { return .badInput }
        if case .maturityNotLater = rule { return .badInput }
        return .conflict
    }

    public var description: String {
        let detail: String
        switch rule {
        case .voidCannotChange: detail = "it is void and cannot be corrected"
        case .alreadyVoid: detail = "it is already void"
        case .correctionChangesNothing: detail = "the correction changes nothing"
        case .regNoIsPermanent: detail = "the 登记号 cannot be corrected; void it and register again"
        case .notReleasable(let s): detail = "it is \(s.rawValue); only an active or defaulted registration can be released"
        case .notDefaultable(let s): detail = "it is \(s.rawValue); only an active registration can default"
        case .notExtendable(let s): detail = "it is \(s.rawValue); only an active or defaulted registration can be extended"
        case .maturityNotLater(let old, let new): detail = "maturity \(new): an extension must move the maturity later than \(old)"
        case .extensionFromOtherMaturity: detail = "the extension does not start from the registration's maturity"
        case .beforeRegistration(let f, let d, let r):
            detail = "\(f == .maturity ? "maturity" : "date") \(d) is before the registration date \(r)"
        case .notAChange(let k): detail = "a \(k.rawValue) entry does not change one registration"
        }
        return "登记号 \(regNo): \(detail); nothing was written"
    }
}
