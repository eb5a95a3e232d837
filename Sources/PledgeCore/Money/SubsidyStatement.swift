/// What a subsidy policy owes, per enterprise and loan, computed from the registrations as they stand:
/// - a loan is eligible when it is not void, is dated on or before 31 December of the policy's year, has a rate, and
///   meets the policy's IP type and `only` condition;
/// - its days are the dates d of the year with reg_date ≤ d < end, where end is the first of its release date, the date
///   it defaulted (kept after a release) and its maturity, else 1 January of the next year;
/// - its interest is amount × rate ÷ 100 × days ÷ 365 and its due the interest × share, each rounded half-up to the 分;
/// - an enterprise's due is the sum of its loans' dues, capped at the policy's cap. The capped due and the payments are
///   allocated to its loans in registration order (date, then 登记号), which is how parks and banks are credited.
public struct SubsidyStatement: Sendable {
    public struct Loan: Sendable, Equatable {
        public var regNo: String, bank: String, park: String?, prefectureCode: String?
        public var amount: Fen, rate: String, regDate: CivilDate
        public var days: Int
        public var interest: Fen
        /// The loan's due before the enterprise's cap.
        public var due: Fen
        /// Its part of the enterprise's capped due, and of what was paid.
        public var allocatedDue: Fen, allocatedPaid: Fen
    }

    public struct Enterprise: Sendable, Equatable {
        public var uscc: String, name: String
        public var interest: Fen, dueBeforeCap: Fen, due: Fen, paid: Fen
        public var outstanding: Fen { due - paid }
        public var loans: [Loan]
    }

    public var policy: SubsidyPolicy
    /// In USCC order.
    public var enterprises: [Enterprise]

    public var totalDue: Fen { enterprises.reduce(.zero) { $0 + $1.due } }
    public var totalPaid: Fen { enterprises.reduce(.zero) { $0 + $1.paid } }

    /// `states`: any registrations (the ineligible are left out); `paid`: the payments per USCC under this policy.
    public init(policy: SubsidyPolicy, states: some Sequence<RegistrationState>, paid: [String: Fen]) {
        self.policy = policy
        var byEnterprise: [String: [(loan: Loan, name: String)]] = [:]
        for s in states {
            guard let loan = Self.loan(s, policy) else { continue }
            byEnterprise[s.registration.uscc, default: []].append((loan, s.registration.enterprise))
        }
        for uscc in paid.keys where byEnterprise[uscc] == nil { byEnterprise[uscc] = [] }
        var enterprises = byEnterprise.map { uscc, loans in
            let ordered = loans.sorted { a, b in
                a.loan.regDate != b.loan.regDate ? a.loan.regDate < b.loan.regDate : a.loan.regNo.compareBytes(b.loan.regNo) < 0
            }
            var e = Enterprise(uscc: uscc, name: ordered.last?.name ?? "", interest: .zero, dueBeforeCap: .zero, due: .zero,
                               paid: paid[uscc] ?? .zero, loans: ordered.map(\.loan))
            for l in e.loans { e.interest = e.interest + l.interest; e.dueBeforeCap = e.dueBeforeCap + l.due }
            e.due = policy.cap.map { min($0, e.dueBeforeCap) } ?? e.dueBeforeCap
            var (dueLeft, paidLeft) = (e.due, e.paid)
            for i in e.loans.indices {
                let d = min(e.loans[i].due, dueLeft)
                let p = i == e.loans.count - 1 ? paidLeft : min(d, paidLeft)
                (e.loans[i].allocatedDue, e.loans[i].allocatedPaid) = (d, p)
                dueLeft = dueLeft - d
                paidLeft = paidLeft - p
            }
            return e
        }
        enterprises.sort { $0.uscc.compareBytes($1.uscc) < 0 }  // in place: an enterprise is not copied
        self.enterprises = enterprises
    }

    /// Whether the policy covers the registration: only such registrations (and payments) shape its statement.
    public static func covers(_ s: RegistrationState, _ p: SubsidyPolicy) -> Bool { loan(s, p) != nil }

    /// The loan's place in the statement, nil when the policy does not cover it (or it ran no day of the year).
    static func loan(_ s: RegistrationState, _ p: SubsidyPolicy) -> Loan? {
        let r = s.registration
        guard s.status != .void, let rate = r.rate, r.regDate.year <= p.year, p.ipType.map({ $0 == r.ipType }) ?? true else { return nil }
        switch p.only {
        case .rywq?: guard r.rywq else { return nil }
        case .firstLoan?: guard r.firstLoan else { return nil }
        case nil: break
        }
        let firstDay = CivilDate(year: p.year, month: 1, day: 1)!, nextYear = CivilDate(year: p.year + 1, month: 1, day: 1)!
        // A loan released after it defaulted ends at its default.
        let ended = s.status == .released || s.status == .defaulted ? s.statusDate : nil
        var end = nextYear
        if let d = ended, d < end { end = d }
        if let d = s.defaultedOn, d < end { end = d }
        if let d = r.maturity, d < end { end = d }
        let days = max(0, end.dayNumber - max(r.regDate, firstDay).dayNumber)
        guard days > 0 else { return nil }
        let interest = interest(amount: r.amount, rate: rate, days: days)
        return Loan(regNo: r.regNo, bank: r.bank, park: r.park, prefectureCode: r.prefectureCode, amount: r.amount, rate: rate,
                    regDate: r.regDate, days: days, interest: interest, due: share(interest, basisPoints: p.shareBasisPoints),
                    allocatedDue: .zero, allocatedPaid: .zero)
    }

    /// amount × rate ÷ 100 × days ÷ 365, rounded half-up to the 分; `rate` is canonical percent text (`3.85`).
    public static func interest(amount: Fen, rate: String, days: Int) -> Fen {
        let parts = decimal(rate) ?? {
            // Not a plain decimal (the validator lets none through): its digits, as they are.
            let parts = rate.split(separator: ".")
            return Int64(parts.joined()).map { ($0, parts.count == 2 ? parts[1].count : 0) }
        }()
        guard let (numerator, decimals) = parts else { return .zero }
        var scale: Int128 = 1
        for _ in 0..<decimals { scale *= 10 }
        return Fen(roundHalfUp(Int128(amount.value) * Int128(numerator) * Int128(days), 100 * scale * 365))
    }

    /// A plain decimal's digits as one integer and how many follow the point (`3.85` → 385, 2).
    static func decimal(_ rate: String) -> (Int64, Int)? {
        var n: Int64 = 0, decimals = 0, point = false, digits = 0
        for c in rate.utf8 {
            if c == UInt8(ascii: "."), !point, digits > 0 { point = true; continue }
            guard (0x30...0x39).contains(c), digits < 18 else { return nil }
            n = n * 10 + Int64(c - 0x30)
            digits += 1
            if point { decimals += 1 }
        }
        return digits > 0 && (!point || decimals > 0) ? (n, decimals) : nil
    }

    /// interest × share (hundredths of a percent), rounded half-up to the 分.
    public static func share(_ interest: Fen, basisPoints: Int) -> Fen {
        Fen(roundHalfUp(Int128(interest.value) * Int128(basisPoints), 10_000))
    }

    /// n ÷ d rounded half-up, for n ≥ 0 and d > 0.
    static func roundHalfUp(_ n: Int128, _ d: Int128) -> Int64 { Int64((2 * n + d) / (2 * d)) }

    // MARK: per group

    public enum Grouping: String, CaseIterable, Sendable { case enterprise, park, bank }

    /// Due and paid per enterprise (its capped due and its payments), or per park or bank (its loans' allocated due
    /// and paid; payments to an enterprise none of whose loans is eligible go to the group ""), in byte order.
    public func lines(by grouping: Grouping) -> [SubsidyLine] {
        if grouping == .enterprise {
            // Already in USCC order, one line each.
            return enterprises.indices.map { i in
                SubsidyLine(group: enterprises[i].uscc, name: enterprises[i].name, loans: enterprises[i].loans.count, due: enterprises[i].due,
                            paid: enterprises[i].paid)
            }
        }
        var out: [String: SubsidyLine] = [:]
        for i in enterprises.indices {  // by index: an enterprise is not copied
            for k in enterprises[i].loans.indices {
                let g = grouping == .park ? (enterprises[i].loans[k].park ?? "") : enterprises[i].loans[k].bank
                out[g, default: SubsidyLine(group: g)].add(loans: 1, due: enterprises[i].loans[k].allocatedDue,
                                                           paid: enterprises[i].loans[k].allocatedPaid)
            }
            if enterprises[i].loans.isEmpty && enterprises[i].paid != .zero {
                out["", default: SubsidyLine(group: "")].add(loans: 0, due: .zero, paid: enterprises[i].paid)
            }
        }
        return out.values.sorted { $0.group.compareBytes($1.group) < 0 }
    }
}

/// One row of a subsidy report: an enterprise (its USCC and name), a park or a bank; what the policy owes it and what
/// was paid. The store keeps these rows per policy (`subsidy_lines`), updated with each registration and payment.
public struct SubsidyLine: Sendable, Equatable {
    public var group: String, name: String
    public var loans: Int
    public var due: Fen, paid: Fen
    public var outstanding: Fen { due - paid }

    public init(group: String, name: String = "", loans: Int = 0, due: Fen = .zero, paid: Fen = .zero) {
        (self.group, self.name, self.loans, self.due, self.paid) = (group, name, loans, due, paid)
    }

    public mutating func add(loans n: Int, due d: Fen, paid p: Fen) {
        loans += n
        due = due + d
        paid = paid + p
    }

    /// No loan, nothing due, nothing paid: the row is not kept.
    public var isEmpty: Bool { loans == 0 && due == .zero && paid == .zero }
}

/// A subsidy report's rows for one grouping, with the policy's totals.
public struct SubsidyTotals: Sendable {
    public var policy: SubsidyPolicy
    public var grouping: SubsidyStatement.Grouping
    public var lines: [SubsidyLine]
    public var loans: Int
    public var due: Fen, paid: Fen

    public init(policy: SubsidyPolicy, grouping: SubsidyStatement.Grouping, lines: [SubsidyLine], loans: Int, due: Fen, paid: Fen) {
        (self.policy, self.grouping, self.lines, self.loans, self.due, self.paid) = (policy, grouping, lines, loans, due, paid)
    }

}
