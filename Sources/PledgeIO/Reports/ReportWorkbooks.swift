import Foundation
import PledgeCore

/// Every report as workbook sheets (`--format xlsx`): its figures typed (counts and 万元 as numbers, months as
/// text), a bold totals row where the report has one, and an "About" sheet with the target, the window and the
/// journal head the figures were drawn from (`pledge audit head` checks it).
extension ReportOptions {
    func aboutSheet(_ pairs: [(String, String)]) -> SheetTable {
        let l = language
        return SheetTable.about(l, pairs + [(l.pick("数据截至日志", "Journal head"), journalHead ?? "—"),
                                            (l.pick("生成日期", "Generated on"), CivilDate.today().description),
                                            (l.pick("复核", "Check"), "pledge audit head")])
    }
}

extension MonthlyReport {
    public func workbook(_ options: ReportOptions) -> [SheetTable] {
        let l = options.language
        let showLate = lines.contains { $0.lateAdjustment != nil }
        var header = [l.pick("月份", "Month")]
        if let grouping { header.append(Self.groupHeader(grouping, l)) }
        header += [l.pick("笔数", "Count"), l.pick("金额(万元)", "Amount (万元)"), l.pick("累计(万元)", "Cumulative (万元)"),
                   l.pick("占目标%", "% of target"), l.pick("已关账", "Closed")]
        if showLate { header.append(l.pick("关账后补录(万元)", "Late since close (万元)")) }
        func row(_ line: Line) -> [SheetValue] {
            var r: [SheetValue] = [.text(line.month.description)]
            if grouping != nil { r.append(.text(groupLabel(line.group, l))) }
            r += [.integer(Int64(line.registrations)), .amount(line.amount, .wan), .amount(line.cumulative, .wan),
                  .decimal(percentText(percent(line.cumulative))), .text(line.closed ? l.pick("是", "yes") : l.pick("否", "no"))]
            if showLate { r.append(line.lateAdjustment.map { .amount($0, .wan) } ?? .empty) }
            return r
        }
        var totals: [SheetValue] = [.text(l.pick("合计", "Total"))]
        if grouping != nil { totals.append(.empty) }
        totals += [.integer(Int64(totalRegistrations)), .amount(totalAmount, .wan), .amount(closingCumulative, .wan),
                   .decimal(percentText(percent(closingCumulative))), .empty]
        if showLate { totals.append(.amount(lines.compactMap(\.lateAdjustment).reduce(.zero, +), .wan)) }
        return [SheetTable(name: l.pick("月度汇总", "Monthly"), header: header, rows: lines.map(row), totals: totals),
                options.aboutSheet(page(options).summary)]
    }
}

extension ProgressReport {
    public func workbook(_ options: ReportOptions) -> [SheetTable] {
        let l = options.language
        let p = progress
        var rows: [[SheetValue]] = [
            [.text(l.pick("目标金额(万元)", "Target (万元)")), .amount(p.target.amount, .wan)],
            [.text(l.pick("已完成(万元)", "Achieved (万元)")), .amount(p.achieved, .wan)],
            [.text(l.pick("登记笔数", "Registrations")), .integer(Int64(p.registrations))],
            [.text(l.pick("完成率%", "Percent")), .decimal(percentText(p.percentHundredths))],
            [.text(l.pick("尚差(万元)", "Remaining (万元)")), .amount(p.remaining, .wan)],
            [.text(l.pick("剩余月数", "Months left")), .integer(Int64(p.monthsLeft))],
            [.text(l.pick("近12个月合计(万元)", "Trailing 12 months (万元)")), .amount(p.trailing12Months, .wan)],
            [.text(l.pick("近12个月月均(万元)", "Trailing 12-month pace (万元)")), .amount(p.trailingPacePerMonth, .wan)],
        ]
        if let need = p.paceNeededPerMonth { rows.append([.text(l.pick("所需月均(万元)", "Pace needed (万元)")), .amount(need, .wan)]) }
        if let pending { rows.append([.text(l.pick("待审批(万元，未计入)", "Pending approval (万元, not counted)")), .amount(pending.amount, .wan)]) }
        if let d = details {
            rows += [
                [.text(l.pick("在贷余额(万元)", "Outstanding (万元)")), .amount(d.outstanding, .wan)],
                [.text(l.pick("在贷笔数", "Outstanding registrations")), .integer(Int64(d.outstandingRegistrations))],
                [.text(l.pick("已到期未注销(万元)", "Past maturity, not released (万元)")), .amount(d.overdue, .wan)],
                [.text(l.pick("服务企业", "Enterprises served")), .integer(Int64(d.enterprisesServed))],
                [.text(l.pick("首贷(万元)", "First loans (万元)")), .amount(d.firstLoans.amount, .wan)],
                [.text(l.pick("入园惠企(万元)", "RYWQ (万元)")), .amount(d.rywq.amount, .wan)],
                [.text(l.pick("普惠：单笔 1,000 万元以下(万元)", "普惠: under 1,000 万元 each (万元)")), .amount(d.puhui.amount, .wan)],
                [.text(l.pick("普惠笔数", "普惠 registrations")), .integer(Int64(d.puhui.registrations))],
            ]
        }
        var sheets = [SheetTable(name: l.pick("目标进度", "Progress"), header: [l.pick("项目", "Item"), l.pick("数值", "Value")], rows: rows)]
        if let d = details {
            let top = topLists(d, l).flatMap { title, list in
                list.map { [SheetValue.text(title), .text($0.name), .integer(Int64($0.registrations)), .amount($0.amount, .wan)] }
            }
            if !top.isEmpty {
                sheets.append(SheetTable(name: l.pick("前列", "Top"), header: [l.pick("分组", "List"), l.pick("名称", "Name"), l.pick("笔数", "Count"),
                                                                               l.pick("金额(万元)", "Amount (万元)")], rows: top))
            }
        }
        var about = htmlSummary(l)
        about.append((l.pick("预测", "Projection"), page(options).headline ?? ""))
        return sheets + [options.aboutSheet(about)]
    }
}

extension AnnualReport {
    public func workbook(_ options: ReportOptions) -> [SheetTable] {
        let l = options.language
        let grouped = grouping != .all
        let header = (grouped ? [l.pick("分组", "Group")] : [])
            + [l.pick("年度", "Year"), l.pick("笔数", "Registrations"), l.pick("金额(万元)", "Amount (万元)"), l.pick("同比增长%", "Growth %"),
               l.pick("达到 20% 增长", "20 % growth reached")]
        let values = rows.map { r -> [SheetValue] in
            let growth: SheetValue = r.growthPercent.map { .decimal("\($0)") } ?? .empty
            return (grouped ? [.text(r.group.map { $0.isEmpty ? l.pick("（未填）", "(not recorded)") : $0 } ?? "")] : [])
                + [.integer(Int64(r.year)), .integer(Int64(r.registrations)), .amount(Fen(r.amountFen), .wan), growth,
                   .text(r.reachesGrowthGoal == true ? "✓" : "")]
        }
        let type = ipType.map { l.pick($0.chineseName, $0.rawValue) } ?? l.pick("全部类型", "all types")
        return [SheetTable(name: l.pick("年度统计", "Annual"), header: header, rows: values),
                options.aboutSheet([(l.pick("质押物类型", "IP type"), type)])]
    }
}
