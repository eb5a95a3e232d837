import PledgeCore

/// `subsidy compute` (per enterprise and loan) and `report subsidy --by enterprise|park|bank` (due, paid and
/// outstanding per group), as a table, CSV, JSON or a workbook. Amounts in 元.
public struct SubsidyReport: Sendable {
    public enum Grouping: String, CaseIterable, Sendable { case enterprise, park, bank }
    public enum Format: String, CaseIterable, Sendable { case table, csv, json, html, xlsx }

    public var statement: SubsidyStatement
    public var head: String
    public init(statement: SubsidyStatement, head: String) { (self.statement, self.head) = (statement, head) }

    public static func yuan(_ f: Fen) -> String { f.formatted(.yuan, decimals: 2, grouping: false) }
    public static func shown(_ f: Fen) -> String { f.formatted(.yuan, decimals: 2, grouping: true) }

    // MARK: per enterprise and loan

    struct LoanDoc: Encodable { var regNo: String, days: Int, interestFen: Int64, dueFen: Int64 }
    struct EnterpriseDoc: Encodable {
        var uscc: String, enterprise: String, interestFen: Int64, dueBeforeCapFen: Int64, dueFen: Int64, paidFen: Int64, outstandingFen: Int64
        var loans: [LoanDoc]
    }
    struct ComputeDoc: Encodable { var policy: String, year: Int, totalDueFen: Int64, totalPaidFen: Int64, enterprises: [EnterpriseDoc] }

    func loanHeader(_ l: Language) -> [String] {
        [l.pick("统一社会信用代码", "USCC"), l.pick("企业名称", "Enterprise"), l.pick("登记号", "Reg. no."), l.pick("银行", "Bank"),
         l.pick("金额(元)", "Amount (yuan)"), l.pick("年利率%", "Rate %"), l.pick("计息天数", "Days"), l.pick("利息(元)", "Interest (yuan)"),
         l.pick("应贴息(元)", "Due (yuan)"), l.pick("封顶后(元)", "Due after cap (yuan)")]
    }

    public func renderLoans(format: Format, language l: Language) throws -> String {
        let s = statement
        switch format {
        case .json:
            return try JSONOutput.render(ComputeDoc(policy: s.policy.name, year: s.policy.year, totalDueFen: s.totalDue.value, totalPaidFen: s.totalPaid.value,
                                                    enterprises: s.enterprises.map { e in
                EnterpriseDoc(uscc: e.uscc, enterprise: e.name, interestFen: e.interest.value, dueBeforeCapFen: e.dueBeforeCap.value, dueFen: e.due.value,
                              paidFen: e.paid.value, outstandingFen: e.outstanding.value,
                              loans: e.loans.map { LoanDoc(regNo: $0.regNo, days: $0.days, interestFen: $0.interest.value, dueFen: $0.due.value) })
            }))
        case .csv:
            var out = CSVOutput.line(loanHeader(l))
            for e in s.enterprises {
                for x in e.loans {
                    out += CSVOutput.line([e.uscc, e.name, x.regNo, x.bank, Self.yuan(x.amount), x.rate, String(x.days), Self.yuan(x.interest),
                                           Self.yuan(x.due), Self.yuan(x.allocatedDue)])
                }
            }
            return out
        case .html:
            return loanPage(language: l).render()
        case .table, .xlsx:
            var t = TextTable(headers: loanHeader(l), alignments: [.left, .left, .left, .left, .right, .right, .right, .right, .right, .right])
            for e in s.enterprises {
                for x in e.loans {
                    t.rows.append([e.uscc, e.name, x.regNo, x.bank, Self.shown(x.amount), x.rate, String(x.days), Self.shown(x.interest),
                                   Self.shown(x.due), Self.shown(x.allocatedDue)])
                }
                if e.due != e.dueBeforeCap {
                    t.rows.append(["", l.pick("　封顶：\(Self.shown(e.dueBeforeCap)) → \(Self.shown(e.due))", "  capped: \(Self.shown(e.dueBeforeCap)) → \(Self.shown(e.due))"),
                                   "", "", "", "", "", "", "", ""])
                }
            }
            t.footer = [[l.pick("合计", "Total"), l.pick("\(s.enterprises.count) 户", "enterprises: \(s.enterprises.count)"), "", "", "", "", "",
                         Self.shown(s.enterprises.reduce(.zero) { $0 + $1.interest }), Self.shown(s.enterprises.reduce(.zero) { $0 + $1.dueBeforeCap }),
                         Self.shown(s.totalDue)]]
            return summary(l) + t.render()
        }
    }

    public func summary(_ l: Language) -> String {
        let p = statement.policy
        var scope = [l.pick("\(p.year) 年", "\(p.year)"), l.pick("贴息比例 \(Percent.text(p.shareBasisPoints))", "share \(Percent.text(p.shareBasisPoints))"),
                     p.cap.map { l.pick("每户上限 \(Self.shown($0)) 元", "cap \(Self.shown($0)) yuan per enterprise") } ?? l.pick("不封顶", "no cap")]
        if let only = p.only { scope.append(only == .rywq ? l.pick("仅入园惠企", "入园惠企 only") : l.pick("仅首贷", "first loans only")) }
        if let t = p.ipType { scope.append(l.pick(t.chineseName, t.rawValue)) }
        return l.pick("贴息政策 \(p.name)（\(scope.joined(separator: "，"))）\n", "Subsidy policy \(p.name) (\(scope.joined(separator: ", ")))\n")
    }

    // MARK: per group

    public struct Line: Sendable { public var group: String, loans: Int, due: Fen, paid: Fen }

    /// Due and paid per group: an enterprise's capped due and its payments as allocated to its loans.
    public func lines(by grouping: Grouping) -> [Line] {
        var out: [String: Line] = [:]
        for e in statement.enterprises {
            if grouping == .enterprise {
                out[e.uscc] = Line(group: e.uscc, loans: e.loans.count, due: e.due, paid: e.paid)
                continue
            }
            for x in e.loans {
                let g = grouping == .park ? (x.park ?? "") : x.bank
                var line = out[g] ?? Line(group: g, loans: 0, due: .zero, paid: .zero)
                line.loans += 1
                line.due = line.due + x.allocatedDue
                line.paid = line.paid + x.allocatedPaid
                out[g] = line
            }
            // Payments to an enterprise none of whose loans is eligible any more stay visible.
            if e.loans.isEmpty && e.paid != .zero {
                var line = out[""] ?? Line(group: "", loans: 0, due: .zero, paid: .zero)
                line.paid = line.paid + e.paid
                out[""] = line
            }
        }
        return out.values.sorted { $0.group.compareBytes($1.group) < 0 }
    }

    struct GroupDoc: Encodable { var group: String, loans: Int, dueFen: Int64, paidFen: Int64, outstandingFen: Int64 }
    struct GroupsDoc: Encodable { var policy: String, year: Int, by: String, totalDueFen: Int64, totalPaidFen: Int64, totalOutstandingFen: Int64, rows: [GroupDoc] }

    public func groupHeader(_ grouping: Grouping, _ l: Language) -> [String] {
        let g = switch grouping {
        case .enterprise: l.pick("统一社会信用代码", "USCC")
        case .park: l.pick("园区", "Park")
        case .bank: l.pick("银行", "Bank")
        }
        return grouping == .enterprise
            ? [g, l.pick("企业名称", "Enterprise"), l.pick("笔数", "Loans"), l.pick("应贴息(元)", "Due (yuan)"), l.pick("已支付(元)", "Paid (yuan)"), l.pick("尚欠(元)", "Outstanding (yuan)")]
            : [g, l.pick("笔数", "Loans"), l.pick("应贴息(元)", "Due (yuan)"), l.pick("已支付(元)", "Paid (yuan)"), l.pick("尚欠(元)", "Outstanding (yuan)")]
    }

    public func groupCells(_ line: Line, _ grouping: Grouping, _ l: Language, _ money: (Fen) -> String) -> [String] {
        let label = line.group.isEmpty ? l.pick("（无）", "(none)") : line.group
        let names = grouping == .enterprise ? [statement.enterprises.first { $0.uscc == line.group }?.name ?? ""] : []
        return [label] + names + [String(line.loans), money(line.due), money(line.paid), money(line.due - line.paid)]
    }

    public func renderGroups(by grouping: Grouping, format: Format, language l: Language) throws -> String {
        let lines = lines(by: grouping)
        let s = statement
        switch format {
        case .json:
            return try JSONOutput.render(GroupsDoc(policy: s.policy.name, year: s.policy.year, by: grouping.rawValue, totalDueFen: s.totalDue.value,
                                                   totalPaidFen: s.totalPaid.value, totalOutstandingFen: (s.totalDue - s.totalPaid).value,
                                                   rows: lines.map { GroupDoc(group: $0.group, loans: $0.loans, dueFen: $0.due.value, paidFen: $0.paid.value,
                                                                              outstandingFen: ($0.due - $0.paid).value) }))
        case .csv:
            return lines.reduce(CSVOutput.line(groupHeader(grouping, l))) { $0 + CSVOutput.line(groupCells($1, grouping, l, Self.yuan)) }
        case .html:
            return groupPage(by: grouping, language: l).render()
        case .table, .xlsx:
            let header = groupHeader(grouping, l)
            var t = TextTable(headers: header, alignments: header.indices.map { $0 < header.count - 4 ? .left : .right })
            t.rows = lines.map { groupCells($0, grouping, l, Self.shown) }
            var total = [l.pick("合计", "Total")] + (grouping == .enterprise ? [""] : [])
            total += [String(lines.reduce(0) { $0 + $1.loans }), Self.shown(s.totalDue), Self.shown(s.totalPaid), Self.shown(s.totalDue - s.totalPaid)]
            t.footer = [total]
            return summary(l) + t.render()
        }
    }

    // MARK: pages

    /// A self-contained HTML page: the policy, the totals, one row per group.
    public func groupPage(by grouping: Grouping, language l: Language) -> HTMLPage {
        let header = groupHeader(grouping, l), s = statement
        var footer = [l.pick("合计", "Total")] + (grouping == .enterprise ? [""] : [])
        footer += [String(s.enterprises.reduce(0) { $0 + $1.loans.count }), Self.shown(s.totalDue), Self.shown(s.totalPaid), Self.shown(s.totalDue - s.totalPaid)]
        let table = HTMLPage.Table(caption: summary(l).trimmingSpaces, headers: header, rows: lines(by: grouping).map { groupCells($0, grouping, l, Self.shown) },
                                   footer: [footer], numeric: Set((header.count - 4)..<header.count))
        return page(l, table)
    }

    /// The per-loan statement as a page.
    public func loanPage(language l: Language) -> HTMLPage {
        let rows = statement.enterprises.flatMap { e in
            e.loans.map { x in [e.uscc, e.name, x.regNo, x.bank, Self.shown(x.amount), x.rate, String(x.days), Self.shown(x.interest), Self.shown(x.due), Self.shown(x.allocatedDue)] }
        }
        return page(l, HTMLPage.Table(caption: summary(l).trimmingSpaces, headers: loanHeader(l), rows: rows, numeric: Set(4..<10)))
    }

    func page(_ l: Language, _ table: HTMLPage.Table) -> HTMLPage {
        let s = statement
        return HTMLPage(language: l, title: l.pick("贴息测算", "Interest subsidy"), subtitle: s.policy.name,
                        summary: [(l.pick("应贴息(元)", "Due (yuan)"), Self.shown(s.totalDue)), (l.pick("已支付(元)", "Paid (yuan)"), Self.shown(s.totalPaid)),
                                  (l.pick("尚欠(元)", "Outstanding (yuan)"), Self.shown(s.totalDue - s.totalPaid)),
                                  (l.pick("企业", "Enterprises"), String(s.enterprises.count))],
                        chartSVG: nil, tables: [table], footer: l.pick("数据截至日志 ", "Journal head ") + head)
    }

    // MARK: workbooks

    public func loanWorkbook(language l: Language) -> [SheetTable] {
        var rows: [[SheetValue]] = []
        for e in statement.enterprises {
            for x in e.loans {
                rows.append([.text(e.uscc), .text(e.name), .text(x.regNo), .text(x.bank), .amount(x.amount, .yuan), .decimal(x.rate),
                             .integer(Int64(x.days)), .amount(x.interest, .yuan), .amount(x.due, .yuan), .amount(x.allocatedDue, .yuan)])
            }
        }
        let s = statement
        return [SheetTable(name: l.pick("贴息测算", "Subsidy"), header: loanHeader(l), rows: rows,
                           totals: [.text(l.pick("合计", "Total")), .empty, .empty, .empty, .empty, .empty, .empty,
                                    .amount(s.enterprises.reduce(.zero) { $0 + $1.interest }, .yuan),
                                    .amount(s.enterprises.reduce(.zero) { $0 + $1.dueBeforeCap }, .yuan), .amount(s.totalDue, .yuan)]),
                about(l)]
    }

    public func groupWorkbook(by grouping: Grouping, language l: Language) -> [SheetTable] {
        let lines = lines(by: grouping)
        let rows: [[SheetValue]] = lines.map { line in
            let cells = groupCells(line, grouping, l, Self.yuan)
            return cells.enumerated().map { i, c in
                i < cells.count - 4 ? .text(c) : i == cells.count - 4 ? .integer(Int64(line.loans))
                    : .amount([line.due, line.paid, line.due - line.paid][i - (cells.count - 3)], .yuan)
            }
        }
        let s = statement
        var totals: [SheetValue] = [.text(l.pick("合计", "Total"))] + (grouping == .enterprise ? [.empty] : [])
        totals += [.integer(Int64(lines.reduce(0) { $0 + $1.loans })), .amount(s.totalDue, .yuan), .amount(s.totalPaid, .yuan), .amount(s.totalDue - s.totalPaid, .yuan)]
        return [SheetTable(name: l.pick("贴息", "Subsidy"), header: groupHeader(grouping, l), rows: rows, totals: totals), about(l)]
    }

    func about(_ l: Language) -> SheetTable {
        .about(l, [(l.pick("贴息政策", "Policy"), summary(l).trimmingSpaces), (l.pick("数据截至日志", "Journal head"), head),
                   (l.pick("生成日期", "Generated on"), CivilDate.today().description)])
    }
}
