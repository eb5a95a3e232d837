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
            var out = CSVOutput.line([l.pick("问题编号", "id"), l.pick("规则", "rule"), l.pick("登记号", "reg_nos"), l.pick("问题", "detail"),
                                      l.pick("建议", "action"), l.pick("复核原因", "review_reason"), l.pick("复核人", "reviewed_by"),
                                      l.pick("复核时间", "reviewed_at")])
            for f in findings {
                let r = reviews[f.id]
                out += CSVOutput.line([f.id, f.rule.rawValue, f.regNos.joined(separator: ";"), m.detail(f), m.action(f), r?.reason ?? "",
                                       r?.operator ?? "", r.map { time.show($0.at) } ?? ""])
            }
            return out
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
