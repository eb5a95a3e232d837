import Foundation
import PledgeCore
import PledgeStore

/// `export`: every registration with its current state, as CSV that `import` reads back to the same
/// registrations, or as JSON.
public struct RegistrationExport {
    public enum Format: String, CaseIterable, Sendable { case csv, json }

    /// The CSV columns, in order: CONTRACT's English headers plus the status columns.
    static let columns: [ImportColumn] = [.regNo, .regDate, .uscc, .enterprise, .bank, .branch, .amountYuan, .ipType, .ipNumbers,
                                          .prefecture, .park, .maturity, .rate, .rywq, .firstLoan, .insured, .notes, .status, .statusDate]

    public var ledger: Ledger
    public init(ledger: Ledger) { self.ledger = ledger }

    /// Writes every registration to `sink`; returns how many.
    @discardableResult
    public func write(format: Format, bom: Bool, to sink: OutputSink) throws -> Int {
        var count = 0
        switch format {
        case .csv:
            try sink.write(CSVOutput.render(header: Self.columns.map { $0.headers[0] }, rows: [], bom: bom))
            try ledger.forEachRegistration { s in
                try sink.write(CSVOutput.line(Self.csvRow(s)))
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

    static func csvRow(_ s: StoredRegistration) -> [String] {
        let r = s.registration
        func flag(_ b: Bool) -> String { b ? "yes" : "no" }
        return [r.regNo, r.regDate.description, r.uscc, r.enterprise, r.bank, r.branch ?? "", r.amount.formatted(.yuan),
                r.ipType.rawValue, r.ipNumbers.joined(separator: ";"), r.prefectureCode ?? "", r.park ?? "",
                r.maturity?.description ?? "", r.rate ?? "", flag(r.rywq), flag(r.firstLoan), flag(r.insured), r.notes ?? "",
                s.status.rawValue, s.statusDate?.description ?? ""]
    }
}
