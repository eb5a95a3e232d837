import PledgeCore
import PledgeStore

/// `report pool`: each pool's contributions, payouts, balance, what it owes, the loans it covers and its leverage
/// (covered amount ÷ capital); with one pool, its losses too. Amounts in 元.
public struct PoolReport: Sendable {
    public var pools: [PoolStatus]
    /// One pool asked for by name: its losses are listed.
    public var detailed: Bool
    public var head: String
    public init(pools: [PoolStatus], detailed: Bool, head: String) { (self.pools, self.detailed, self.head) = (pools, detailed, head) }

    /// Covered amount ÷ capital, two decimals; nil without capital.
    public static func leverage(_ p: PoolStatus) -> Double? {
        p.contributions.value > 0 ? (Double(p.coveredAmount.value) / Double(p.contributions.value) * 100).rounded() / 100 : nil
    }

    struct LossDoc: Encodable {
        var regNo: String, date: String, principalFen: Int64, recoveredFen: Int64, lossFen: Int64, fundShareFen: Int64, bankShareFen: Int64
        var insurerShareFen: Int64, appraiserShareFen: Int64, fundDueFen: Int64, paidFen: Int64, owedFen: Int64
    }
    struct PoolDoc: Encodable {
        var pool: String, contributionsFen: Int64, payoutsFen: Int64, balanceFen: Int64, owedFen: Int64, coveredRegistrations: Int, coveredFen: Int64
        var leverage: Double?
        var losses: [LossDoc]?
    }

    func doc(_ p: PoolStatus) -> PoolDoc {
        PoolDoc(pool: p.pool.name, contributionsFen: p.contributions.value, payoutsFen: p.payouts.value, balanceFen: p.balance.value, owedFen: p.owed.value,
                coveredRegistrations: p.coveredRegistrations, coveredFen: p.coveredAmount.value, leverage: Self.leverage(p),
                losses: detailed ? p.losses.map { x in
                    let o = x.outcome
                    return LossDoc(regNo: x.regNo, date: x.date.description, principalFen: o.principal.value, recoveredFen: o.recovered.value, lossFen: o.loss.value,
                                   fundShareFen: o.fundShare.value, bankShareFen: o.bankShare.value, insurerShareFen: o.insurerShare.value,
                                   appraiserShareFen: o.appraiserShare.value, fundDueFen: o.fundDue.value, paidFen: o.paid.value, owedFen: o.owed.value)
                } : nil)
    }

    public func header(_ l: Language) -> [String] {
        [l.pick("资金池", "Pool"), l.pick("注资(元)", "Contributions (yuan)"), l.pick("已支付(元)", "Payouts (yuan)"), l.pick("余额(元)", "Balance (yuan)"),
         l.pick("尚欠(元)", "Owed (yuan)"), l.pick("覆盖笔数", "Loans covered"), l.pick("覆盖金额(万元)", "Covered (万元)"), l.pick("放大倍数", "Leverage")]
    }

    public func cells(_ p: PoolStatus, _ money: (Fen) -> String, wan: (Fen) -> String) -> [String] {
        [p.pool.name, money(p.contributions), money(p.payouts), money(p.balance), money(p.owed), String(p.coveredRegistrations), wan(p.coveredAmount),
         Self.leverage(p).map { String(format: "%.2f", $0) } ?? "—"]
    }

    func lossHeader(_ l: Language) -> [String] {
        [l.pick("登记号", "Reg. no."), l.pick("日期", "Date"), l.pick("本金(元)", "Principal (yuan)"), l.pick("回收(元)", "Recovered (yuan)"),
         l.pick("损失(元)", "Loss (yuan)"), l.pick("资金池分担(元)", "Fund share (yuan)"), l.pick("银行(元)", "Bank (yuan)"), l.pick("保险(元)", "Insurer (yuan)"),
         l.pick("评估(元)", "Appraiser (yuan)"), l.pick("资金池支付(元)", "Paid (yuan)"), l.pick("尚欠(元)", "Owed (yuan)")]
    }

    func lossCells(_ x: PoolStatus.Loss, _ money: (Fen) -> String) -> [String] {
        let o = x.outcome
        return [x.regNo, x.date.description] + [o.principal, o.recovered, o.loss, o.fundShare, o.bankShare, o.insurerShare, o.appraiserShare, o.paid, o.owed].map(money)
    }

    public func render(format: SubsidyReport.Format, language l: Language) throws -> String {
        switch format {
        case .json:
            if detailed, let p = pools.first { return try JSONOutput.render(doc(p)) }
            return try JSONOutput.render(["pools": pools.map(doc)])
        case .csv:
            var out = pools.reduce(CSVOutput.line(header(l))) { $0 + CSVOutput.line(cells($1, SubsidyReport.yuan, wan: { $0.wanString })) }
            if detailed, let p = pools.first {
                out += "\n" + p.losses.reduce(CSVOutput.line(lossHeader(l))) { $0 + CSVOutput.line(lossCells($1, SubsidyReport.yuan)) }
            }
            return out
        case .html:
            return page(language: l).render()
        case .table, .xlsx:
            var t = TextTable(headers: header(l), alignments: [.left] + Array(repeating: .right, count: 7))
            t.rows = pools.map { cells($0, SubsidyReport.shown, wan: { $0.wanDisplay }) }
            var out = t.render()
            if detailed, let p = pools.first {
                let s = p.pool
                out += l.pick("分担比例：资金池 \(Percent.text(s.fundBasisPoints))，银行 \(Percent.text(s.bankBasisPoints))，保险 \(Percent.text(s.insurerBasisPoints))，评估 \(Percent.text(s.appraiserBasisPoints))\n",
                              "Shares: fund \(Percent.text(s.fundBasisPoints)), bank \(Percent.text(s.bankBasisPoints)), insurer \(Percent.text(s.insurerBasisPoints)), appraiser \(Percent.text(s.appraiserBasisPoints))\n")
                if p.losses.isEmpty { return out + l.pick("尚无损失分担\n", "No loss claimed yet\n") }
                var losses = TextTable(headers: lossHeader(l), alignments: [.left, .left] + Array(repeating: .right, count: 9))
                losses.rows = p.losses.map { lossCells($0, SubsidyReport.shown) }
                out += "\n" + losses.render()
            }
            return out
        }
    }

    /// The pools, and one pool's losses, as a self-contained page.
    public func page(language l: Language) -> HTMLPage {
        var tables = [HTMLPage.Table(caption: l.pick("风险补偿资金池", "Risk-compensation pools"), headers: header(l),
                                     rows: pools.map { cells($0, SubsidyReport.shown, wan: { $0.wanDisplay }) }, numeric: Set(1...7))]
        if detailed, let p = pools.first {
            tables.append(HTMLPage.Table(caption: l.pick("损失分担", "Losses"), headers: lossHeader(l), rows: p.losses.map { lossCells($0, SubsidyReport.shown) },
                                         numeric: Set(2...10)))
        }
        return HTMLPage(language: l, title: l.pick("风险补偿资金池", "Risk-compensation pools"), subtitle: detailed ? (pools.first?.pool.name ?? "") : "",
                        summary: [], chartSVG: nil, tables: tables, footer: l.pick("数据截至日志 ", "Journal head ") + head)
    }

    public func workbook(language l: Language) -> [SheetTable] {
        var sheets = [SheetTable(name: l.pick("资金池", "Pools"), header: header(l), rows: pools.map { p in
            [.text(p.pool.name), .amount(p.contributions, .yuan), .amount(p.payouts, .yuan), .amount(p.balance, .yuan), .amount(p.owed, .yuan),
             .integer(Int64(p.coveredRegistrations)), .amount(p.coveredAmount, .wan), Self.leverage(p).map { .decimal(String(format: "%.2f", $0)) } ?? .empty]
        })]
        if detailed, let p = pools.first {
            sheets.append(SheetTable(name: l.pick("损失分担", "Losses"), header: lossHeader(l), rows: p.losses.map { x in
                let o = x.outcome
                return [.text(x.regNo), .date(x.date)] + [o.principal, o.recovered, o.loss, o.fundShare, o.bankShare, o.insurerShare, o.appraiserShare, o.paid, o.owed]
                    .map { .amount($0, .yuan) }
            }))
        }
        return sheets + [.about(l, [(l.pick("数据截至日志", "Journal head"), head), (l.pick("生成日期", "Generated on"), CivilDate.today().description)])]
    }
}
