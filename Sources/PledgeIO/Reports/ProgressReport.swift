import Foundation
import PledgeCore

/// `report progress`: how far the ledger is from a target, as of a date.
public struct ProgressReport: Sendable {
    public var progress: TargetProgress

    public init(progress: TargetProgress) { self.progress = progress }

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
            projection: projection, projectedMonth: month)
    }

    public func render(_ options: ReportOptions, bom: Bool = false) throws -> String {
        switch options.format {
        case .json: return try JSONOutput.render(document)
        case .csv: return try csv(bom: bom)
        case .table: return table(options.language)
        }
    }

    /// One header row of the JSON keys and one row of values, for a spreadsheet.
    func csv(bom: Bool) throws -> String {
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
        return CSVOutput.render(header: pairs.map(\.0), rows: [pairs.map(\.1)], bom: bom)
    }

    func table(_ l: Language) -> String {
        let p = progress
        let wan = "万元"
        let type = p.target.ipType.map { l.pick($0.chineseName, $0.rawValue) } ?? l.pick("全部类型", "all types")
        var b = KeyValueBlock()
        b.add(l.pick("目标", "Target"), "\(p.target.name) — \(p.target.amount.wanDisplay) \(wan), \(type)")
        b.add(l.pick("统计窗口", "Window"), "\(p.target.from) … \(p.target.to)")
        b.add(l.pick("截至", "As of"), p.asOf.description + (p.countedTo < p.asOf ? l.pick("（窗口已结束）", " (window closed)") : ""))
        b.add(l.pick("已完成", "Achieved"), "\(p.achieved.wanDisplay) \(wan)  (\(p.registrations) \(l.pick("笔登记", "registrations")))")
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
        return b.render()
    }
}
