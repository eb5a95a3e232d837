import Foundation
import PledgeCore
import PledgeStore

/// `export`: every registration with its current state, as CSV that `import` reads back to the same
/// registrations, or as JSON.
public struct RegistrationExport {
    public enum Format: String, CaseIterable, Sendable { case csv, json }

    /// The CSV columns, in order: CONTRACT's English headers plus the status columns.
    static let columns: [ImportColumn] = [.regNo, .regDate, .uscc, .enterprise, .bank, .branch, .amountYuan, .ipType, .ipNumbers,
                                          .prefecture, .park, .maturity, .rate, .rywq, .firstLoan, .insured, .notes, .status, .statusDate,
                                          .appraisedValue, .appraiser, .insurer, .insuredAmount]

    /// Header language of the CSV: English (CONTRACT's names) or Chinese (what clerks' spreadsheets use).
    public enum Headers: String, CaseIterable, Sendable { case en, zh }

    public var ledger: any LedgerStore
    public var headers: Headers
    /// Unit of the amount column: yuan (`amount_yuan`) or wan (`登记金额(万元)`).
    public var unit: MoneyUnit

    public init(ledger: any LedgerStore, headers: Headers = .en, unit: MoneyUnit = .yuan) {
        self.ledger = ledger
        self.headers = headers
        self.unit = unit == .yi ? .wan : unit
    }

    var csvColumns: [ImportColumn] { Self.columns.map { $0 == .amountYuan && unit == .wan ? .amountWan : $0 } }

    /// Writes every registration to `sink`; returns how many.
    @discardableResult
    public func write(format: Format, bom: Bool, to sink: OutputSink) throws -> Int {
        var count = 0
        switch format {
        case .csv:
            try sink.write(CSVOutput.render(header: csvColumns.map { $0.headers[headers == .zh ? 1 : 0] }, rows: [], bom: bom))
            let reference = headers == .zh ? try ledger.reference() : nil
            try ledger.forEachRegistration { s in
                let row = csvRow(s, reference: reference)
                try sink.write { CSVOutput.appendLine(row, to: &$0) }
                count += 1
            }
        case .json:
            try sink.write("{\n  \"registrations\" : [")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try ledger.forEachRegistration { s in
                let json = String(decoding: try encoder.encode(RegistrationView.document(s, prefectureName: nil)), as: UTF8.self)
                try sink.write((count == 0 ? "\n    " : ",\n    ") + json)
                count += 1
            }
            try sink.write("\n  ],\n  \"count\" : \(count)\n}\n")
        }
        return count
    }

    /// Writes every registration to the workbook at `path` (the CSV's columns, typed: dates as date cells, the amount
    /// a number, identifiers text) and an "About" sheet with the journal head; returns how many. `import` reads the
    /// workbook back to the same registrations.
    @discardableResult
    public func writeWorkbook(to path: String, ledgerPath: String?, language: Language) throws -> Int {
        let book = try XLSXWriter(path: path, ledger: ledgerPath)
        try book.beginSheet(language.pick("登记", "Registrations"), header: csvColumns.map { $0.headers[headers == .zh ? 1 : 0] })
        let reference = headers == .zh ? try ledger.reference() : nil
        var count = 0
        try book.rows { add in
            try ledger.forEachRegistration { s in
                try add(sheetRow(s, reference: reference))
                count += 1
            }
        }
        let head = try ledger.head().map { "\($0.seq):\($0.hash)" } ?? "—"
        try book.beginSheet(Messages(language).text(.sheetAbout), header: [language.pick("项目", "Item"), language.pick("内容", "Value")])
        for (k, v) in [(language.pick("登记笔数", "Registrations"), String(count)), (language.pick("数据截至日志", "Journal head"), head),
                       (language.pick("生成日期", "Generated on"), CivilDate.today().description)] {
            try book.row([.text(k), .text(v)])
        }
        try book.finish()
        return count
    }

    /// One registration as typed workbook cells, in the CSV's columns.
    func sheetRow(_ s: RegistrationState, reference: ReferenceData?) -> [SheetValue] {
        let r = s.registration
        let text = csvRow(s, reference: reference)
        var out = text.map { SheetValue.text($0) }
        out[1] = .date(r.regDate)
        out[6] = .amount(r.amount, unit == .wan ? .wan : .yuan)
        out[11] = r.maturity.map { .date($0) } ?? .empty
        out[12] = r.rate.map { .decimal($0) } ?? .empty
        out[18] = s.statusDate.map { .date($0) } ?? .empty
        out[19] = r.appraisedValue.map { .amount($0, unit == .wan ? .wan : .yuan) } ?? .empty
        out[22] = r.insuredAmount.map { .amount($0, unit == .wan ? .wan : .yuan) } ?? .empty
        return out.map { if case .text("") = $0 { .empty } else { $0 } }
    }

    /// One registration as a CSV record; with `reference` (Chinese headers) names instead of codes.
    func csvRow(_ s: RegistrationState, reference: ReferenceData?) -> [String] {
        let r = s.registration
        let zh = reference != nil
        func flag(_ b: Bool) -> String { zh ? (b ? "是" : "否") : (b ? "yes" : "no") }
        let prefecture = r.prefectureCode.map { code in reference?.prefecture(code: code)?.name ?? code } ?? ""
        func money(_ f: Fen) -> String { unit == .wan ? f.wanString : f.formatted(.yuan) }
        let amount = money(r.amount)
        return [r.regNo, r.regDate.description, r.uscc, r.enterprise, r.bank, r.branch ?? "", amount,
                zh ? r.ipType.chineseName : r.ipType.rawValue, r.ipNumbers.joined(separator: ";"), prefecture, r.park ?? "",
                r.maturity?.description ?? "", r.rate ?? "", flag(r.rywq), flag(r.firstLoan), flag(r.insured), r.notes ?? "",
                zh ? s.status.chineseName : s.status.rawValue, s.statusDate?.description ?? "",
                r.appraisedValue.map(money) ?? "", r.appraiser ?? "", r.insurer ?? "", r.insuredAmount.map(money) ?? ""]
    }
}
