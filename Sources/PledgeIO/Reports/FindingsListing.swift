import PledgeCore
import PledgeStore

/// `check`: the data-quality findings with their ids and reviews, as a table, CSV or JSON.
public struct FindingsListing: Sendable {
    public var findings: [DataQualityFinding]
    public var reviews: [String: FindingReview]
    public init(findings: [DataQualityFinding], reviews: [String: FindingReview]) {
        self.findings = findings
        self.reviews = reviews
    }

    public enum Format: String, CaseIterable, Sendable { case table, csv, json }

    struct Review: Encodable { var reason: String, `operator`: String, at: String, seq: Int64 }
    struct Item: Encodable { var id: String, rule: String, regNos: [String], detail: String, action: String, review: Review? }

    /// The CSV's columns, in the language of the output.
    static func header(_ l: Language) -> [String] {
        [l.pick("问题编号", "id"), l.pick("规则", "rule"), l.pick("登记号", "reg_nos"), l.pick("问题", "detail"), l.pick("建议", "action"),
         l.pick("复核原因", "review_reason"), l.pick("复核人", "reviewed_by"), l.pick("复核时间", "reviewed_at")]
    }

    /// One finding as the CSV's fields.
    func fields(_ f: DataQualityFinding, _ m: Messages, _ time: LocalTime) -> [String] {
        let r = reviews[f.id]
        return [f.id, f.rule.rawValue, f.regNos.joined(separator: ";"), m.detail(f), m.action(f), r?.reason ?? "", r?.operator ?? "",
                r.map { time.show($0.at) } ?? ""]
    }

    /// The findings as a workbook: one row each, a totals row (found, reviewed), and an About sheet with the journal
    /// head the findings were computed from and the day loans are matured by.
    public func workbook(language l: Language, asOf: CivilDate, head: String) -> [SheetTable] {
        let m = Messages(l), time = LocalTime()
        let rows = findings.map { fields($0, m, time).map { $0.isEmpty ? SheetValue.empty : .text($0) } }
        let reviewed = findings.count { reviews[$0.id] != nil }
        let totals: [SheetValue] = [.text(l.pick("合计 \(findings.count) 项，已复核 \(reviewed) 项", "\(findings.count) findings, \(reviewed) reviewed"))]
        return [SheetTable(name: l.pick("数据质量问题", "Findings"), header: Self.header(l), rows: rows, totals: totals),
                .about(l, [(l.pick("数据截至日志", "Journal head"), head), (l.pick("到期判断日期", "Matured by"), asOf.description),
                           (l.pick("生成日期", "Generated on"), CivilDate.today().description)])]
    }

    public func render(format: Format, language l: Language) throws -> String {
        let m = Messages(l)
        let time = LocalTime()
        switch format {
        case .json:
            return try JSONOutput.render(["findings": findings.map { f in
                Item(id: f.id, rule: f.rule.rawValue, regNos: f.regNos, detail: m.detail(f), action: m.action(f),
                     review: reviews[f.id].map { Review(reason: $0.reason, operator: $0.operator, at: $0.at, seq: $0.seq) })
            }])
        case .csv:
            return findings.reduce(CSVOutput.line(Self.header(l))) { $0 + CSVOutput.line(fields($1, m, time)) }
        case .table:
            guard !findings.isEmpty else { return m.text(.noFindings) + "\n" }
            var out = ""
            for f in findings {
                out += "[\(f.id)] \(f.regNos.joined(separator: ", ")) — \(m.detail(f))" + l.pick("；建议：", "; action: ") + m.action(f) + "\n"
                if let r = reviews[f.id] {
                    out += "    " + m.text(.reviewed, ["reason": r.reason, "operator": r.operator, "at": time.show(r.at)]) + "\n"
                }
            }
            let counts = DataQualityFinding.Rule.allCases.compactMap { rule -> String? in
                let n = findings.count { $0.rule == rule }
                return n > 0 ? "\(rule.rawValue) \(n)" : nil
            }
            return out + m.text(.findingsCount, ["count": String(findings.count), "reviewed": String(findings.count { reviews[$0.id] != nil }),
                                                 "rules": counts.joined(separator: ", ")]) + "\n"
        }
    }
}
