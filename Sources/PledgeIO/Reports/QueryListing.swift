import Foundation
import PledgeCore
import PledgeStore

/// `query`: matching registrations with totals, as a table, CSV (streamed) or JSON (streamed).
public struct QueryListing {
    public var ledger: any LedgerStore
    public var query: RegistrationQuery
    public var reference: ReferenceData

    public init(ledger: any LedgerStore, query: RegistrationQuery, reference: ReferenceData) {
        self.ledger = ledger
        self.query = query
        self.reference = reference
    }

    static let csvHeader = ["reg_no", "reg_date", "ip_type", "uscc", "enterprise", "bank", "branch", "amount_fen", "amount_wan",
                            "park", "prefecture", "maturity", "rywq", "first_loan", "status", "status_date", "pledge_rate_percent"]

    public func write(format: ReportFormat, language l: Language, bom: Bool, to sink: OutputSink) throws {
        switch format {
        case .csv:
            try sink.write(CSVOutput.render(header: Messages(l).csvHeaders(Self.csvHeader), rows: [], bom: bom))
            _ = try ledger.query(query) { s in
                let row = csvRow(s)
                try sink.write { CSVOutput.appendLine(row, to: &$0) }
            }
        case .json:
            try sink.write("{\n  \"registrations\" : [")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var first = true
            let totals = try ledger.query(query) { s in
                let doc = RegistrationView.document(s, prefectureName: s.registration.prefectureCode.flatMap { reference.prefecture(code: $0)?.name })
                try sink.write((first ? "\n    " : ",\n    ") + String(decoding: try encoder.encode(doc), as: UTF8.self))
                first = false
            }
            let byStatus = Dictionary(uniqueKeysWithValues: totals.byStatus.map { ($0.key.rawValue, ["registrations": $0.value.registrations, "amountFen": Int($0.value.amount.value)]) })
            let totalsJSON = String(decoding: try encoder.encode(TotalsDoc(registrations: totals.registrations, amountFen: totals.amount.value,
                                                                             amountWan: totals.amount.wanString, byStatus: byStatus)), as: UTF8.self)
            try sink.write("\n  ],\n  \"totals\" : \(totalsJSON)\n}\n")
        case .table, .html:
            var t = TextTable(headers: [l.pick("登记号", "Reg. no."), l.pick("登记日期", "Date"), l.pick("企业", "Enterprise"), l.pick("银行", "Bank"),
                                        l.pick("金额(万元)", "Amount (万元)"), l.pick("类型", "Type"), l.pick("园区", "Park"), l.pick("状态", "Status")],
                              alignments: [.left, .left, .left, .left, .right, .left, .left, .left])
            let totals = try ledger.query(query) { s in
                let r = s.registration
                t.rows.append([r.regNo, r.regDate.description, r.enterprise, r.bank, r.amount.wanDisplay,
                               l.pick(r.ipType.chineseName, r.ipType.rawValue), r.park ?? "", l.pick(s.status.chineseName, s.status.rawValue)])
            }
            let statuses = RegistrationStatus.allCases.compactMap { st in
                totals.byStatus[st].map { "\(l.pick(st.chineseName, st.rawValue)) \($0.registrations)" }
            }.joined(separator: ", ")
            t.footer = [[l.pick("合计", "Total"), "", "\(totals.registrations) \(l.pick("笔", "registrations"))", statuses,
                         totals.amount.wanDisplay, "", "", ""]]
            var out = t.render() + l.pick("合计金额不含作废登记\n", "the total amount excludes void registrations\n")
            if let limit = query.limit, totals.registrations > limit {
                out += l.pick("仅列出前 \(limit) 笔；合计为全部 \(totals.registrations) 笔\n", "listed the first \(limit); totals cover all \(totals.registrations)\n")
            }
            try sink.write(out)
        }
    }

    /// The matching registrations as a workbook (the CSV's columns typed, a bold totals row), an About sheet with the
    /// journal head; returns how many were listed.
    @discardableResult
    public func writeWorkbook(to path: String, ledgerPath: String?, language l: Language) throws -> Int {
        let book = try XLSXWriter(path: path, ledger: ledgerPath)
        try book.beginSheet(l.pick("查询结果", "Query"), header: Messages(l).csvHeaders(Self.csvHeader))
        var totals = QueryTotals()
        try book.rows { add in
            totals = try ledger.query(query) { s in
                let r = s.registration
                let text = csvRow(s)
                var row = text.map { $0.isEmpty ? SheetValue.empty : .text($0) }
                row[1] = .date(r.regDate)
                row[7] = .integer(r.amount.value)
                row[8] = .amount(r.amount, .wan)
                row[11] = r.maturity.map { .date($0) } ?? .empty
                row[15] = s.statusDate.map { .date($0) } ?? .empty
                row[16] = r.pledgeRateBasisPoints.map { .decimal(percentText($0)) } ?? .empty
                try add(row)
            }
        }
        try book.row([.text(l.pick("合计 \(totals.registrations) 笔（金额不含作废）", "Total: \(totals.registrations) registrations (amount without void)")),
                      .empty, .empty, .empty, .empty, .empty, .empty, .integer(totals.amount.value), .amount(totals.amount, .wan)], bold: true)
        let head = try ledger.head().map { "\($0.seq):\($0.hash)" } ?? "—"
        try book.beginSheet(Messages(l).text(.sheetAbout), header: [l.pick("项目", "Item"), l.pick("内容", "Value")])
        try book.row([.text(l.pick("数据截至日志", "Journal head")), .text(head)])
        try book.row([.text(l.pick("生成日期", "Generated on")), .text(CivilDate.today().description)])
        try book.finish()
        return totals.registrations
    }

    struct TotalsDoc: Encodable {
        var registrations: Int, amountFen: Int64, amountWan: String, byStatus: [String: [String: Int]]
    }

    func csvRow(_ s: RegistrationState) -> [String] {
        let r = s.registration
        return [r.regNo, r.regDate.description, r.ipType.rawValue, r.uscc, r.enterprise, r.bank, r.branch ?? "", "\(r.amount.value)",
                r.amount.wanString, r.park ?? "", r.prefectureCode.flatMap { reference.prefecture(code: $0)?.name } ?? "",
                r.maturity?.description ?? "", r.rywq ? "yes" : "no", r.firstLoan ? "yes" : "no", s.status.rawValue, s.statusDate?.description ?? "",
                r.pledgeRateBasisPoints.map(percentText) ?? ""]
    }
}
