import Testing
@testable import PledgeCore

/// Loss sharing on hand-computed claims, asserted to the 分.
@Suite("risk pools: a loss split between the parties, the fund's cap per loan and its balance")
struct PoolTests {
    static func defaulted(wan: Int64, on date: String = "2025-03-01", park: String? = nil) -> RegistrationState {
        let r = Registration(regNo: "Y1", regDate: try! CivilDate.parse("2024-01-10"), uscc: "91620100MA7000001X", enterprise: "甘肃测试企业", bank: "兰州银行",
                             amount: Fen(wan * 1_000_000), ipType: .patent, ipNumbers: ["ZL201710601862.3"], park: park)
        return RegistrationState(registration: r, status: .defaulted, statusDate: try! CivilDate.parse(date), late: false, createdSeq: 1, updatedSeq: 2)
    }
    static func day(_ s: String) -> CivilDate { try! CivilDate.parse(s) }

    @Test("two parties, 40 : 60: a 100 万元 loan with 30 万元 recovered loses 70 万元; the fund pays 28 万元")
    func twoParties() {
        let pool = RiskPool(name: "p", fundBasisPoints: 4000, bankBasisPoints: 6000)
        let o = LossOutcome(claim: LossClaim(pool: "p", date: Self.day("2025-06-01"), principal: nil), registration: Self.defaulted(wan: 100).registration,
                            disposal: Disposal(route: .auction, recovered: Fen(30_000_000), date: Self.day("2025-05-01")), pool: pool, balance: Fen(1_000_000_000))
        #expect(o.loss == Fen(70_000_000) && o.fundShare == Fen(28_000_000) && o.bankShare == Fen(42_000_000))
        #expect(o.paid == Fen(28_000_000) && o.owed == .zero)
    }

    @Test("four parties, 54 : 26 : 16 : 4, on 333.33 元: each share rounded half-up, the bank bears the rest so the four add up")
    func fourParties() {
        let pool = RiskPool(name: "p", fundBasisPoints: 5400, bankBasisPoints: 2600, insurerBasisPoints: 1600, appraiserBasisPoints: 400)
        let r = Self.defaulted(wan: 1).registration
        let o = LossOutcome(claim: LossClaim(pool: "p", date: Self.day("2025-06-01"), principal: Fen(33_333)), registration: r, disposal: nil, pool: pool,
                            balance: Fen(10_000_000))
        // 33,333 × 54 % = 17,999.82 → 18,000; × 16 % = 5,333.28 → 5,333; × 4 % = 1,333.32 → 1,333; the bank: 33,333 − 24,666 = 8,667.
        #expect(o.loss == Fen(33_333) && o.fundShare == Fen(18_000) && o.insurerShare == Fen(5_333) && o.appraiserShare == Fen(1_333))
        #expect(o.bankShare == Fen(8_667) && o.fundShare + o.bankShare + o.insurerShare + o.appraiserShare == o.loss)
    }

    @Test("the cap per loan limits what the fund owes; an exhausted balance leaves the rest owed")
    func capAndBalance() {
        let pool = RiskPool(name: "p", fundBasisPoints: 5000, bankBasisPoints: 5000, capPerLoan: Fen(20_000_000))
        let claim = LossClaim(pool: "p", date: Self.day("2025-06-01"), principal: nil)
        let capped = LossOutcome(claim: claim, registration: Self.defaulted(wan: 100).registration, disposal: nil, pool: pool, balance: Fen(100_000_000))
        #expect(capped.fundShare == Fen(50_000_000) && capped.fundDue == Fen(20_000_000) && capped.paid == Fen(20_000_000) && capped.owed == .zero)
        let short = LossOutcome(claim: claim, registration: Self.defaulted(wan: 100).registration, disposal: nil, pool: pool, balance: Fen(5_000_000))
        #expect(short.paid == Fen(5_000_000) && short.owed == Fen(15_000_000))
        let empty = LossOutcome(claim: claim, registration: Self.defaulted(wan: 100).registration, disposal: nil, pool: pool, balance: .zero)
        #expect(empty.paid == .zero && empty.owed == Fen(20_000_000))
    }

    @Test("the rules: only a defaulted loan, not before its default or its disposal, once, within the pool's scope, with a loss")
    func rules() {
        let pool = RiskPool(name: "p", fundBasisPoints: 4000, bankBasisPoints: 6000, park: "兰州新区")
        var active = Self.defaulted(wan: 10, park: "兰州新区")
        active.status = .active
        let s = Self.defaulted(wan: 10, park: "兰州新区")
        let claim = LossClaim(pool: "p", date: Self.day("2025-04-01"), principal: nil)
        let disposal = Disposal(route: .sale, recovered: Fen(2_000_000), date: Self.day("2025-05-01"))
        #expect(RecoveryRule.checkLoss(claim, on: active, disposal: nil, pool: pool, claimed: false) == .notDefaulted(.active))
        #expect(RecoveryRule.checkDisposal(Disposal(route: .sale, recovered: .zero, date: Self.day("2025-02-28")), on: s, disposed: false)
                == .beforeDefault(date: Self.day("2025-02-28"), defaultDate: Self.day("2025-03-01")))
        #expect(RecoveryRule.checkDisposal(disposal, on: s, disposed: true) == .disposedTwice)
        #expect(RecoveryRule.checkLoss(claim, on: s, disposal: disposal, pool: pool, claimed: false)
                == .beforeDisposal(date: Self.day("2025-04-01"), disposalDate: Self.day("2025-05-01")))
        #expect(RecoveryRule.checkLoss(claim, on: s, disposal: nil, pool: pool, claimed: true) == .claimedTwice)
        #expect(RecoveryRule.checkLoss(claim, on: Self.defaulted(wan: 10, park: "兰州高新区"), disposal: nil, pool: pool, claimed: false) == .notCovered(pool: "p"))
        #expect(RecoveryRule.checkLoss(LossClaim(pool: "p", date: Self.day("2025-06-01"), principal: Fen(1_000_000)), on: s,
                                       disposal: disposal, pool: pool, claimed: false) == .nothingLost)
        #expect(RecoveryRule.checkLoss(claim, on: s, disposal: nil, pool: pool, claimed: false) == nil)
    }

    @Test("a pool's shares must add up to 100 %; a cap below zero and two scopes are refused")
    func validation() {
        #expect(throws: FieldError(field: "shares", value: "40% + 50% + 0% + 0%", rule: .sharesSum(9000))) {
            try RiskPool(name: "p", fundBasisPoints: 4000, bankBasisPoints: 5000).validate()
        }
        #expect(throws: FieldError(field: "cap", value: "-1", rule: .negativeAmount)) {
            try RiskPool(name: "p", fundBasisPoints: 4000, bankBasisPoints: 6000, capPerLoan: Fen(-1)).validate()
        }
        #expect(throws: FieldError(field: "scope", value: "p", rule: .poolScope)) {
            try RiskPool(name: "p", fundBasisPoints: 4000, bankBasisPoints: 6000, park: "兰州新区", bank: "兰州银行").validate()
        }
    }
}
