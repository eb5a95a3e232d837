import Foundation
import PledgeCore
import PledgeStore

/// `report annual`: one row per year and group with its growth against the group's previous year (the national
/// 入园惠企 plan asks parks for 20 % a year).
public struct AnnualReport: Sendable {
    public var totals: [AnnualTotal]
    public var grouping: GroupDimension
    public var ipType: IPType?
    public var reference: ReferenceData

    /// The growth a row is marked for reaching, in percent.
    public static let growthGoalPercent: Int64 = 20

    public init(totals: [AnnualTotal], grouping: GroupDimension, ipType: IPType?, reference: ReferenceData) {
        self.totals = totals
        self.grouping = grouping
        self.ipType = ipType
        self.reference = reference
    }

    public struct Row: Encodable, Sendable {
        public var year: Int
        public var group: String?
        public var registrations: Int
        public var amountFen: Int64
        public var amountWan: String
        /// Against the same group's previous calendar year; nil when that year had nothing.
        public var growthPercent: Decimal?
        public var reachesGrowthGoal: Bool?
    }

    /// Rows by group, then year; growth in hundredths of a percent, rounded half up (`TargetProgress.ratioHundredths`).
    public var rows: [Row] {
        var previous: [String: Fen] = [:]
        return totals.map { t in
            let before = previous[t.group]
            previous[t.group] = t.amount
            let growth = before.flatMap { b -> Int64? in
                guard b.value > 0, let prior = totals.first(where: { $0.group == t.group && $0.year == t.year - 1 }) else { return nil }
                let up = t.amount.value >= prior.amount.value
                let hundredths = TargetProgress.ratioHundredths(abs(t.amount.value - prior.amount.value), of: prior.amount.value)
                return up ? hundredths : -hundredths
            }
            return Row(year: t.year, group: grouping == .all ? nil : name(t.group), registrations: t.registrations, amountFen: t.amount.value,
                       amountWan: t.amount.wanString, growthPercent: growth.map { Decimal($0) / 100 },
                       reachesGrowthGoal: growth.map { $0 >= Self.growthGoalPercent * 100 })
        }
    }

    func name(_ group: String) -> String {
        switch grouping {
        case .prefecture: reference.prefecture(code: group)?.name ?? group
        case .rywq, .firstLoan: group == "1" ? "是" : "否"
        default: group
        }
    }

    public func render(_ options: ReportOptions, bom: Bool = false) throws -> String {
        let l = options.language
        let rows = self.rows
        func growth(_ r: Row) -> String {
            guard let g = r.growthPercent else { return "—" }
            let hundredths = NSDecimalNumber(decimal: g * 100).int64Value
            return (hundredths < 0 ? "-" : "") + percentText(abs(hundredths)) + " %" + (r.reachesGrowthGoal == true ? " ✓" : "")
        }
        let headers = (grouping == .all ? [] : [l.pick("分组", "Group")])
            + [l.pick("年度", "Year"), l.pick("笔数", "Registrations"), l.pick("金额(万元)", "Amount (万元)"),
               l.pick("同比增长", "Growth on previous year")]
        let cells = rows.map { r in (r.group.map { [$0.isEmpty ? l.pick("（未填）", "(not recorded)") : $0] } ?? [])
            + ["\(r.year)", "\(r.registrations)", Fen(r.amountFen).wanDisplay, growth(r)] }
        let numeric = Set((grouping == .all ? 1 : 2)...(grouping == .all ? 3 : 4))
        switch options.format {
        case .json: return try JSONOutput.render(["rows": rows])
        case .csv:
            let keys = (grouping == .all ? [] : ["group"]) + ["year", "registrations", "amountFen", "amountWan", "growthPercent"]
            return CSVOutput.render(header: Messages(l).csvHeaders(keys), rows: rows.map { r in
                (r.group.map { [$0] } ?? []) + ["\(r.year)", "\(r.registrations)", "\(r.amountFen)", r.amountWan, r.growthPercent.map { "\($0)" } ?? ""]
            }, bom: bom)
        case .table:
            var t = TextTable(headers: headers, alignments: headers.indices.map { numeric.contains($0) || $0 == headers.count - 1 ? .right : .left })
            t.rows = cells
            return t.render() + l.pick("✓ 达到入园惠企 \(Self.growthGoalPercent) % 年增长要求\n", "✓ reaches the 入园惠企 plan's \(Self.growthGoalPercent) % yearly growth\n")
        case .html:
            let type = ipType.map { l.pick($0.chineseName, $0.rawValue) } ?? l.pick("全部类型", "all types")
            return HTMLPage(language: l, title: l.pick("甘肃省知识产权质押融资年度统计", "Gansu IP pledge financing: yearly figures"),
                            subtitle: l.pick("\(type)，同比增长按同一分组上一年计算", "\(type); growth against the same group's previous year"),
                            summary: [], chartSVG: nil,
                            tables: [HTMLPage.Table(caption: l.pick("年度统计", "Yearly figures"), headers: headers, rows: cells, numeric: numeric)],
                            footer: options.footer(l.pick("pledge 生成", "generated by pledge"))).render()
        }
    }
}
