import PledgeCore
import PledgeStore

/// `proposals`: who proposed what, and where each stands.
public struct ProposalListing: Sendable {
    public var proposals: [ProposalRecord]
    public init(proposals: [ProposalRecord]) { self.proposals = proposals }

    struct Item: Encodable {
        var proposal: Int64, action: String, regNo: String?, name: String?, changes: Int, proposer: String, proposedAt: String
        var status: String, decidedSeq: Int64?, decider: String?, decidedAt: String?, reason: String?
        init(_ p: ProposalRecord) {
            (proposal, action, regNo, name, changes, proposer, proposedAt) = (p.seq, p.action.rawValue, p.regNo, p.name, p.changeCount, p.proposer, p.proposedAt)
            (status, decidedSeq, decider, decidedAt, reason) = (p.status.rawValue, p.decidedSeq, p.decider, p.decidedAt, p.reason)
        }
    }

    public func render(format: ViewFormat, language l: Language) throws -> String {
        switch format {
        case .json: return try JSONOutput.render(["proposals": proposals.map(Item.init)])
        case .table:
            guard !proposals.isEmpty else { return l.pick("没有提案\n", "no proposals\n") }
            let (headers, rows) = table(language: l)
            var t = TextTable(headers: headers, alignments: [.right, .left, .left, .right, .left, .left, .left, .left])
            t.rows = rows
            return t.render()
        }
    }

    /// The columns the terminal and the web page show: proposal, action, what (登记号 or file), changes, proposer and
    /// time, status, decider and time, reason.
    public func table(language l: Language) -> (headers: [String], rows: [[String]]) {
        let m = Messages(l), time = LocalTime()
        let headers = [l.pick("提案", "Proposal"), l.pick("操作", "Action"), l.pick("登记号或文件", "登记号 or file"), l.pick("变更数", "Changes"),
                       l.pick("提交", "Proposed"), l.pick("状态", "Status"), l.pick("决定", "Decided"), l.pick("驳回原因", "Reason")]
        let rows = proposals.map { p in
            ["\(p.seq)", Self.action(p.action, m), p.regNo ?? p.name ?? "", "\(p.changeCount)", "\(p.proposer) \(time.show(p.proposedAt))",
             m.proposalStatus(p.status), p.decider.map { "\($0) \(time.show(p.decidedAt ?? ""))" } ?? "", p.reason ?? ""]
        }
        return (headers, rows)
    }

    public static func action(_ a: Proposal.Action, _ m: Messages) -> String {
        a == .import ? m.language.pick("导入", "import") : m.kind(EntryKind(rawValue: a.rawValue) ?? .register)
    }
}

/// One proposal as its checker reads it: each change as the registration would look after it (a new registration's
/// fields; a correction before → after; a status change).
public struct ProposalView: Sendable {
    public var record: ProposalRecord
    public init(record: ProposalRecord) { self.record = record }

    struct Change: Encodable {
        var regNo: String, kind: String, late: Bool, reason: String?, allowDoublePledge: Bool
        var changes: [FieldChange], registration: RegistrationView.Document?
    }
    struct Document: Encodable {
        var proposal: ProposalListing.Item
        var entries: [Change]
    }

    public func render(format: ViewFormat, language l: Language, reference: ReferenceData) throws -> String {
        switch format {
        case .json:
            let changes = (record.proposal?.changes ?? []).map { c in
                var registration: RegistrationView.Document?
                if case .register(let r) = c.event {
                    registration = RegistrationView.document(.registered(r, seq: 0, late: c.late),
                                                             prefectureName: r.prefectureCode.flatMap { reference.prefecture(code: $0)?.name })
                }
                return Change(regNo: c.regNo, kind: c.event.kind.rawValue, late: c.late, reason: HistoryView.describe(c.event).reason ?? c.reason,
                              allowDoublePledge: c.allowDoublePledge, changes: HistoryView.describe(c.event).changes, registration: registration)
            }
            return try JSONOutput.render(Document(proposal: ProposalListing.Item(record), entries: changes))
        case .table:
            var out = try ProposalListing(proposals: [record]).render(format: .table, language: l)
            let (headers, rows) = table(language: l)
            var t = TextTable(headers: headers, alignments: [.left, .left, .left, .left])
            t.rows = rows
            out += "\n" + t.render()
            return out
        }
    }

    /// Each change: 登记号, kind, what it changes (before → after), reason.
    public func table(language l: Language) -> (headers: [String], rows: [[String]]) {
        let m = Messages(l)
        let headers = [l.pick("登记号", "登记号"), l.pick("类型", "Kind"), l.pick("变更", "Changes"), l.pick("原因", "Reason")]
        let rows = (record.proposal?.changes ?? []).map { c -> [String] in
            let (changes, reason) = HistoryView.describe(c.event)
            let what: String
            if case .register(let r) = c.event {
                what = "\(r.amount.wanDisplay) 万元, \(r.bank), \(r.regDate), \(r.enterprise)"
            } else {
                what = changes.map(m.change).joined(separator: "; ")
            }
            return [c.regNo, m.kind(c.event.kind) + (c.late ? m.text(.late) : ""), what, reason ?? c.reason ?? ""]
        }
        return (headers, rows)
    }
}
