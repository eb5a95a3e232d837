/// A risk-compensation pool (风险补偿资金池): how a loss on a defaulted loan is split between the fund, the bank, the
/// insurer and the appraiser, the most the fund pays per loan, and which loans it covers (a park, a prefecture, a bank,
/// or all). Set or replaced by a `pool` entry; money comes in by `pool-contribution` entries.
public struct RiskPool: Sendable, Equatable, Codable {
    public var name: String
    /// Shares of a loss in hundredths of a percent; they add up to 10,000.
    public var fundBasisPoints: Int, bankBasisPoints: Int, insurerBasisPoints: Int, appraiserBasisPoints: Int
    public var capPerLoan: Fen?
    /// The loans covered: at most one of the three; none covers every loan.
    public var park: String?, prefectureCode: String?, bank: String?

    public init(name: String, fundBasisPoints: Int, bankBasisPoints: Int, insurerBasisPoints: Int = 0, appraiserBasisPoints: Int = 0,
                capPerLoan: Fen? = nil, park: String? = nil, prefectureCode: String? = nil, bank: String? = nil) {
        (self.name, self.fundBasisPoints, self.bankBasisPoints, self.insurerBasisPoints, self.appraiserBasisPoints) =
            (name, fundBasisPoints, bankBasisPoints, insurerBasisPoints, appraiserBasisPoints)
        (self.capPerLoan, self.park, self.prefectureCode, self.bank) = (capPerLoan, park, prefectureCode, bank)
    }

    enum CodingKeys: String, CodingKey {
        case name, fundBasisPoints, bankBasisPoints, insurerBasisPoints, appraiserBasisPoints, capPerLoan = "capPerLoanFen", park, prefectureCode, bank
    }

    /// Refuses a pool no command may record: a bad name, shares that do not add up to 100 %, a cap below zero, two scopes.
    public func validate() throws(FieldError) {
        guard !name.trimmingSpaces.isEmpty, name.count <= 100, !name.hasControlCharacters else {
            throw FieldError(field: "name", value: name, rule: .policyName)
        }
        let shares = [fundBasisPoints, bankBasisPoints, insurerBasisPoints, appraiserBasisPoints]
        guard shares.allSatisfy({ (0...10_000).contains($0) }), shares.reduce(0, +) == 10_000 else {
            throw FieldError(field: "shares", value: shares.map(Percent.text).joined(separator: " + "), rule: .sharesSum(shares.reduce(0, +)))
        }
        if let capPerLoan, capPerLoan.value < 0 { throw FieldError(field: "cap", value: String(capPerLoan.value), rule: .negativeAmount) }
        guard [park, prefectureCode, bank].compactMap({ $0 }).count <= 1 else { throw FieldError(field: "scope", value: name, rule: .poolScope) }
    }

    /// Whether a loss on `r` may be claimed from the pool.
    public func covers(_ r: Registration) -> Bool {
        if let park { return r.park.map { $0.sameBytes(park) } ?? false }
        if let prefectureCode { return r.prefectureCode.map { $0.sameBytes(prefectureCode) } ?? false }
        if let bank { return r.bank.sameBytes(bank) }
        return true
    }
}

/// Money paid into a pool.
public struct PoolContribution: Sendable, Equatable, Codable {
    public var pool: String, amount: Fen, date: CivilDate, from: String
    public init(pool: String, amount: Fen, date: CivilDate, from: String) { (self.pool, self.amount, self.date, self.from) = (pool, amount, date, from) }
    enum CodingKeys: String, CodingKey { case pool, amount = "amountFen", date, from }
}

/// The disposal of a defaulted loan's pledged rights (质物处置) and what it recovered.
public struct Disposal: Sendable, Equatable, Codable {
    /// 协议折价, 拍卖, 变卖.
    public enum Route: String, Sendable, Codable, CaseIterable { case agreement, auction, sale }
    public var route: Route, recovered: Fen, date: CivilDate
    public init(route: Route, recovered: Fen, date: CivilDate) { (self.route, self.recovered, self.date) = (route, recovered, date) }
    enum CodingKeys: String, CodingKey { case route, recovered = "recoveredFen", date }
}

/// A loss claimed from a pool on a defaulted loan; `principal` is the outstanding principal when it is not the amount.
public struct LossClaim: Sendable, Equatable, Codable {
    public var pool: String, date: CivilDate, principal: Fen?
    public init(pool: String, date: CivilDate, principal: Fen?) { (self.pool, self.date, self.principal) = (pool, date, principal) }
    enum CodingKeys: String, CodingKey { case pool, date, principal = "principalFen" }
}

/// What a loss claim comes to, computed from the claim, the loan, its disposal and the pool's balance at the time:
/// - the loss is the principal (the amount unless given) less what the disposal recovered;
/// - the fund's, the insurer's and the appraiser's shares are the loss × their share, rounded half-up to the 分; the
///   bank bears the rest, so that the four add up to the loss;
/// - the fund owes its share up to the pool's cap per loan, and pays what the pool's balance covers; the rest is owed.
public struct LossOutcome: Sendable, Equatable {
    public var principal: Fen, recovered: Fen, loss: Fen
    public var fundShare: Fen, bankShare: Fen, insurerShare: Fen, appraiserShare: Fen
    public var fundDue: Fen, paid: Fen, owed: Fen

    /// An outcome as recorded (`pool_losses`).
    public init(principal: Fen, recovered: Fen, loss: Fen, fundShare: Fen, bankShare: Fen, insurerShare: Fen, appraiserShare: Fen,
                fundDue: Fen, paid: Fen, owed: Fen) {
        (self.principal, self.recovered, self.loss, self.fundShare, self.bankShare) = (principal, recovered, loss, fundShare, bankShare)
        (self.insurerShare, self.appraiserShare, self.fundDue, self.paid, self.owed) = (insurerShare, appraiserShare, fundDue, paid, owed)
    }

    public init(claim: LossClaim, registration r: Registration, disposal: Disposal?, pool: RiskPool, balance: Fen) {
        let principal = claim.principal ?? r.amount, recovered = disposal?.recovered ?? .zero
        let loss = max(.zero, principal - recovered)
        func share(_ bp: Int) -> Fen { SubsidyStatement.share(loss, basisPoints: bp) }
        let (fund, insurer, appraiser) = (share(pool.fundBasisPoints), share(pool.insurerBasisPoints), share(pool.appraiserBasisPoints))
        let due = pool.capPerLoan.map { min($0, fund) } ?? fund
        let paid = max(.zero, min(due, balance))
        (self.principal, self.recovered, self.loss) = (principal, recovered, loss)
        (fundShare, bankShare, insurerShare, appraiserShare) = (fund, loss - fund - insurer - appraiser, insurer, appraiser)
        (fundDue, self.paid, owed) = (due, paid, due - paid)
    }
}

/// Which state a disposal or a loss claim needs, and the dates they may carry: the rules `dispose` and `loss` are
/// refused by, and `audit verify` replays.
public enum RecoveryRule {
    public enum Violation: Sendable, Equatable {
        case notDefaulted(RegistrationStatus), beforeDefault(date: CivilDate, defaultDate: CivilDate), disposedTwice, claimedTwice
        case beforeDisposal(date: CivilDate, disposalDate: CivilDate), notCovered(pool: String), principalAboveAmount, nothingLost
    }

    public static func checkDisposal(_ d: Disposal, on s: RegistrationState, disposed: Bool) -> Violation? {
        guard s.status == .defaulted, let defaulted = s.statusDate else { return .notDefaulted(s.status) }
        if disposed { return .disposedTwice }
        if d.date < defaulted { return .beforeDefault(date: d.date, defaultDate: defaulted) }
        return nil
    }

    public static func checkLoss(_ c: LossClaim, on s: RegistrationState, disposal: Disposal?, pool: RiskPool, claimed: Bool) -> Violation? {
        guard s.status == .defaulted, let defaulted = s.statusDate else { return .notDefaulted(s.status) }
        if claimed { return .claimedTwice }
        if c.date < defaulted { return .beforeDefault(date: c.date, defaultDate: defaulted) }
        if let disposal, c.date < disposal.date { return .beforeDisposal(date: c.date, disposalDate: disposal.date) }
        guard pool.covers(s.registration) else { return .notCovered(pool: pool.name) }
        if let p = c.principal, p > s.registration.amount || p.value <= 0 { return .principalAboveAmount }
        if (c.principal ?? s.registration.amount) <= (disposal?.recovered ?? .zero) { return .nothingLost }
        return nil
    }
}
