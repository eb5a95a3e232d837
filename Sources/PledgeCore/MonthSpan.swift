/// A date range cut into the whole months it covers (read from monthly aggregates) and the partial
/// months at either end (read day by day). An open end (nil) covers every month on that side.
public struct MonthSpan: Sendable, Equatable {
    /// The first and last whole month as `YYYY-MM` text ("0000-01"/"9999-12" for an open end), or nil when
    /// the range covers no whole month.
    public var wholeMonths: (first: String, last: String)?
    /// Day ranges (`YYYY-MM-DD`, inclusive) outside the whole months: at most one at each end.
    public var partialDays: [(first: String, last: String)]

    public init(from: CivilDate?, to: CivilDate?) {
        partialDays = []
        wholeMonths = nil
        if let from, let to, from > to { return }
        let firstFull = from.map { $0.day == 1 ? $0.yearMonth : $0.yearMonth.advanced(by: 1) }
        let lastFull = to.map { $0.isLastDayOfMonth ? $0.yearMonth : $0.yearMonth.advanced(by: -1) }
        if let firstFull, let lastFull, firstFull > lastFull {
            // Within one month (or two partial ones): read it all day by day.
            partialDays = [(from!.description, to!.description)]
            return
        }
        wholeMonths = (firstFull?.description ?? "0000-01", lastFull?.description ?? "9999-12")
        if let from, let firstFull, from < firstFull.firstDay {
            partialDays.append((from.description, firstFull.firstDay.adding(days: -1)!.description))
        }
        if let to, let lastFull, to > lastFull.lastDay {
            partialDays.append((lastFull.lastDay.adding(days: 1)!.description, to.description))
        }
    }

    public static func == (a: MonthSpan, b: MonthSpan) -> Bool {
        a.wholeMonths?.first == b.wholeMonths?.first && a.wholeMonths?.last == b.wholeMonths?.last
            && a.partialDays.map { [$0.first, $0.last] } == b.partialDays.map { [$0.first, $0.last] }
    }
}
