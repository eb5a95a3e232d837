/// One change to the ledger: what a journal entry records. The JSON produced by `payloadObject`
/// is the `data` member of the entry's canonical payload (Schema/README.md).
public enum LedgerEvent: Sendable, Equatable {
    /// The reference lists loaded by `init`.
    case reference(ReferencePayload)
    /// A financing target set or replaced.
    case target(Target)
    case register(Registration)
    /// Clerical correction: the fields replaced, before → after, and why.
    case correct(changes: [FieldChange], reason: String)
    case void(reason: String)
    case release(date: CivilDate, reason: ReleaseReason)
    case `default`(date: CivilDate)
    case extend(from: CivilDate?, to: CivilDate)
    /// A month closed: its totals and the journal head frozen.
    case periodClose(PeriodClose)
    /// A closed month opened again, and why (an administrator's act).
    case periodReopen(month: String, reason: String)
    /// A target no longer reported on, and why; its entries stay in the journal.
    case targetRemove(name: String, reason: String)
    /// The target reports use when none is named.
    case targetDefault(name: String)
    /// A data-quality finding reviewed: shown as reviewed from then on, never hidden.
    case checkAck(finding: String, reason: String)
    /// A ledger setting changed (`LedgerSetting`), with its value as canonical text.
    case setting(key: String, value: String)
    /// A user added, or its role or state changed (no password or token: those stay outside the journal).
    case user(UserRecord)
    /// A write recorded for a second person's approval; it changes nothing until approved.
    case proposal(Proposal)
    /// Proposal `proposal` approved: the next `entries` entries of the same transaction are its changes.
    case approve(proposal: Int64, entries: Int)
    /// Proposal `proposal` rejected, and why.
    case reject(proposal: Int64, reason: String)
    /// An interest-subsidy policy set or replaced.
    case subsidyPolicy(SubsidyPolicy)
    /// A subsidy paid to an enterprise under a policy.
    case subsidyPayment(SubsidyPayment)
    /// A risk-compensation pool set or replaced.
    case pool(RiskPool)
    case poolContribution(PoolContribution)
    /// A defaulted registration's pledged rights disposed of, and what that recovered.
    case dispose(Disposal)
    /// A loss on a defaulted registration claimed from a pool.
    case loss(LossClaim)

    public var kind: EntryKind {
        switch self {
        case .reference: .reference
        case .target: .target
        case .register: .register
        case .correct: .correct
        case .void: .void
        case .release: .release
        case .default: .default
        case .extend: .extend
        case .periodClose: .periodClose
        case .periodReopen: .periodReopen
        case .targetRemove: .targetRemove
        case .targetDefault: .targetDefault
        case .checkAck: .checkAck
        case .setting: .setting
        case .user: .user
        case .proposal: .proposal
        case .approve: .approve
        case .reject: .reject
        case .subsidyPolicy: .subsidyPolicy
        case .subsidyPayment: .subsidyPayment
        case .pool: .pool
        case .poolContribution: .poolContribution
        case .dispose: .dispose
        case .loss: .loss
        }
    }
}

public enum EntryKind: String, CaseIterable, Sendable, Codable {
    case reference, target, register, correct, void, release, `default`, extend, periodClose = "period-close"
    case periodReopen = "period-reopen", targetRemove = "target-remove", targetDefault = "target-default", checkAck = "check-ack", setting, user
    case proposal, approve, reject
    case subsidyPolicy = "subsidy-policy", subsidyPayment = "subsidy-payment", pool, poolContribution = "pool-contribution", dispose, loss
}

public enum ReleaseReason: String, CaseIterable, Sendable, Codable {
    case repaid, other

    /// `repaid`/`已还款`/`还款`/`结清`, `other`/`其他`.
    public static func parse(_ text: String) -> ReleaseReason? {
        switch text.trimmingSpaces.lowercased() {
        case "repaid", "已还款", "还款", "结清", "已结清": .repaid
        case "other", "其他", "其它": .other
        default: nil
        }
    }
}

public struct FieldChange: Sendable, Equatable, Codable {
    /// The field's journal key (`amountFen`, `regDate`, …).
    public var field: String
    public var from: String?
    public var to: String?
    public init(field: String, from: String?, to: String?) {
        self.field = field
        self.from = from
        self.to = to
    }
}

public struct ReferencePayload: Sendable, Equatable, Codable {
    public var prefectures: [Prefecture]
    public var parks: [Park]
    public var banks: [Bank]
    public init(prefectures: [Prefecture], parks: [Park], banks: [Bank]) {
        self.prefectures = prefectures
        self.parks = parks
        self.banks = banks
    }
    public init(_ r: ReferenceData) { self.init(prefectures: r.prefectures, parks: r.parks, banks: r.banks) }
    public var referenceData: ReferenceData { ReferenceData(prefectures: prefectures, parks: parks, banks: banks) }
}

extension LedgerEvent {
    private struct CorrectData: Codable { var changes: [FieldChange]; var reason: String }
    private struct ReasonData: Codable { var reason: String }
    private struct ReleaseData: Codable { var date: CivilDate; var reason: ReleaseReason }
    private struct DateData: Codable { var date: CivilDate }
    private struct ExtendData: Codable { var from: CivilDate?; var maturity: CivilDate }
    private struct MonthReasonData: Codable { var month: String; var reason: String }
    private struct NameReasonData: Codable { var name: String; var reason: String }
    private struct NameData: Codable { var name: String }
    private struct FindingReasonData: Codable { var finding: String; var reason: String }
    private struct SettingData: Codable { var key: String; var value: String }
    private struct ApproveData: Codable { var entries: Int; var proposal: Int64 }
    private struct RejectData: Codable { var proposal: Int64; var reason: String }

    /// Encodes the event's data with `encode` (the canonical JSON encoder).
    public func encodeData<R>(_ encode: (any Encodable) throws -> R) throws -> R {
        switch self {
        case .reference(let p): try encode(p)
        case .target(let t): try encode(t)
        case .register(let r): try encode(r)
        case .correct(let changes, let reason): try encode(CorrectData(changes: changes, reason: reason))
        case .void(let reason): try encode(ReasonData(reason: reason))
        case .release(let date, let reason): try encode(ReleaseData(date: date, reason: reason))
        case .default(let date): try encode(DateData(date: date))
        case .extend(let from, let to): try encode(ExtendData(from: from, maturity: to))
        case .periodClose(let p): try encode(p)
        case .periodReopen(let m, let reason): try encode(MonthReasonData(month: m, reason: reason))
        case .targetRemove(let name, let reason): try encode(NameReasonData(name: name, reason: reason))
        case .targetDefault(let name): try encode(NameData(name: name))
        case .checkAck(let finding, let reason): try encode(FindingReasonData(finding: finding, reason: reason))
        case .setting(let key, let value): try encode(SettingData(key: key, value: value))
        case .user(let u): try encode(u)
        case .proposal(let p): try encode(p)
        case .approve(let n, let entries): try encode(ApproveData(entries: entries, proposal: n))
        case .reject(let n, let reason): try encode(RejectData(proposal: n, reason: reason))
        case .subsidyPolicy(let p): try encode(p)
        case .subsidyPayment(let p): try encode(p)
        case .pool(let p): try encode(p)
        case .poolContribution(let c): try encode(c)
        case .dispose(let d): try encode(d)
        case .loss(let c): try encode(c)
        }
    }

    /// Decodes an event of `kind` with `decode` (which reads the entry's `data`).
    public static func decode(kind: EntryKind, _ decode: (any Decodable.Type) throws -> Any) throws -> LedgerEvent {
        func d<T: Decodable>(_ t: T.Type) throws -> T {
            guard let v = try decode(t) as? T else { throw LedgerDataError("cannot decode \(kind.rawValue) data") }
            return v
        }
        switch kind {
        case .reference: return .reference(try d(ReferencePayload.self))
        case .target: return .target(try d(Target.self))
        case .register: return .register(try d(Registration.self))
        case .correct: let c = try d(CorrectData.self); return .correct(changes: c.changes, reason: c.reason)
        case .void: return .void(reason: try d(ReasonData.self).reason)
        case .release: let r = try d(ReleaseData.self); return .release(date: r.date, reason: r.reason)
        case .default: return .default(date: try d(DateData.self).date)
        case .extend: let e = try d(ExtendData.self); return .extend(from: e.from, to: e.maturity)
        case .periodClose: return .periodClose(try d(PeriodClose.self))
        case .periodReopen: let m = try d(MonthReasonData.self); return .periodReopen(month: m.month, reason: m.reason)
        case .targetRemove: let t = try d(NameReasonData.self); return .targetRemove(name: t.name, reason: t.reason)
        case .targetDefault: return .targetDefault(name: try d(NameData.self).name)
        case .checkAck: let a = try d(FindingReasonData.self); return .checkAck(finding: a.finding, reason: a.reason)
        case .setting: let x = try d(SettingData.self); return .setting(key: x.key, value: x.value)
        case .user: return .user(try d(UserRecord.self))
        case .proposal: return .proposal(try d(Proposal.self))
        case .approve: let a = try d(ApproveData.self); return .approve(proposal: a.proposal, entries: a.entries)
        case .reject: let r = try d(RejectData.self); return .reject(proposal: r.proposal, reason: r.reason)
        case .subsidyPolicy: return .subsidyPolicy(try d(SubsidyPolicy.self))
        case .subsidyPayment: return .subsidyPayment(try d(SubsidyPayment.self))
        case .pool: return .pool(try d(RiskPool.self))
        case .poolContribution: return .poolContribution(try d(PoolContribution.self))
        case .dispose: return .dispose(try d(Disposal.self))
        case .loss: return .loss(try d(LossClaim.self))
        }
    }
}
