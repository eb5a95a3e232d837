import Foundation
import PledgeCore
import PledgeStore

/// `show REG`: one registration's current state.
public struct RegistrationView: Sendable {
    public var stored: RegistrationState
    public var reference: ReferenceData

    public init(stored: RegistrationState, reference: ReferenceData) {
        self.stored = stored
        self.reference = reference
    }

    struct Document: Encodable {
        var regNo: String, regDate: String, ipType: String, ipNumbers: [String], uscc: String, usccOverride: Bool
        var enterprise: String, bank: String, branch: String?, amountFen: Int64, amountWan: String
        var park: String?, prefectureCode: String?, prefecture: String?, maturity: String?, rate: String?
        var rywq: Bool, firstLoan: Bool, insured: Bool, notes: String?, status: String, statusDate: String?, late: Bool
        var createdSeq: Int64, updatedSeq: Int64
        var appraisedValueFen: Int64?, appraiser: String?, insurer: String?, insuredAmountFen: Int64?
        /// The amount as a percentage of the appraised value (质押率), two decimals.
        var pledgeRatePercent: Decimal?
    }

    /// The JSON form of one registration (also each element of `export --format json`).
    static func document(_ stored: RegistrationState, prefectureName: String?) -> Document {
        let r = stored.registration
        return Document(
            regNo: r.regNo, regDate: r.regDate.description, ipType: r.ipType.rawValue, ipNumbers: r.ipNumbers,
            uscc: r.uscc, usccOverride: r.usccOverride, enterprise: r.enterprise, bank: r.bank, branch: r.branch,
            amountFen: r.amount.value, amountWan: r.amount.wanString, park: r.park, prefectureCode: r.prefectureCode,
            prefecture: prefectureName, maturity: r.maturity?.description, rate: r.rate, rywq: r.rywq,
            firstLoan: r.firstLoan, insured: r.insured, notes: r.notes, status: stored.status.rawValue,
            statusDate: stored.statusDate?.description, late: stored.late, createdSeq: stored.createdSeq,
            updatedSeq: stored.updatedSeq, appraisedValueFen: r.appraisedValue?.value, appraiser: r.appraiser, insurer: r.insurer,
            insuredAmountFen: r.insuredAmount?.value, pledgeRatePercent: r.pledgeRateBasisPoints.map { Decimal($0) / 100 })
    }

    public func render(format: ViewFormat, language l: Language) throws -> String {
        let r = stored.registration
        switch format {
        case .json:
            return try JSONOutput.render(Self.document(stored, prefectureName: r.prefectureCode.flatMap { reference.prefecture(code: $0)?.name }))
        case .table:
            var b = KeyValueBlock()
            for (k, v) in pairs(language: l) { b.add(k, v) }
            return b.render()
        }
    }

    /// Label and value of each field, as `show` prints them (and the server's registration page shows them).
    public func pairs(language l: Language) -> [(String, String)] {
        let r = stored.registration
        let prefectureName = r.prefectureCode.flatMap { reference.prefecture(code: $0)?.name }
        func yesNo(_ b: Bool) -> String { b ? l.pick("是", "yes") : l.pick("否", "no") }
        var b: [(String, String)] = []
        func add(_ k: String, _ v: String) { b.append((k, v)) }
        add(l.pick("登记号", "Reg. no."), r.regNo)
        add(l.pick("状态", "Status"), l.pick(stored.status.chineseName, stored.status.rawValue)
              + (stored.statusDate.map { " (\($0))" } ?? ""))
        add(l.pick("登记日期", "Registered"), r.regDate.description)
        add(l.pick("登记金额", "Amount"), "\(r.amount.wanDisplay) 万元  (\(r.amount.value) \(l.pick("分", "fen")))")
        add(l.pick("出质企业", "Enterprise"), "\(r.enterprise)  \(r.uscc)" + (r.usccOverride ? l.pick("（校验位未通过，已确认）", " (check digit overridden)") : ""))
        add(l.pick("质权人", "Bank"), r.bank + (r.branch.map { " \($0)" } ?? ""))
        add(l.pick("质押物", "Rights"), "\(l.pick(r.ipType.chineseName, r.ipType.rawValue)): \(r.ipNumbers.joined(separator: ", "))")
        add(l.pick("园区", "Park"), r.park ?? "—")
        add(l.pick("市州", "Prefecture"), prefectureName.map { "\($0) (\(r.prefectureCode!))" } ?? "—")
        add(l.pick("到期日", "Maturity"), r.maturity?.description ?? "—")
        add(l.pick("年利率", "Rate"), r.rate.map { "\($0) %" } ?? "—")
        add(l.pick("入园惠企 / 首贷 / 保险", "RYWQ / first loan / insured"), "\(yesNo(r.rywq)) / \(yesNo(r.firstLoan)) / \(yesNo(r.insured))")
        if let v = r.appraisedValue {
            add(l.pick("评估价值", "Appraised value"), "\(v.wanDisplay) 万元" + (r.appraiser.map { l.pick("（\($0)）", " (\($0))") } ?? ""))
            add(l.pick("质押率", "Pledge rate"), r.pledgeRateBasisPoints.map { percentText($0) + " %" } ?? "—")
        } else if let a = r.appraiser { add(l.pick("评估机构", "Appraiser"), a) }
        if r.insurer != nil || r.insuredAmount != nil {
            add(l.pick("保险", "Insurance"), [r.insurer, r.insuredAmount.map { "\($0.wanDisplay) 万元" }].compactMap { $0 }.joined(separator: l.pick("，", ", ")))
        }
        if let notes = r.notes { add(l.pick("备注", "Notes"), notes) }
        if stored.late { add(l.pick("补录", "Late"), l.pick("是（已关账期间）", "yes (closed period)")) }
        add(l.pick("日志", "Journal"), "seq \(stored.createdSeq) … \(stored.updatedSeq)")
        return b
    }
}

/// `history REG`: the journal entries of one registration.
public struct HistoryView: Sendable {
    public var entries: [JournalEntry]
    public init(entries: [JournalEntry]) { self.entries = entries }

    struct Item: Encodable {
        var seq: Int64, at: String, `operator`: String, kind: String, late: Bool, changes: [FieldChange], reason: String?, hash: String
        /// When an approval wrote the entry: the proposal, who proposed it and when, who approved it (the operator) and when.
        var proposal: Int64?, proposer: String?, proposedAt: String?, approver: String?, approvedAt: String?
    }

    /// What an entry changed, before → after, and the reason given.
    static func describe(_ event: LedgerEvent) -> (changes: [FieldChange], reason: String?) {
        switch event {
        case .register(let r): ([FieldChange(field: "amountFen", from: nil, to: String(r.amount.value)),
                                 FieldChange(field: "regDate", from: nil, to: r.regDate.description)], nil)
        case .correct(let changes, let reason): (changes, reason)
        case .void(let reason): ([FieldChange(field: "status", from: nil, to: "void")], reason)
        case .release(let date, let reason): ([FieldChange(field: "status", from: nil, to: "released"),
                                               FieldChange(field: "statusDate", from: nil, to: date.description)], reason.rawValue)
        case .default(let date): ([FieldChange(field: "status", from: nil, to: "defaulted"),
                                   FieldChange(field: "statusDate", from: nil, to: date.description)], nil)
        case .extend(let from, let to): ([FieldChange(field: "maturity", from: from?.description, to: to.description)], nil)
        case .proposal(let p): (p.changes.flatMap { describe($0.event).changes }, nil)
        case .dispose(let d): ([FieldChange(field: "disposal", from: nil, to: d.route.rawValue), FieldChange(field: "recoveredFen", from: nil, to: String(d.recovered.value)),
                                FieldChange(field: "statusDate", from: nil, to: d.date.description)], nil)
        case .loss(let c): ([FieldChange(field: "pool", from: nil, to: c.pool), FieldChange(field: "statusDate", from: nil, to: c.date.description)]
                            + (c.principal.map { [FieldChange(field: "amountFen", from: nil, to: String($0.value))] } ?? []), nil)
        case .reference, .target, .periodClose, .targetDefault, .setting, .user, .approve, .subsidyPolicy, .subsidyPayment, .pool, .poolContribution: ([], nil)
        case .reject(_, let reason): ([], reason)
        case .periodReopen(_, let reason), .targetRemove(_, let reason), .checkAck(_, let reason): ([], reason)
        }
    }

    public func render(format: ViewFormat, language l: Language) throws -> String {
        let items = entries.map { e in
            let (changes, reason) = Self.describe(e.event)
            let a = e.approval
            return Item(seq: e.seq, at: e.at, operator: e.operator, kind: e.kind.rawValue, late: e.late, changes: changes,
                        reason: reason ?? e.reason, hash: e.hash, proposal: a?.proposal, proposer: a?.proposer, proposedAt: a?.proposedAt,
                        approver: a?.approver, approvedAt: a?.approvedAt)
        }
        switch format {
        case .json: return try JSONOutput.render(["entries": items])
        case .table:
            let (headers, rows) = table(language: l)
            var t = TextTable(headers: headers, alignments: [.right] + Array(repeating: .left, count: headers.count - 1))
            t.rows = rows
            return t.render()
        }
    }

    /// The history as a table: seq, local time, operator, kind, what changed (before → after), reason; and, when an
    /// approval wrote any entry, who proposed and who approved it.
    public func table(language l: Language) -> (headers: [String], rows: [[String]]) {
        let m = Messages(l), time = LocalTime()
        let approvals = entries.contains { $0.approval != nil }
        let headers = ["seq", l.pick("时间", "Time") + " (\(time.name))", l.pick("操作员", "Operator"), l.pick("类型", "Kind"),
                       l.pick("变更", "Changes"), l.pick("原因", "Reason")] + (approvals ? [l.pick("审批", "Approval")] : [])
        let rows = entries.map { e -> [String] in
            let (changes, reason) = Self.describe(e.event)
            let shownReason = (reason ?? e.reason).map { e.kind == .release ? (ReleaseReason(rawValue: $0).map(m.releaseReason) ?? $0) : $0 }
            let approval = e.approval.map {
                m.text(.proposedBy, ["name": $0.proposer, "at": time.show($0.proposedAt), "seq": String($0.proposal)]) + l.pick("，", "; ")
                    + m.text(.approvedBy, ["name": $0.approver, "at": time.show($0.approvedAt)])
            }
            return ["\(e.seq)", time.show(e.at), e.operator, m.kind(e.kind) + (e.late ? m.text(.late) : ""),
                    changes.map(m.change).joined(separator: "; "), shownReason ?? ""] + (approvals ? [approval ?? ""] : [])
        }
        return (headers, rows)
    }
}
