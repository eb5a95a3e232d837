import PledgeCore
import PledgeStore

/// `period list`.
public struct PeriodListing: Sendable {
    public var periods: [ClosedPeriod]
    public init(periods: [ClosedPeriod]) { self.periods = periods }

    struct Item: Encodable {
        var month: String, registrations: Int, amountFen: Int64, amountWan: String, head: String, seq: Int64, closedAt: String, closedBy: String
    }

    public func render(format: ViewFormat, language l: Language) throws -> String {
        switch format {
        case .json:
            return try JSONOutput.render(["periods": periods.map {
                Item(month: $0.month.description, registrations: $0.registrations, amountFen: $0.amount.value, amountWan: $0.amount.wanString,
                     head: "\($0.headSeq):\($0.headHash)", seq: $0.seq, closedAt: $0.closedAt, closedBy: $0.closedBy)
            }])
        case .table:
            return periods.isEmpty ? l.pick("尚无关账月份\n", "no closed periods\n") : table(language: l).render()
        }
    }

    /// The table the terminal and the web page show.
    public func table(language l: Language) -> TextTable {
        let time = LocalTime()
        var t = TextTable(headers: [l.pick("月份", "Month"), l.pick("笔数", "Count"), l.pick("金额(万元)", "Amount (万元)"),
                                    l.pick("关账时日志", "Journal head at closing"), l.pick("关账时间 (\(time.name))", "Closed at (\(time.name))"), l.pick("操作员", "By")],
                          alignments: [.left, .right, .right, .left, .left, .left])
        t.rows = periods.map { ["\($0.month)", "\($0.registrations)", $0.amount.wanDisplay, "\($0.headSeq):\($0.headHash)", time.show($0.closedAt), $0.closedBy] }
        return t
    }
}
