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
        /// The month is closed (`period close`).
        public var closed: Bool = false
        /// For a closed month: the change since it was closed (entries marked late), live − frozen.
        public var lateAdjustment: Fen?
    }

    public var target: Target
    public var from: YearMonth
    public var to: YearMonth
    public var grouping: MonthlyGrouping?
    public var lines: [Line]
    /// Amount counted in the target window before `from` (per group), carried into `cumulative`.
    public var opening: [String?: Fen]
    public var reference: ReferenceData
    /// Closed months' figures are those frozen at closing (`--as-closed`).
    public var asClosed: Bool
    /// Registrations awaiting approval in the report's months (of the target's type): beside the rows, never in them.
    public var pending: (registrations: Int, amount: Fen)?

    /// `totals` are `from`…`to`; `openingTotals` are the window's months before `from`; `frozen` are the
    /// totals recorded when the closed months in range were closed (same grouping), `closedMonths` those months.
    /// The report as `report monthly` and the server ask for it: months as typed (`YYYY-MM`, default the target's
    /// window), at most 100 years; `name` words a parameter (`from`, `to`) as the caller's field.
    public static func make(_ ledger: any LedgerStore, target name: String?, from: String?, to: String?, by: MonthlyGrouping?,
                            asClosed: Bool, name field: (String) -> String) throws -> MonthlyReport {
        let t = try ledger.target(named: name)
        let fromMonth = try from.map { try YearMonth.parse($0, field: field("from")) } ?? t.from.yearMonth
        let toMonth = try to.map { try YearMonth.parse($0, field: field("to")) } ?? t.to.yearMonth
        guard fromMonth <= toMonth else {
            throw FieldError(field: field("to"), value: toMonth.description, rule: .monthBeforeFrom(fromMonth.description))
        }
        guard fromMonth.distance(to: toMonth) < 1200 else {
            throw FieldError(field: field("to"), value: toMonth.description, rule: .reportTooLong(years: 100))
        }
        if by == .puhui && asClosed { throw FieldError(field: field("by"), value: "puhui", rule: .puhuiNotFrozen) }
        let ipType = by == .ipType ? nil : t.ipType
        let source: MonthlySource = asClosed ? .asClosed : .live
        let totals = try ledger.monthlyTotals(from: fromMonth, to: toMonth, by: by, ipType: ipType, source: source)
        let opening = try ledger.monthlyTotals(from: t.from.yearMonth, to: fromMonth.advanced(by: -1), by: by, ipType: ipType, source: source)
        let frozen = try ledger.monthlyTotals(from: fromMonth, to: toMonth, by: by, ipType: ipType, source: .frozenOnly)
        let closed = Set(try ledger.closedPeriods().map(\.month))
        var report = MonthlyReport(target: t, from: fromMonth, to: toMonth, grouping: by, totals: totals, openingTotals: opening,
                                   reference: try ledger.reference(), frozen: frozen, closedMonths: closed, asClosed: asClosed)
        let pending = try ledger.pendingRegistrations().filter {
            (fromMonth...toMonth).contains($0.regDate.yearMonth) && (ipType == nil || $0.ipType == ipType)
        }
        if !pending.isEmpty { report.pending = (pending.count, pending.reduce(Fen.zero) { $0 + $1.amount }) }
        return report
    }

    public init(target: Target, from: YearMonth, to: YearMonth, grouping: MonthlyGrouping?, totals: [MonthlyTotal],
                openingTotals: [MonthlyTotal], reference: ReferenceData, frozen: [MonthlyTotal] = [],
                closedMonths: Set<YearMonth> = [], asClosed: Bool = false) {
        self.target = target
        self.from = from
        self.to = to
        self.grouping = grouping
        self.reference = reference
        self.asClosed = asClosed
        struct Key: Hashable { var month: YearMonth; var group: String? }
        let frozenByKey = Dictionary(frozen.map { (Key(month: $0.month, group: $0.group), $0) }, uniquingKeysWith: { a, _ in a })
        // In a live report a group may have vanished from a closed month by a late void: keep its row.
        var totals = totals
        if !asClosed && grouping != nil {
            let live = Set(totals.map { Key(month: $0.month, group: $0.group) })
            for f in frozen where !live.contains(Key(month: f.month, group: f.group)) {
                totals.append(MonthlyTotal(month: f.month, group: f.group, registrations: 0, amount: .zero))
            }
            totals.sort { ($0.month, $0.group ?? "") < ($1.month, $1.group ?? "") }
        }
        func late(_ month: YearMonth, _ group: String?, _ amount: Fen) -> Fen? {
            guard closedMonths.contains(month), !asClosed, grouping != .puhui else { return nil }
            return amount - (frozenByKey[Key(month: month, group: group)]?.amount ?? .zero)
        }
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
                lines.append(Line(month: month, group: nil, registrations: t?.registrations ?? 0, amount: amount, cumulative: running[nil]!,
                                  closed: closedMonths.contains(month), lateAdjustment: late(month, nil, amount)))
                month = month.advanced(by: 1)
            }
        } else {
            for t in totals {
                running[t.group, default: .zero] = running[t.group, default: .zero] + t.amount
                lines.append(Line(month: t.month, group: t.group, registrations: t.registrations, amount: t.amount,
                                  cumulative: running[t.group]!, closed: closedMonths.contains(t.month),
                                  lateAdjustment: late(t.month, t.group, t.amount)))
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
        case .rywq, .puhui: return raw == "1" ? "yes" : "no"
        }
    }

    func groupLabel(_ raw: String?, _ l: Language) -> String {
        guard let grouping else { return "" }
        let value = groupValue(raw)
        switch grouping {
        case .ipType: return IPType(rawValue: value).map { l.pick($0.chineseName, $0.rawValue) } ?? value
        case .rywq: return raw == "1" ? l.pick("入园惠企", "RYWQ") : l.pick("非入园惠企", "not RYWQ")
        case .puhui: return raw == "1" ? l.pick("普惠（1,000 万元以下）", "普惠 (under 1,000 万元)") : l.pick("1,000 万元及以上", "1,000 万元 and above")
        default: return value.isEmpty ? l.pick("（未填）", "(none)") : value
        }
    }

    struct Document: Encodable {
        struct Row: Encodable {
            var month: String, group: String?, registrations: Int, amountFen: Int64, amountWan: String
            var cumulativeFen: Int64, cumulativeWan: String, percentOfTarget: Decimal
            var closed: Bool
            var lateAdjustmentFen: Int64?
        }
        var asClosed: Bool
        var targetName: String, targetFen: Int64, ipType: String, fromMonth: String, toMonth: String, groupBy: String?
        var openingFen: Int64, totalRegistrations: Int, totalFen: Int64, totalWan: String, rows: [Row]
        /// Awaiting approval in these months, in no row (only when some are pending).
        var pendingRegistrations: Int?, pendingFen: Int64?
    }

    var document: Document {
        Document(
            asClosed: asClosed, targetName: target.name, targetFen: target.amount.value, ipType: grouping == .ipType ? "all" : (target.ipType?.rawValue ?? "all"),
            fromMonth: from.description, toMonth: to.description, groupBy: grouping?.rawValue,
            openingFen: opening.values.reduce(.zero, +).value, totalRegistrations: totalRegistrations,
            totalFen: totalAmount.value, totalWan: totalAmount.wanString,
            rows: lines.map { line in
                Document.Row(month: line.month.description, group: grouping == nil ? nil : groupValue(line.group),
                             registrations: line.registrations, amountFen: line.amount.value, amountWan: line.amount.wanString,
                             cumulativeFen: line.cumulative.value, cumulativeWan: line.cumulative.wanString,
                             percentOfTarget: Decimal(percent(line.cumulative)) / 100, closed: line.closed,
                             lateAdjustmentFen: line.lateAdjustment?.value)
            }, pendingRegistrations: pending?.registrations, pendingFen: pending?.amount.value)
    }

    public func render(_ options: ReportOptions, bom: Bool = false) throws -> String {
        let l = options.language
        switch options.format {
        case .json:
            return try JSONOutput.render(document)
        case .csv:
            var header = ["month"]
            if grouping != nil { header.append("group") }
            header += ["registrations", "amount_fen", "amount_wan", "cumulative_fen", "cumulative_wan", "percent_of_target", "closed",
                       "late_adjustment_fen"]
            let rows = lines.map { line -> [String] in
                var r = [line.month.description]
                if grouping != nil { r.append(groupValue(line.group)) }
                return r + ["\(line.registrations)", "\(line.amount.value)", line.amount.wanString, "\(line.cumulative.value)",
                            line.cumulative.wanString, percentText(percent(line.cumulative)), line.closed ? "yes" : "no",
                            line.lateAdjustment.map { "\($0.value)" } ?? ""]
            }
            return CSVOutput.render(header: Messages(l).csvHeaders(header), rows: rows, bom: bom)
        case .table:
            return table(l)
        case .html:
            return html(options)
        }
    }

    func table(_ l: Language) -> String {
        let (h, rows, footer) = cells(l)
        var t = TextTable(headers: h, alignments: h.indices.map { $0 < (grouping == nil ? 1 : 2) ? .left : .right })
        t.rows = rows
        t.footer = [footer]
        let type = grouping == .ipType ? l.pick("全部类型", "all types") : target.ipType.map { l.pick($0.chineseName, $0.rawValue) } ?? l.pick("全部类型", "all types")
        var heading = l.pick("月度汇总 \(from) … \(to)，目标 \(target.name)（\(target.amount.wanDisplay) 万元，\(type)，\(target.from) … \(target.to)）",
                             "Monthly rollup \(from) … \(to), target \(target.name) (\(target.amount.wanDisplay) 万元, \(type), \(target.from) … \(target.to))")
        let opening = opening.values.reduce(.zero, +)
        if opening != .zero {
            heading += "\n" + l.pick("期初累计（窗口开始至 \(from.advanced(by: -1))）：\(opening.wanDisplay) 万元",
                                     "Opening cumulative (window start … \(from.advanced(by: -1))): \(opening.wanDisplay) 万元")
        }
        if asClosed { heading += "\n" + l.pick("已关账月份按关账时的数据（不含补录）", "Closed months as they were when closed (late entries excluded)") }
        if let p = pendingText(l) { heading += "\n" + p }
        return heading + "\n\n" + t.render()
    }

    /// "Pending approval, not in the rows: N registrations, X 万元".
    func pendingText(_ l: Language) -> String? {
        pending.map { l.pick("待审批（未计入下表）：\($0.registrations) 笔，\($0.amount.wanDisplay) 万元",
                             "Pending approval (not in the rows): \($0.registrations) registrations, \($0.amount.wanDisplay) 万元") }
    }

    /// Header, rows and totals row shared by the table and HTML forms.
    func cells(_ l: Language) -> ([String], [[String]], [String]) {
        let showLate = lines.contains { $0.lateAdjustment != nil }
        var headers = [l.pick("月份", "Month")]
        if let grouping { headers.append(Self.groupHeader(grouping, l)) }
        headers += [l.pick("笔数", "Count"), l.pick("金额(万元)", "Amount (万元)"), l.pick("累计(万元)", "Cumulative (万元)"), l.pick("占目标%", "% of target")]
        if showLate { headers.append(l.pick("关账后补录(万元)", "Late since close (万元)")) }
        let rows = lines.map { line -> [String] in
            var r = [line.month.description + (line.closed ? l.pick(" 已关账", " closed") : "")]
            if grouping != nil { r.append(groupLabel(line.group, l)) }
            r += ["\(line.registrations)", line.amount.wanDisplay, line.cumulative.wanDisplay, percentText(percent(line.cumulative))]
            if showLate { r.append(line.lateAdjustment.map { $0 == .zero ? "—" : $0.wanDisplay } ?? "") }
            return r
        }
        var total = [l.pick("合计", "Total")]
        if grouping != nil { total.append("") }
        total += ["\(totalRegistrations)", totalAmount.wanDisplay, closingCumulative.wanDisplay, percentText(percent(closingCumulative))]
        if showLate { total.append(lines.compactMap(\.lateAdjustment).reduce(.zero, +).wanDisplay) }
        return (headers, rows, total)
    }

    func html(_ options: ReportOptions) -> String { page(options).render() }

    /// The HTML report as a page value (see `ProgressReport.page`).
    public func page(_ options: ReportOptions) -> HTMLPage {
        let l = options.language
        var running = opening.values.reduce(.zero, +)
        var byMonth: [YearMonth: Fen] = [:]
        for line in lines { byMonth[line.month, default: .zero] = byMonth[line.month, default: .zero] + line.amount }
        let points = byMonth.keys.sorted().map { m -> SVGChart.Point in
            running = running + byMonth[m]!
            return SVGChart.Point(month: m, amount: byMonth[m]!, cumulative: running)
        }
        let (h, rows, footer) = cells(l)
        let type = grouping == .ipType ? l.pick("全部类型", "all types") : target.ipType.map { l.pick($0.chineseName, $0.rawValue) } ?? l.pick("全部类型", "all types")
        var summary: [(String, String)] = [
            (l.pick("目标", "Target"), "\(target.name) — \(target.amount.wanDisplay) 万元，\(type)"),
            (l.pick("统计窗口", "Window"), "\(target.from) … \(target.to)"),
            (l.pick("报告月份", "Months"), "\(from) … \(to)" + (asClosed ? l.pick("（按关账时数据）", " (as closed)") : "")),
            (l.pick("期初累计", "Opening cumulative"), "\(opening.values.reduce(.zero, +).wanDisplay) 万元"),
            (l.pick("本期合计", "Total of the months"), "\(totalAmount.wanDisplay) 万元（\(totalRegistrations)）"),
            (l.pick("期末累计", "Closing cumulative"), "\(closingCumulative.wanDisplay) 万元，" + percentText(percent(closingCumulative)) + " %"),
        ]
        if let p = pending {
            summary.append((l.pick("待审批（未计入）", "Pending approval (not counted)"), l.pick("\(p.registrations) 笔，\(p.amount.wanDisplay) 万元", "\(p.registrations) registrations, \(p.amount.wanDisplay) 万元")))
        }
        let table = HTMLPage.Table(caption: l.pick("月度明细", "Months"), headers: h, rows: rows, footer: [footer],
                                   numeric: Set((grouping == nil ? 1 : 2)..<h.count))
        return HTMLPage(language: l, title: l.pick("甘肃省知识产权质押融资月度汇总", "Gansu IP pledge financing: monthly rollup"),
                        subtitle: l.pick("\(from) … \(to)", "\(from) … \(to)") + (grouping.map { " · " + Self.groupHeader($0, l) } ?? ""),
                        summary: summary, chartSVG: points.isEmpty ? nil : SVGChart(points: points, target: target.amount, language: l).render(),
                        tables: [table], footer: options.footer(l.pick("pledge 生成", "generated by pledge")))
    }

    static func groupHeader(_ g: MonthlyGrouping, _ l: Language) -> String {
        switch g {
        case .prefecture: l.pick("市州", "Prefecture")
        case .park: l.pick("园区", "Park")
        case .bank: l.pick("银行", "Bank")
        case .ipType: l.pick("类型", "IP type")
        case .rywq: l.pick("入园惠企", "RYWQ")
        case .puhui: l.pick("普惠", "普惠 band")
        }
    }
}
