import PledgeCore

/// `subsidy compute`: per enterprise and loan, as a table, CSV, JSON, a page or a workbook. Amounts in 元. The
/// policy's caption, page frame and About sheet serve `report subsidy` too (SubsidyGroupReport).
public struct SubsidyReport: Sendable {
    public typealias Grouping = SubsidyStatement.Grouping
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

    public func summary(_ l: Language) -> String { Self.summary(statement.policy, l) }

    public static func summary(_ p: SubsidyPolicy, _ l: Language) -> String {
        var scope = [l.pick("\(p.year) 年", "\(p.year)"), l.pick("贴息比例 \(Percent.text(p.shareBasisPoints))", "share \(Percent.text(p.shareBasisPoints))"),
                     p.cap.map { l.pick("每户上限 \(Self.shown($0)) 元", "cap \(Self.shown($0)) yuan per enterprise") } ?? l.pick("不封顶", "no cap")]
        if let only = p.only { scope.append(only == .rywq ? l.pick("仅入园惠企", "入园惠企 only") : l.pick("仅首贷", "first loans only")) }
        if let t = p.ipType { scope.append(l.pick(t.chineseName, t.rawValue)) }
        return l.pick("贴息政策 \(p.name)（\(scope.joined(separator: "，"))）\n", "Subsidy policy \(p.name) (\(scope.joined(separator: ", ")))\n")
    }

    // MARK: pages

    /// The per-loan statement as a page.
    public func loanPage(language l: Language) -> HTMLPage {
        let rows = statement.enterprises.flatMap { e in
            e.loans.map { x in [e.uscc, e.name, x.regNo, x.bank, Self.shown(x.amount), x.rate, String(x.days), Self.shown(x.interest), Self.shown(x.due), Self.shown(x.allocatedDue)] }
        }
        return page(l, HTMLPage.Table(caption: summary(l).trimmingSpaces, headers: loanHeader(l), rows: rows, numeric: Set(4..<10)))
    }

    func page(_ l: Language, _ table: HTMLPage.Table) -> HTMLPage {
        let s = statement
        return Self.page(l, policy: s.policy, due: s.totalDue, paid: s.totalPaid, count: (l.pick("企业", "Enterprises"), s.enterprises.count), head: head, table)
    }

    /// `count`: what the page counts beside the amounts (enterprises of a statement, loans of a grouped report).
    static func page(_ l: Language, policy: SubsidyPolicy, due: Fen, paid: Fen, count: (String, Int), head: String, _ table: HTMLPage.Table) -> HTMLPage {
        HTMLPage(language: l, title: l.pick("贴息测算", "Interest subsidy"), subtitle: policy.name,
                 summary: [(l.pick("应贴息(元)", "Due (yuan)"), shown(due)), (l.pick("已支付(元)", "Paid (yuan)"), shown(paid)),
                           (l.pick("尚欠(元)", "Outstanding (yuan)"), shown(due - paid)), (count.0, String(count.1))],
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

    func about(_ l: Language) -> SheetTable { Self.about(l, policy: statement.policy, head: head) }

    static func about(_ l: Language, policy: SubsidyPolicy, head: String) -> SheetTable {
        .about(l, [(l.pick("贴息政策", "Policy"), summary(policy, l).trimmingSpaces), (l.pick("数据截至日志", "Journal head"), head),
                   (l.pick("生成日期", "Generated on"), CivilDate.today().description)])
    }
}
