/// TargetProgress against a target as of a date: the figures of `report progress`.
/// All money is fen; the percentage is integer hundredths of a percent, rounded half up.
public struct TargetProgress: Sendable, Equatable {
    public enum Projection: Sendable, Equatable {
        /// The target was reached; the month the cumulative amount first reached it.
        case reached(YearMonth)
        /// At the trailing-12-month pace the target is reached in this month (may be after the window).
        case projected(YearMonth, withinWindow: Bool)
        /// Nothing was registered in the trailing 12 months.
        case notReachedAtThisPace
        /// The window ended (as of the report date) short of the target.
        case windowClosed
    }

    public var target: Target
    public var asOf: CivilDate
    /// Registrations of the target's type dated from `target.from` to min(`target.to`, `asOf`), not void.
    public var achieved: Fen
    public var registrations: Int
    /// Amount registered (target's type, not void) from asOf − 1 year + 1 day to asOf.
    public var trailing12Months: Fen

    public var reachedIn: YearMonth?

    public init(target: Target, asOf: CivilDate, achieved: Fen, registrations: Int, trailing12Months: Fen,
                reachedIn: YearMonth?) {
        self.target = target
        self.asOf = asOf
        self.achieved = achieved
        self.registrations = registrations
        self.trailing12Months = trailing12Months
        self.reachedIn = reachedIn
    }

    /// The last day counted: the window's end or the as-of date, whichever is earlier.
    public var countedTo: CivilDate { min(target.to, asOf) }

    /// Percent of the target achieved, in hundredths (1234 = 12.34 %), rounded half up.
    public var percentHundredths: Int64 {
        TargetProgress.ratioHundredths(achieved.value, of: target.amount.value)
    }

    /// `numerator / denominator × 100` in hundredths of a percent, rounded half up, overflow-free.
    public static func ratioHundredths(_ numerator: Int64, of denominator: Int64) -> Int64 {
        guard denominator > 0, numerator >= 0 else { return 0 }
        let wide = UInt64(numerator).multipliedFullWidth(by: 20_000)
        // A quotient beyond 64 bits is an absurd percentage: saturate rather than trap.
        guard wide.high < UInt64(denominator) else { return Int64.max }
        let (q, _) = UInt64(denominator).dividingFullWidth((high: wide.high, low: wide.low))
        return Int64(min(q / 2 + (q & 1), UInt64(Int64.max)))
    }

    public var remaining: Fen { max(.zero, target.amount - achieved) }

    /// Calendar months still open in the window after the as-of date: the as-of month counts when days remain in it.
    public var monthsLeft: Int {
        guard asOf < target.to else { return 0 }
        let whole = asOf.yearMonth.distance(to: target.to.yearMonth)
        return whole + (asOf.isLastDayOfMonth ? 0 : 1)
    }

    /// Amount per month needed to reach the target by the window's end (rounded up to the fen).
    public var paceNeededPerMonth: Fen? {
        guard monthsLeft > 0 else { return nil }
        let r = remaining.value
        return Fen((r + Int64(monthsLeft) - 1) / Int64(monthsLeft))
    }

    /// The average monthly amount over the trailing 12 months.
    public var trailingPacePerMonth: Fen { Fen(trailing12Months.value / 12) }

    static let longestProjectionMonths: Int64 = 1200

    public var projection: Projection {
        if let reachedIn, remaining == .zero { return .reached(reachedIn) }
        guard asOf < target.to else { return .windowClosed }
        let pace = trailingPacePerMonth.value
        guard pace > 0 else { return .notReachedAtThisPace }
        // Further than a century ahead is no projection a report should print (and past the calendar YearMonth knows).
        let months = (remaining.value + pace - 1) / pace
        guard months <= Self.longestProjectionMonths,
              let month = YearMonth(index: asOf.yearMonth.index + Int(months) - (asOf.isLastDayOfMonth ? 0 : 1)) else { return .notReachedAtThisPace }
        return .projected(month, withinWindow: month <= target.to.yearMonth)
    }
}
