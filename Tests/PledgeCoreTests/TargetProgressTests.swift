import Testing
@testable import PledgeCore

@Suite("Progress against a target")
struct TargetProgressTests {
    let target = Target.gansu2025

    func progress(achievedYi: Int64, trailingYi: Int64, asOf: CivilDate, reachedIn: YearMonth? = nil) -> TargetProgress {
        TargetProgress(target: target, asOf: asOf, achieved: Fen(achievedYi * MoneyUnit.yi.fenPerUnit), registrations: 7,
                       trailing12Months: Fen(trailingYi * MoneyUnit.yi.fenPerUnit), reachedIn: reachedIn)
    }

    @Test("percent, remaining, months left and pace needed")
    func figures() {
        let p = progress(achievedYi: 20, trailingYi: 12, asOf: CivilDate(year: 2024, month: 12, day: 31)!)
        #expect(p.percentHundredths == 4000)
        #expect(p.remaining == Fen(30 * MoneyUnit.yi.fenPerUnit))
        #expect(p.monthsLeft == 12)
        #expect(p.paceNeededPerMonth == Fen(30 * MoneyUnit.yi.fenPerUnit / 12))
        #expect(p.trailingPacePerMonth == Fen(MoneyUnit.yi.fenPerUnit))
        // 30 亿 at 1 亿/month from January 2025: the 30th month is June 2027, after the window.
        #expect(p.projection == .projected(YearMonth(year: 2027, month: 6)!, withinWindow: false))
    }

    @Test("a month with days left counts as a month left")
    func partialMonth() {
        let p = progress(achievedYi: 45, trailingYi: 60, asOf: CivilDate(year: 2025, month: 11, day: 15)!)
        #expect(p.monthsLeft == 2)
        #expect(p.projection == .projected(YearMonth(year: 2025, month: 11)!, withinWindow: true))
    }

    @Test("percent rounds half up and never overflows")
    func percentRounding() {
        #expect(TargetProgress.ratioHundredths(1, of: 3) == 3333)   // 33.33 %
        #expect(TargetProgress.ratioHundredths(2, of: 3) == 6667)
        #expect(TargetProgress.ratioHundredths(1, of: 20_000) == 1)     // 0.005 % → 0.01
        #expect(TargetProgress.ratioHundredths(Int64.max / 2, of: 1) > 0)
    }

    @Test("reached, not reached at this pace, window closed")
    func projections() {
        #expect(progress(achievedYi: 51, trailingYi: 0, asOf: CivilDate(year: 2025, month: 6, day: 1)!,
                         reachedIn: YearMonth(year: 2025, month: 4)).projection == .reached(YearMonth(year: 2025, month: 4)!))
        #expect(progress(achievedYi: 10, trailingYi: 0, asOf: CivilDate(year: 2024, month: 6, day: 1)!).projection == .notReachedAtThisPace)
        let closed = progress(achievedYi: 10, trailingYi: 5, asOf: CivilDate(year: 2026, month: 3, day: 1)!)
        #expect(closed.projection == .windowClosed)
        #expect(closed.monthsLeft == 0)
        #expect(closed.paceNeededPerMonth == nil)
        #expect(closed.countedTo == target.to)
        // 300 万 in a year against 50 亿: 1,667 years at this pace, no month to print (it once crashed the report).
        let slow = TargetProgress(target: target, asOf: CivilDate(year: 2024, month: 12, day: 31)!, achieved: Fen(300 * MoneyUnit.wan.fenPerUnit),
                                  registrations: 1, trailing12Months: Fen(300 * MoneyUnit.wan.fenPerUnit), reachedIn: nil)
        #expect(slow.projection == .notReachedAtThisPace)
        #expect(progress(achievedYi: 49, trailingYi: 12, asOf: CivilDate(year: 2024, month: 12, day: 31)!).projection
                == .projected(YearMonth(year: 2025, month: 1)!, withinWindow: true))
    }
}
