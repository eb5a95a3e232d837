import Foundation
import PledgeCore
import PledgeStore

/// `report monthly`: the statistic month by month (optionally split by a group), with the running
/// total toward the target and its percentage.
public struct MonthlyReport: Sendable {
    public struct Line: Sendable, Equatable {
        public var month: YearMonth
        public var group: String?
        public var registrations: Int
        public var amount: Fen
        /// Opening balance (window start … month before `from`) plus every month up to this one, for this group.
        public var cumulative: Fen
    }

    public var target: Target
    public var from: YearMonth
    public var to: YearMonth
    public var grouping: MonthlyGrouping?
    public var lines: [Line]
    /// Amount counted in the target window before `from` (per group), carried into `cumulative`.
    public var opening: [String?: Fen]
    public var reference: ReferenceData

    /// `totals` are `from`…`to`; `openingTotals` are the window's months before `from`.
    public init(target: Target, from: YearMonth, to: YearMonth, grouping: MonthlyGrouping?, totals: [MonthlyTotal],
                openingTotals: [MonthlyTotal], reference: ReferenceData) {
        self.target = target
        self.from = from
        self.to = to
        self.grouping = grouping
        self.reference = reference
        var opening: [String?: Fen] = [:]
        for t in openingTotals { opening[t.group, default: .zero] = opening[t.group, default: .zero] + t.amount }
        self.opening = opening
        var running = opening
        var lines: [Line] = []
        if grouping == nil {
            // Every month appears, with zeros where nothing was registered.
            let byMonth = Dictionary(uniqueKeysWithValues: totals.map { ($0.month, $0) })
            var month = from
            while month <= to {
                let t = byMonth[month]
                let amount = t?.amount ?? .zero
                running[nil, default: .zero] = running[nil, default: .zero] + amount
                lines.append(Line(month: month, group: nil, registrations: t?.registrations ?? 0, amount: amount, cumulative: running[nil]!))
                month = month.advanced(by: 1)
            }
        } else {
            for t in totals {
                running[t.group, default: .zero] = running[t.group, default: .zero] + t.amount
                lines.append(Line(month: t.month, group: t.group, registrations: t.registrations, amount: t.amount,
                                  cumulative: running[t.group]!))
            }
        }
        self.lines = lines
    }

    public var totalRegistrations: Int { lines.reduce(0) { $0 + $1.registrations } }
    public var totalAmount: Fen { lines.reduce(.zero) { $0 + $1.amount } }
    public var closingCumulative: Fen { opening.values.reduce(.zero, +) + totalAmount }

    func percent(_ f: Fen) -> Int64 { TargetProgress.ratioHundredths(f.value, of: target.amount.value) }

    /// The group as data (JSON, CSV): prefecture/park/bank names, IP type code, yes/no.
    func groupValue(_ raw: String?) -> String {
        guard let raw, let grouping else { return "" }
        switch grouping {
        case .prefecture: return reference.prefecture(code: raw)?.name ?? raw
        case .park, .bank, .ipType: return raw
        case .rywq: return raw == "1" ? "yes" : "no"
        }
    }

    func groupLabel(_ raw: String?, _ l: Language) -> String {
        guard let grouping else { return "" }
        let value = groupValue(raw)
        switch grouping {
        case .ipType: return IPType(rawValue: value).map { l.pick($0.chineseName, $0.rawValue) } ?? value
        case .rywq: return raw == "1" ? l.pick("入园惠企", "RYWQ") : l.pick("非入园惠企", "not RYWQ")
        default: return value.isEmpty ? l.pick("（未填）", "(none)") : value
        }
    }

    struct Document: Encodable {
        struct Row: Encodable {
            var month: String, group: String?, registrations: Int, amountFen: Int64, amountWan: String
            var cumulativeFen: Int64, cumulativeWan: String, percentOfTarget: Decimal
        }
        var targetName: String, targetFen: Int64, ipType: String, fromMonth: String, toMonth: String, groupBy: String?
        var openingFen: Int64, totalRegistrations: Int, totalFen: Int64, totalWan: String, rows: [Row]
    }

    var document: Document {
        Document(
            targetName: target.name, targetFen: target.amount.value, ipType: grouping == .ipType ? "all" : (target.ipType?.rawValue ?? "all"),
            fromMonth: from.description, toMonth: to.description, groupBy: grouping?.rawValue,
            openingFen: opening.values.reduce(.zero, +).value, totalRegistrations: totalRegistrations,
            totalFen: totalAmount.value, totalWan: totalAmount.wanString,
            rows: lines.map { line in
                Document.Row(month: line.month.description, group: grouping == nil ? nil : groupValue(line.group),
                             registrations: line.registrations, amountFen: line.amount.value, amountWan: line.amount.wanString,
                             cumulativeFen: line.cumulative.value, cumulativeWan: line.cumulative.wanString,
                             percentOfTarget: Decimal(percent(line.cumulative)) / 100)
            })
    }

    public func render(_ options: ReportOptions, bom: Bool = false) throws -> String {
        let l = options.language
        switch options.format {
        case .json:
            return try JSONOutput.render(document)
        case .csv:
            var header = ["month"]
            if grouping != nil { header.append("group") }
            header += ["registrations", "amount_fen", "amount_wan", "cumulative_fen", "cumulative_wan", "percent_of_target"]
            let rows = lines.map { line -> [String] in
                var r = [line.month.description]
                if grouping != nil { r.append(groupValue(line.group)) }
                return r + ["\(line.registrations)", "\(line.amount.value)", line.amount.wanString, "\(line.cumulative.value)",
                            line.cumulative.wanString, percentText(percent(line.cumulative))]
            }
            return CSVOutput.render(header: header, rows: rows, bom: bom)
        case .table:
            return table(l)
        }
    }

    func table(_ l: Language) -> String {
        var headers = [l.pick("月份", "Month")]
        var align: [TextTable.Alignment] = [.left]
        if let grouping {
            headers.append(Self.groupHeader(grouping, l))
            align.append(.left)
        }
        headers += [l.pick("笔数", "Count"), l.pick("金额(万元)", "Amount (万元)"), l.pick("累计(万元)", "Cumulative (万元)"), l.pick("占目标%", "% of target")]
        align += [.right, .right, .right, .right]
        var t = TextTable(headers: headers, alignments: align)
        for line in lines {
            var r = [line.month.description]
            if grouping != nil { r.append(groupLabel(line.group, l)) }
            t.rows.append(r + ["\(line.registrations)", line.amount.wanDisplay, line.cumulative.wanDisplay, percentText(percent(line.cumulative))])
        }
        var total = [l.pick("合计", "Total")]
        if grouping != nil { total.append("") }
        t.footer = [total + ["\(totalRegistrations)", totalAmount.wanDisplay, closingCumulative.wanDisplay, percentText(percent(closingCumulative))]]
        let type = grouping == .ipType ? l.pick("全部类型", "all types") : target.ipType.map { l.pick($0.chineseName, $0.rawValue) } ?? l.pick("全部类型", "all types")
        var heading = l.pick("月度汇总 \(from) … \(to)，目标 \(target.name)（\(target.amount.wanDisplay) 万元，\(type)，\(target.from) … \(target.to)）",
                             "Monthly rollup \(from) … \(to), target \(target.name) (\(target.amount.wanDisplay) 万元, \(type), \(target.from) … \(target.to))")
        let opening = opening.values.reduce(.zero, +)
        if opening != .zero {
            heading += "\n" + l.pick("期初累计（窗口开始至 \(from.advanced(by: -1))）：\(opening.wanDisplay) 万元",
                                     "Opening cumulative (window start … \(from.advanced(by: -1))): \(opening.wanDisplay) 万元")
        }
        return heading + "\n\n" + t.render()
    }

    static func groupHeader(_ g: MonthlyGrouping, _ l: Language) -> String {
        switch g {
        case .prefecture: l.pick("市州", "Prefecture")
        case .park: l.pick("园区", "Park")
        case .bank: l.pick("银行", "Bank")
        case .ipType: l.pick("类型", "IP type")
        case .rywq: l.pick("入园惠企", "RYWQ")
        }
    }
}
