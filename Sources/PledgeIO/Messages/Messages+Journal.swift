import Foundation
import PledgeCore

extension Messages {
    public func kind(_ k: EntryKind) -> String {
        switch k {
        case .reference: text(.kindReference)
        case .target: text(.kindTarget)
        case .register: text(.kindRegister)
        case .correct: text(.kindCorrect)
        case .void: text(.kindVoid)
        case .release: text(.kindRelease)
        case .default: text(.kindDefault)
        case .extend: text(.kindExtend)
        case .periodClose: text(.kindPeriodClose)
        case .periodReopen: text(.kindPeriodReopen)
        case .targetRemove: text(.kindTargetRemove)
        case .targetDefault: text(.kindTargetDefault)
        case .checkAck: text(.kindCheckAck)
        case .setting: text(.kindSetting)
        case .user: text(.kindUser)
        case .proposal: text(.kindProposal)
        case .approve: text(.kindApprove)
        case .reject: text(.kindReject)
        case .subsidyPolicy: text(.kindSubsidyPolicy)
        case .subsidyPayment: text(.kindSubsidyPayment)
        case .pool: text(.kindPool)
        case .poolContribution: text(.kindPoolContribution)
        case .dispose: text(.kindDispose)
        case .loss: text(.kindLoss)
        }
    }

    public func proposalStatus(_ s: ProposalStatus) -> String {
        switch s {
        case .pending: text(.statusPending)
        case .approved: text(.statusApproved)
        case .rejected: text(.statusRejected)
        }
    }

    public func releaseReason(_ r: ReleaseReason) -> String {
        switch r {
        case .repaid: language == .zh ? "已还款" : "repaid"
        case .other: language == .zh ? "其他" : "other"
        }
    }

    /// One field's change as a clerk reads it: the field's name, amounts in 万元, statuses by name.
    public func change(_ c: FieldChange) -> String {
        func value(_ v: String?) -> String {
            guard let v else { return "—" }
            switch c.field {
            case "amountFen", "recoveredFen", "appraisedValueFen", "insuredAmountFen": return Int64(v).map { Fen($0).wanDisplay + " 万元" } ?? v
            case "status": return RegistrationStatus(rawValue: v).map(status) ?? v
            default: return v
            }
        }
        return "\(fieldLabel(journalKey: c.field)): \(value(c.from)) → \(value(c.to))"
    }

    public func describe(_ changes: [FieldChange]) -> String { changes.map(change).joined(separator: "; ") }

    /// A field named by its journal key (`amountFen`, `statusDate`), as a clerk calls it.
    public func fieldLabel(journalKey key: String) -> String {
        if let f = RegistrationField.allCases.first(where: { $0.journalKey == key }) { return label(f) }
        switch key {
        case "status": return language == .zh ? "状态" : "status"
        case "statusDate": return language == .zh ? "状态日期" : "status date"
        case "usccOverride": return language == .zh ? "校验位例外" : "USCC check exception"
        case "disposal": return language == .zh ? "处置方式" : "disposal"
        case "recoveredFen": return language == .zh ? "回收金额" : "recovered"
        case "pool": return language == .zh ? "资金池" : "pool"
        default: return key
        }
    }
}

/// Times as the clerk's clock shows them: the journal records UTC (`2026-12-02T17:19:34.895Z`); tables show it in
/// `$TZ`, else Asia/Shanghai (Beijing time, where every office of the ledger is).
public struct LocalTime: Sendable {
    public let zone: TimeZone
    /// The zone's name for a column header.
    public let name: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let tz = environment["TZ"].map { $0.hasPrefix(":") ? String($0.dropFirst()) : $0 }
        let name = tz.map { $0.hasPrefix("/usr/share/zoneinfo/") ? String($0.dropFirst(20)) : $0 }
        if let name, let z = TimeZone(identifier: name) { (zone, self.name) = (z, name) } else {
            (zone, self.name) = (TimeZone(identifier: "Asia/Shanghai")!, "Asia/Shanghai")
        }
    }

    /// `2026-12-03 01:19:34` for the stored `2026-12-02T17:19:34.895Z`; text that is not such a time comes back as is.
    public func show(_ at: String) -> String {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = parser.date(from: at) ?? ISO8601DateFormatter().date(from: at) else { return at }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
