import Testing
@testable import PledgeCore

/// The subsidy rule on hand-computed loans, each figure worked out on paper and asserted to the 分.
@Suite("subsidies: the interest and share of each loan, the cap per enterprise")
struct SubsidyTests {
    static func day(_ s: String) -> CivilDate { try! CivilDate.parse(s) }

    static func loan(_ regNo: String, uscc: String = "91620100MA7000001X", wan: Int64, rate: String?, date: String, maturity: String? = nil,
                     status: RegistrationStatus = .active, statusDate: String? = nil, rywq: Bool = false, bank: String = "兰州银行") -> RegistrationState {
        let r = Registration(regNo: regNo, regDate: day(date), uscc: uscc, enterprise: "甘肃测试企业\(uscc.suffix(2))", bank: bank, amount: Fen(wan * 1_000_000),
                             ipType: .patent, ipNumbers: ["ZL201710601862.3"], maturity: maturity.map(day), rate: rate, rywq: rywq)
        return RegistrationState(registration: r, status: status, statusDate: statusDate.map(day), late: false, createdSeq: 1, updatedSeq: 1)
    }

    static let policy = SubsidyPolicy(name: "2024贴息", year: 2024, shareBasisPoints: 5000, cap: Fen(1_000_000))

    @Test("interest for rates with 0 to 4 decimals: amount × rate ÷ 100 × days ÷ 365, rounded half-up, as worked out here", arguments: [
        ("4", Int64(4), 1), ("3.85", Int64(385), 100), ("0.5", Int64(5), 10), ("12.3456", Int64(123_456), 10_000), ("99.9999", Int64(999_999), 10_000),
    ])
    func interestOfRates(rate: String, numerator: Int64, scale: Int64) {
        for (fen, days) in [(Int64(100_000_000), 365), (123_456_789, 31), (1, 1), (999_999_999_999, 366)] {
            // fen × numerator ÷ scale ÷ 100 × days ÷ 365, half-up: (2n + d) ÷ 2d with n = fen × numerator × days, d = scale × 36,500.
            let n = Int128(fen) * Int128(numerator) * Int128(days), d = Int128(scale) * 36_500
            #expect(SubsidyStatement.interest(amount: Fen(fen), rate: rate, days: days) == Fen(Int64((2 * n + d) / (2 * d))), "\(rate) \(fen) \(days)")
        }
    }

    @Test("a rate that is no plain decimal counts its digits as they are, and text without digits earns nothing")
    func oddRates() {
        #expect(SubsidyStatement.interest(amount: Fen(36_500), rate: "1.2.3", days: 100) == SubsidyStatement.interest(amount: Fen(36_500), rate: "123", days: 100))
        #expect(SubsidyStatement.interest(amount: Fen(36_500), rate: "abc", days: 100) == .zero)
        #expect(SubsidyStatement.interest(amount: Fen(36_500), rate: "", days: 100) == .zero)
    }

    @Test("a whole leap year: 366 days; 100 万元 at 3.65 % is 36,600.00 元 of interest, half of it due")
    func leapYear() {
        let s = SubsidyStatement(policy: Self.policy, states: [Self.loan("A", wan: 100, rate: "3.65", date: "2024-01-01")], paid: [:])
        let l = s.enterprises[0].loans[0]
        #expect(l.days == 366 && l.interest == Fen(3_660_000) && l.due == Fen(1_830_000))
        #expect(s.enterprises[0].due == Fen(1_000_000) && s.enterprises[0].dueBeforeCap == Fen(1_830_000), "the cap binds")
    }

    @Test("released on 1 March of a leap year: 60 days (31 + 29); 328,767.12 fen rounds to 328,767; the half fen of the share rounds up")
    func releasedMidYear() {
        let s = SubsidyStatement(policy: Self.policy, states: [Self.loan("B", wan: 50, rate: "4", date: "2023-06-01", status: .released, statusDate: "2024-03-01")], paid: [:])
        let l = s.enterprises[0].loans[0]
        #expect(l.days == 60 && l.interest == Fen(328_767) && l.due == Fen(164_384))
    }

    @Test("crossing into the next year: only December counts (31 days); a default ends the days at its date")
    func yearBoundaryAndDefault() {
        let s = SubsidyStatement(policy: Self.policy, states: [
            Self.loan("C", uscc: "91620100MA7000002X", wan: 10, rate: "3.1", date: "2024-12-01", maturity: "2025-11-30"),
            Self.loan("D", uscc: "91620100MA7000003X", wan: 20, rate: "5", date: "2023-01-10", maturity: "2026-01-01", status: .defaulted, statusDate: "2024-07-01"),
        ], paid: [:])
        let c = s.enterprises[0].loans[0], d = s.enterprises[1].loans[0]
        // 10 万元 × 3.1 % × 31 / 365 = 263.28767… 元; the share 131.64383… rounds to 131.64 元.
        #expect(c.days == 31 && c.interest == Fen(26_329) && c.due == Fen(13_165))
        // 1 January to 30 June 2024: 31 + 29 + 31 + 30 + 31 + 30 = 182 days; 20 万元 × 5 % × 182 / 365 = 4,986.30 元.
        #expect(d.days == 182 && d.interest == Fen(498_630) && d.due == Fen(249_315))
    }

    @Test("defaulted on 1 July 2024, released on 1 October: the days end at the default (182), not at the release")
    func releasedAfterDefault() throws {
        let registered = Self.loan("F", wan: 20, rate: "5", date: "2023-01-10", maturity: "2026-01-01")
        let defaulted = try Lifecycle.apply(.default(date: Self.day("2024-07-01")), to: registered, seq: 2, late: false)
        let released = try Lifecycle.apply(.release(date: Self.day("2024-10-01"), reason: .other), to: defaulted, seq: 3, late: false)
        #expect(released.status == .released && released.defaultedOn == Self.day("2024-07-01"))
        let d = SubsidyStatement(policy: Self.policy, states: [released], paid: [:]).enterprises[0].loans[0]
        #expect(d.days == 182 && d.interest == Fen(498_630) && d.due == Fen(249_315))
    }

    @Test("the cap applies to an enterprise's sum and is allocated to its loans in registration order; payments follow")
    func capAllocation() {
        let s = SubsidyStatement(policy: Self.policy, states: [
            Self.loan("E2", wan: 10, rate: "3.1", date: "2024-12-01", maturity: "2025-11-30", bank: "甘肃银行"),
            Self.loan("E1", wan: 100, rate: "3.65", date: "2024-01-01"),
        ], paid: ["91620100MA7000001X": Fen(400_000)])
        let e = s.enterprises[0]
        #expect(e.dueBeforeCap == Fen(1_830_000 + 13_165) && e.due == Fen(1_000_000) && e.outstanding == Fen(600_000))
        #expect(e.loans.map(\.regNo) == ["E1", "E2"])
        #expect(e.loans.map(\.allocatedDue) == [Fen(1_000_000), .zero] && e.loans.map(\.allocatedPaid) == [Fen(400_000), .zero])
    }

    @Test("eligibility: void, without a rate, dated after the year, ended before it, or outside `only` are left out")
    func eligibility() {
        let states = [
            Self.loan("V", wan: 10, rate: "4", date: "2024-02-01", status: .void),
            Self.loan("N", wan: 10, rate: nil, date: "2024-02-01"),
            Self.loan("L", wan: 10, rate: "4", date: "2025-01-01"),
            Self.loan("O", wan: 10, rate: "4", date: "2022-01-01", maturity: "2023-12-31"),
            Self.loan("Y", wan: 10, rate: "4", date: "2024-02-01", rywq: true),
            Self.loan("Z", wan: 10, rate: "4", date: "2024-02-01"),
        ]
        #expect(SubsidyStatement(policy: Self.policy, states: states, paid: [:]).enterprises[0].loans.map(\.regNo) == ["Y", "Z"])
        var rywq = Self.policy
        rywq.only = .rywq
        #expect(SubsidyStatement(policy: rywq, states: states, paid: [:]).enterprises[0].loans.map(\.regNo) == ["Y"])
    }

    @Test("percentages as clerks type them", arguments: [("50%", 5000), ("40", 4000), ("37.5%", 3750), ("0.25％", 25), ("100%", 10000)])
    func percent(text: String, basisPoints: Int) throws {
        #expect(try Percent.parse(text, field: "--share") == basisPoints)
        #expect(try Percent.parse(Percent.text(basisPoints), field: "--share") == basisPoints)
    }

    @Test("percentages refused", arguments: ["100.01%", "-5%", "abc", "", "5.123", "1e2"])
    func percentRefused(text: String) {
        #expect(throws: FieldError(field: "--share", value: text, rule: .share)) { try Percent.parse(text, field: "--share") }
    }
}
