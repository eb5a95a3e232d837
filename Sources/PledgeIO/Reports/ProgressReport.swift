import Foundation
import PledgeCore
import PledgeStore

/// `report progress`: how far the ledger is from a target, as of a date.
public struct ProgressReport: Sendable {
    public var progress: TargetProgress
    public var details: ProgressDetails?
    /// The window's months up to the as-of date, for the HTML chart.
    public var months: [MonthlyTotal]
    /// Registrations awaiting approval that would count toward the target: shown beside the figures, never in them.
    public var pending: (registrations: Int, amount: Fen)?

    /// Counts `registrations` (those of pending proposals) that the target would count as of the report's date.
    public mutating func setPending(_ registrations: [Registration]) {
        let counted = registrations.filter { $0.regDate <= progress.asOf && progress.target.counts(.registered($0, seq: 0, late: false)) }
        pending = counted.isEmpty ? nil : (counted.count, counted.reduce(Fen.zero) { $0 + $1.amount })
    }

    public init(progress: TargetProgress, details: ProgressDetails? = nil, months: [MonthlyTotal] = []) {
        self.progress = progress
        self.details = details
        self.months = months
    }

    /// The JSON document (CONTRACT: targetName, targetFen, fromDate, toDate, asOf, achievedFen,
    /// registrations, percent, remainingFen, …). Every amount as integer fen and as a 万元 string.
    public struct Document: Encodable, Sendable {
        public var targetName: String
        public var ipType: String
        public var targetFen: Int64
        public var targetWan: String
        public var fromDate: String
        public var toDate: String
        public var asOf: String
        public var countedTo: String
        public var achievedFen: Int64
        public var achievedWan: String
        public var registrations: Int
        public var percent: Decimal
        public var remainingFen: Int64
        public var remainingWan: String
        public var monthsLeft: Int
        public var paceNeededPerMonthFen: Int64?
        public var paceNeededPerMonthWan: String?
        public var trailing12MonthsFen: Int64
        public var trailing12MonthsWan: String
        public var trailingPacePerMonthFen: Int64
        public var trailingPacePerMonthWan: String
        public var projection: String
        public var projectedMonth: String?
        public var outstandingFen: Int64?
        public var outstandingWan: String?
        public var outstandingRegistrations: Int?
        /// Active on the as-of date but past maturity (not in `outstanding`).
        public var overdueFen: Int64?
        public var overdueRegistrations: Int?
        /// Once the window has ended: `reached` or `notReached`, and by how much (fen above or below the target).
        public var outcome: String?
        public var outcomeDifferenceFen: Int64?
        public var enterprisesServed: Int?
        public var firstLoanRegistrations: Int?
        public var firstLoanFen: Int64?
        public var rywqRegistrations: Int?
        public var rywqFen: Int64?
        /// 入园惠企 share of the achieved amount, percent.
        public var rywqSharePercent: Decimal?
        /// The 普惠 band: registrations under 1,000 万元.
        public var puhuiRegistrations: Int?
        public var puhuiFen: Int64?
        public var topPrefectures: [Share]?
        public var topParks: [Share]?
        public var topBanks: [Share]?
        /// Awaiting approval, not in any figure above (only when some are pending).
        public var pendingRegistrations: Int?
        public var pendingFen: Int64?

        public struct Share: Encodable, Sendable {
            public var name: String
            public var registrations: Int
            public var amountFen: Int64
            public var amountWan: String
        }
    }

    public var document: Document {
        let p = progress
        let (projection, month): (String, String?) = switch p.projection {
        case .reached(let m): ("reached", m.description)
        case .projected(let m, let within): (within ? "onPace" : "afterWindow", m.description)
        case .notReachedAtThisPace: ("notReachedAtThisPace", nil)
        case .windowClosed: ("windowClosed", nil)
        }
        return Document(
            targetName: p.target.name, ipType: p.target.ipType?.rawValue ?? "all",
            targetFen: p.target.amount.value, targetWan: p.target.amount.wanString,
            fromDate: p.target.from.description, toDate: p.target.to.description, asOf: p.asOf.description,
            countedTo: p.countedTo.description, achievedFen: p.achieved.value, achievedWan: p.achieved.wanString,
            registrations: p.registrations, percent: Decimal(p.percentHundredths) / 100,
            remainingFen: p.remaining.value, remainingWan: p.remaining.wanString, monthsLeft: p.monthsLeft,
            paceNeededPerMonthFen: p.paceNeededPerMonth?.value, paceNeededPerMonthWan: p.paceNeededPerMonth?.wanString,
            trailing12MonthsFen: p.trailing12Months.value, trailing12MonthsWan: p.trailing12Months.wanString,
            trailingPacePerMonthFen: p.trailingPacePerMonth.value, trailingPacePerMonthWan: p.trailingPacePerMonth.wanString,
            projection: projection, projectedMonth: month,
            outstandingFen: details?.outstanding.value, outstandingWan: details?.outstanding.wanString,
            outstandingRegistrations: details?.outstandingRegistrations,
            overdueFen: details?.overdue.value, overdueRegistrations: details?.overdueRegistrations,
            outcome: p.asOf >= p.target.to ? (p.remaining == .zero ? "reached" : "notReached") : nil,
            outcomeDifferenceFen: p.asOf >= p.target.to ? abs(p.achieved.value - p.target.amount.value) : nil,
            enterprisesServed: details?.enterprisesServed,
            firstLoanRegistrations: details?.firstLoans.registrations, firstLoanFen: details?.firstLoans.amount.value,
            rywqRegistrations: details?.rywq.registrations, rywqFen: details?.rywq.amount.value,
            rywqSharePercent: details.map { Decimal(TargetProgress.ratioHundredths($0.rywq.amount.value, of: p.achieved.value)) / 100 },
            puhuiRegistrations: details?.puhui.registrations, puhuiFen: details?.puhui.amount.value,
            topPrefectures: details?.topPrefectures.map(Self.share), topParks: details?.topParks.map(Self.share),
            topBanks: details?.topBanks.map(Self.share), pendingRegistrations: pending?.registrations, pendingFen: pending?.amount.value)
    }

    static func share(_ s: ProgressDetails.Share) -> Document.Share {
        Document.Share(name: s.name, registrations: s.registrations, amountFen: s.amount.value, amountWan: s.amount.wanString)
    }

    public func render(_ options: ReportOptions, bom: Bool = false) throws -> String {
        switch options.format {
        case .json: return try JSONOutput.render(document)
        case .csv: return try csv(bom: bom, Messages(options.language))
        case .table: return table(options.language)
        case .html: return html(options)
        }
    }

    /// One header row of the JSON keys and one row of values, for a spreadsheet.
    func csv(bom: Bool, _ m: Messages) throws -> String {
        let d = document
        let pairs: [(String, String)] = [
            ("targetName", d.targetName), ("ipType", d.ipType), ("targetFen", "\(d.targetFen)"), ("fromDate", d.fromDate),
            ("toDate", d.toDate), ("asOf", d.asOf), ("countedTo", d.countedTo), ("achievedFen", "\(d.achievedFen)"),
            ("achievedWan", d.achievedWan), ("registrations", "\(d.registrations)"), ("percent", percentText(progress.percentHundredths)),
            ("remainingFen", "\(d.remainingFen)"), ("remainingWan", d.remainingWan), ("monthsLeft", "\(d.monthsLeft)"),
            ("paceNeededPerMonthFen", d.paceNeededPerMonthFen.map { "\($0)" } ?? ""),
            ("trailing12MonthsFen", "\(d.trailing12MonthsFen)"), ("trailingPacePerMonthFen", "\(d.trailingPacePerMonthFen)"),
            ("projection", d.projection), ("projectedMonth", d.projectedMonth ?? ""),
        ]
        return CSVOutput.render(header: m.csvHeaders(pairs.map(\.0)), rows: [pairs.map(\.1)], bom: bom)
    }

    func table(_ l: Language) -> String {
        let p = progress
        let wan = "万元"
        let type = (p.target.ipType.map { l.pick($0.chineseName, $0.rawValue) } ?? l.pick("全部类型", "all types"))
            + (p.target.park ?? p.target.prefectureCode).map { ", \($0)" }.orEmpty
        var b = KeyValueBlock()
        b.add(l.pick("目标", "Target"), "\(p.target.name) — \(p.target.amount.wanDisplay) \(wan), \(type)")
        b.add(l.pick("统计窗口", "Window"), "\(p.target.from) … \(p.target.to)")
        b.add(l.pick("截至", "As of"), p.asOf.description + (p.countedTo < p.asOf ? l.pick("（窗口已结束）", " (window closed)") : ""))
        b.add(l.pick("已完成", "Achieved"), "\(p.achieved.wanDisplay) \(wan)  (\(p.registrations) \(l.pick("笔登记", "registrations")))")
        if let pendingLine = pendingLine(l) { b.add(pendingLine.0, pendingLine.1) }
        b.add(l.pick("完成率", "Percent"), percentText(p.percentHundredths) + " %")
        b.add(l.pick("尚差", "Remaining"), "\(p.remaining.wanDisplay) \(wan)")
        b.add(l.pick("剩余月数", "Months left"), "\(p.monthsLeft)")
        if let need = p.paceNeededPerMonth {
            b.add(l.pick("所需月均", "Pace needed"), "\(need.wanDisplay) \(wan)\(l.pick("/月", " per month"))")
        }
        b.add(l.pick("近12个月月均", "Trailing 12-month pace"),
              "\(p.trailingPacePerMonth.wanDisplay) \(wan)\(l.pick("/月", " per month"))  (\(l.pick("合计", "total")) \(p.trailing12Months.wanDisplay))")
        let projection: String = switch p.projection {
        case .reached(let m): l.pick("已于 \(m) 达成目标", "reached in \(m)")
        case .projected(let m, true): l.pick("按近12个月速度，预计 \(m) 达成", "at the trailing pace, reached in \(m)")
        case .projected(let m, false):
            l.pick("按近12个月速度，预计 \(m) 达成，晚于窗口结束", "at the trailing pace, reached in \(m), after the window ends")
        case .notReachedAtThisPace: l.pick("按当前速度无法达成目标", "not reached at this pace")
        case .windowClosed: l.pick("窗口已于 \(p.target.to) 结束，目标未达成", "the window ended on \(p.target.to) short of the target")
        }
        b.add(l.pick("预测", "Projection"), projection)
        if let verdict = verdict(l) { b.add(l.pick("结论", "Outcome"), verdict) }
        guard let d = details else { return b.render() }
        for (label, value) in detailPairs(d, l) { b.add(label, value) }
        var out = b.render()
        for (title, list) in topLists(d, l) where !list.isEmpty {
            var t = TextTable(headers: [title, l.pick("笔数", "Count"), l.pick("金额(万元)", "Amount (万元)")], alignments: [.left, .right, .right])
            t.rows = list.map { [$0.name, "\($0.registrations)", $0.amount.wanDisplay] }
            out += "\n" + t.render()
        }
        return out
    }

    /// Once the window has ended: whether the target was reached, and by how much, in a sentence.
    func verdict(_ l: Language) -> String? {
        let p = progress
        guard p.asOf >= p.target.to else { return nil }
        let percent = percentText(p.percentHundredths) + " %"
        if p.remaining == .zero {
            let over = p.achieved - p.target.amount
            return l.pick("目标已达成：完成 \(p.achieved.wanDisplay) 万元（\(percent)），超出目标 \(over.wanDisplay) 万元",
                          "target reached: \(p.achieved.wanDisplay) 万元 (\(percent)), \(over.wanDisplay) 万元 above the target")
        }
        return l.pick("目标未达成：完成 \(p.achieved.wanDisplay) 万元（\(percent)），差 \(p.remaining.wanDisplay) 万元",
                      "target not reached: \(p.achieved.wanDisplay) 万元 (\(percent)), \(p.remaining.wanDisplay) 万元 short")
    }

    /// "Pending approval (not in the figures above): N registrations, X 万元".
    func pendingLine(_ l: Language) -> (String, String)? {
        pending.map { (l.pick("待审批", "Pending approval"),
                       l.pick("\($0.registrations) 笔，\($0.amount.wanDisplay) 万元（未计入已完成）", "\($0.registrations) registrations, \($0.amount.wanDisplay) 万元 (not in Achieved)")) }
    }

    /// `commands`: name the command that lists the loans past maturity (a terminal's table; not a page).
    func detailPairs(_ d: ProgressDetails, _ l: Language, commands: Bool = true) -> [(String, String)] {
        let p = progress
        let overdueUnit = commands ? l.pick("笔；见 pledge check --rule matured-not-released", "registrations; see pledge check --rule matured-not-released")
                                   : l.pick("笔", "registrations")
        return [
            (l.pick("在贷余额（截至 \(p.asOf)，未到期）", "Outstanding on \(p.asOf) (not past maturity)"),
             "\(d.outstanding.wanDisplay) 万元  (\(d.outstandingRegistrations) \(l.pick("笔", "registrations")))"),
            (l.pick("已到期未注销", "Past maturity, not released"),
             "\(d.overdue.wanDisplay) 万元  (\(d.overdueRegistrations) \(overdueUnit))"),
            (l.pick("服务企业", "Enterprises served"), "\(d.enterprisesServed)"),
            (l.pick("首贷", "First loans"), "\(d.firstLoans.registrations) \(l.pick("笔", "registrations")), \(d.firstLoans.amount.wanDisplay) 万元"),
            (l.pick("入园惠企", "RYWQ (入园惠企)"), "\(d.rywq.registrations) \(l.pick("笔", "registrations")), \(d.rywq.amount.wanDisplay) 万元 ("
                + percentText(TargetProgress.ratioHundredths(d.rywq.amount.value, of: p.achieved.value)) + l.pick(" % 占已完成)", " % of achieved)")),
            (l.pick("普惠（单笔 1,000 万元以下）", "普惠 (under 1,000 万元 each)"), "\(d.puhui.registrations) \(l.pick("笔", "registrations")), \(d.puhui.amount.wanDisplay) 万元"),
        ]
    }

    func topLists(_ d: ProgressDetails, _ l: Language) -> [(String, [ProgressDetails.Share])] {
        [(l.pick("前列市州", "Top prefectures"), d.topPrefectures), (l.pick("前列园区", "Top parks"), d.topParks),
         (l.pick("前列银行", "Top banks"), d.topBanks)]
    }

    func htmlSummary(_ l: Language) -> [(String, String)] {
        let p = progress
        var pairs: [(String, String)] = [
            (l.pick("目标", "Target"), "\(p.target.name) — \(p.target.amount.wanDisplay) 万元"),
            (l.pick("统计窗口", "Window"), "\(p.target.from) … \(p.target.to)"),
            (l.pick("截至", "As of"), p.asOf.description),
            (l.pick("已完成", "Achieved"), "\(p.achieved.wanDisplay) 万元 (\(p.registrations))"),
            (l.pick("完成率", "Percent"), percentText(p.percentHundredths) + " %"),
            (l.pick("尚差", "Remaining"), "\(p.remaining.wanDisplay) 万元"),
            (l.pick("剩余月数", "Months left"), "\(p.monthsLeft)"),
            (l.pick("近12个月月均", "Trailing 12-month pace"), "\(p.trailingPacePerMonth.wanDisplay) 万元"),
        ]
        if let pendingLine = pendingLine(l) { pairs.insert(pendingLine, at: 4) }
        if let need = p.paceNeededPerMonth { pairs.append((l.pick("所需月均", "Pace needed"), "\(need.wanDisplay) 万元")) }
        if let d = details { pairs += detailPairs(d, l, commands: false) }
        return pairs
    }

    func html(_ options: ReportOptions) -> String { page(options).render() }

    /// The HTML report as a page value: the CLI writes it whole, the server shows its content inside its own layout.
    public func page(_ options: ReportOptions) -> HTMLPage {
        let l = options.language
        // Every month of the window up to the as-of date, zero where nothing was registered.
        var cumulative = Fen.zero
        let byMonth = Dictionary(months.map { ($0.month, $0.amount) }, uniquingKeysWith: +)
        var points: [SVGChart.Point] = []
        if !months.isEmpty {
            var m = progress.target.from.yearMonth
            while m <= progress.countedTo.yearMonth {
                cumulative = cumulative + (byMonth[m] ?? .zero)
                points.append(SVGChart.Point(month: m, amount: byMonth[m] ?? .zero, cumulative: cumulative))
                m = m.advanced(by: 1)
            }
        }
        let tables = details.map { d in
            topLists(d, l).filter { !$0.1.isEmpty }.map { title, list in
                HTMLPage.Table(caption: title, headers: [title, l.pick("笔数", "Count"), l.pick("金额(万元)", "Amount (万元)")],
                               rows: list.map { [$0.name, "\($0.registrations)", $0.amount.wanDisplay] }, numeric: [1, 2])
            }
        } ?? []
        let type = (progress.target.ipType.map { l.pick($0.chineseName, $0.rawValue) } ?? l.pick("全部类型", "all types"))
            + (progress.target.park ?? progress.target.prefectureCode).map { l.pick("，", ", ") + $0 }.orEmpty
        var chart = SVGChart(points: points, target: progress.target.amount, language: l)
        chart.futureMonths = max(0, progress.countedTo.yearMonth.distance(to: progress.target.to.yearMonth))
        if progress.remaining > .zero, progress.trailingPacePerMonth > .zero { chart.projectionPerMonth = progress.trailingPacePerMonth }
        chart.neededPerMonth = progress.paceNeededPerMonth
        var page = HTMLPage(language: l, title: l.pick("甘肃省知识产权质押融资进度报告", "Gansu IP pledge financing: progress report"),
                            subtitle: l.pick("目标 \(progress.target.name)（\(type)），截至 \(progress.asOf)",
                                             "Target \(progress.target.name) (\(type)), as of \(progress.asOf)"),
                            summary: htmlSummary(l), chartSVG: points.isEmpty ? nil : chart.render(),
                            tables: tables, footer: options.footer(l.pick("pledge 生成", "generated by pledge")))
        page.headline = verdict(l) ?? l.pick("已完成 \(percentText(progress.percentHundredths)) %：\(progress.achieved.wanDisplay) / \(progress.target.amount.wanDisplay) 万元",
                                             "\(percentText(progress.percentHundredths)) % achieved: \(progress.achieved.wanDisplay) of \(progress.target.amount.wanDisplay) 万元")
        return page
    }
}

private extension Optional where Wrapped == String {
    var orEmpty: String { self ?? "" }
}
