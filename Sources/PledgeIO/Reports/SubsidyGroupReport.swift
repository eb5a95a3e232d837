import PledgeCore

/// `report subsidy --by enterprise|park|bank`: due, paid and outstanding per group (the rows the store keeps, which
/// `SubsidyStatement.lines(by:)` defines), as a table, CSV, JSON, a page or a workbook. Amounts in 元.
public struct SubsidyGroupReport: Sendable {
    public var totals: SubsidyTotals
    public var head: String
    public init(totals: SubsidyTotals, head: String) { (self.totals, self.head) = (totals, head) }

    var grouping: SubsidyStatement.Grouping { totals.grouping }

    struct GroupDoc: Encodable { var group: String, loans: Int, dueFen: Int64, paidFen: Int64, outstandingFen: Int64 }
    struct GroupsDoc: Encodable { var policy: String, year: Int, by: String, totalDueFen: Int64, totalPaidFen: Int64, totalOutstandingFen: Int64, rows: [GroupDoc] }

    public func header(_ l: Language) -> [String] {
        let g = switch grouping {
        case .enterprise: l.pick("统一社会信用代码", "USCC")
        case .park: l.pick("园区", "Park")
        case .bank: l.pick("银行", "Bank")
        }
        return [g] + (grouping == .enterprise ? [l.pick("企业名称", "Enterprise")] : [])
            + [l.pick("笔数", "Loans"), l.pick("应贴息(元)", "Due (yuan)"), l.pick("已支付(元)", "Paid (yuan)"), l.pick("尚欠(元)", "Outstanding (yuan)")]
    }

    func cells(_ line: SubsidyLine, _ l: Language, _ money: (Fen) -> String) -> [String] {
        let label = line.group.isEmpty ? l.pick("（无）", "(none)") : line.group
        return [label] + (grouping == .enterprise ? [line.name] : []) + [String(line.loans), money(line.due), money(line.paid), money(line.outstanding)]
    }

    func totalRow(_ l: Language) -> [String] {
        let t = totals
        return [l.pick("合计", "Total")] + (grouping == .enterprise ? [""] : [])
            + [String(t.loans), SubsidyReport.shown(t.due), SubsidyReport.shown(t.paid), SubsidyReport.shown(t.due - t.paid)]
    }

    public func render(format: SubsidyReport.Format, language l: Language) throws -> String {
        let t = totals
        switch format {
        case .json:
            return try JSONOutput.render(GroupsDoc(policy: t.policy.name, year: t.policy.year, by: grouping.rawValue, totalDueFen: t.due.value,
                                                   totalPaidFen: t.paid.value, totalOutstandingFen: (t.due - t.paid).value,
                                                   rows: t.lines.map { GroupDoc(group: $0.group, loans: $0.loans, dueFen: $0.due.value, paidFen: $0.paid.value,
                                                                                outstandingFen: $0.outstanding.value) }))
        case .csv:
            var out = CSVOutput.line(header(l))
            for line in t.lines { out += CSVOutput.line(cells(line, l, SubsidyReport.yuan)) }
            return out
        case .html:
            return page(language: l).render()
        case .table, .xlsx:
            let h = header(l)
            var table = TextTable(headers: h, alignments: h.indices.map { $0 < h.count - 4 ? .left : .right })
            table.rows = t.lines.map { cells($0, l, SubsidyReport.shown) }
            table.footer = [totalRow(l)]
            return SubsidyReport.summary(t.policy, l) + table.render()
        }
    }

    /// A self-contained HTML page: the policy, the totals, one row per group.
    public func page(language l: Language) -> HTMLPage {
        let h = header(l), t = totals
        let table = HTMLPage.Table(caption: SubsidyReport.summary(t.policy, l).trimmingSpaces, headers: h, rows: t.lines.map { cells($0, l, SubsidyReport.shown) },
                                   footer: [totalRow(l)], numeric: Set((h.count - 4)..<h.count))
        return SubsidyReport.page(l, policy: t.policy, due: t.due, paid: t.paid, count: (l.pick("笔数", "Loans"), t.loans), head: head, table)
    }

    public func workbook(language l: Language) -> [SheetTable] {
        let t = totals
        let rows: [[SheetValue]] = t.lines.map { line in
            [.text(line.group.isEmpty ? l.pick("（无）", "(none)") : line.group)] + (grouping == .enterprise ? [.text(line.name)] : [])
                + [.integer(Int64(line.loans)), .amount(line.due, .yuan), .amount(line.paid, .yuan), .amount(line.outstanding, .yuan)]
        }
        var sums: [SheetValue] = [.text(l.pick("合计", "Total"))] + (grouping == .enterprise ? [.empty] : [])
        sums += [.integer(Int64(t.loans)), .amount(t.due, .yuan), .amount(t.paid, .yuan), .amount(t.due - t.paid, .yuan)]
        return [SheetTable(name: l.pick("贴息", "Subsidy"), header: header(l), rows: rows, totals: sums),
                SubsidyReport.about(l, policy: t.policy, head: head)]
    }
}
