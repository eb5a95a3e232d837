/// Maker-checker (CONTRACT "Approvals"): while the ledger requires approval, a clerk's write is recorded as a
/// `proposal` entry holding the entries it would append, and counts nowhere until a different person approves it.
/// The `approve` entry is followed, in the same transaction, by exactly those entries; `reject` closes it.
public struct Proposal: Sendable, Equatable, Codable {
    public enum Action: String, CaseIterable, Sendable, Codable {
        case register, correct, void, release, `default`, extend, `import`
    }

    public var action: Action
    /// The imported file's name (an import only).
    public var name: String?
    /// The entries approval appends, in order.
    public var changes: [ProposedChange]

    public init(action: Action, name: String? = nil, changes: [ProposedChange]) {
        (self.action, self.name, self.changes) = (action, name, changes)
    }

    /// A one-registration proposal's 登记号 (recorded in the entry's `reg_no`, so that `history` shows it).
    public var regNo: String? { action == .import ? nil : changes.first?.regNo }
}

/// One entry a proposal would append: its event and the envelope's `late` and `reason`; `allowDoublePledge` lets the
/// approval pledge a right another registration holds, as the maker asked.
public struct ProposedChange: Sendable, Equatable {
    public var regNo: String
    public var event: LedgerEvent
    public var late: Bool
    public var reason: String?
    public var allowDoublePledge: Bool

    public init(regNo: String, event: LedgerEvent, late: Bool = false, reason: String? = nil, allowDoublePledge: Bool = false) {
        (self.regNo, self.event, self.late, self.reason, self.allowDoublePledge) = (regNo, event, late, reason, allowDoublePledge)
    }

    /// Whether the registration is still as the maker saw it: a correction's `from` values and an extension's old
    /// maturity must be the current ones, or the approval would apply something else than what was proposed.
    public func isCurrent(on state: RegistrationState) -> Bool {
        switch event {
        case .correct(let changes, _):
            changes.allSatisfy { c in
                RegistrationField(journalKey: c.field).map { state.registration.canonicalText($0) == c.from } ?? false
            }
        case .extend(let from, _): from == state.registration.maturity
        default: true
        }
    }
}

extension ProposedChange: Codable {
    private enum Key: String, CodingKey { case allowDoublePledge, data, kind, late, reason, regNo }

    /// `late` and `allowDoublePledge` only when true, `reason` only when present, as in the entry's envelope.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        if allowDoublePledge { try c.encode(true, forKey: .allowDoublePledge) }
        try event.encodeData { try c.encode($0, forKey: .data) }
        try c.encode(event.kind, forKey: .kind)
        if late { try c.encode(true, forKey: .late) }
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encode(regNo, forKey: .regNo)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let kind = try c.decode(EntryKind.self, forKey: .kind)
        guard Self.kinds.contains(kind) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "a proposal cannot hold \(kind.rawValue)")
        }
        event = try LedgerEvent.decode(kind: kind) { type in try c.decode(type, forKey: .data) }
        regNo = try c.decode(String.self, forKey: .regNo)
        late = try c.decodeIfPresent(Bool.self, forKey: .late) ?? false
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        allowDoublePledge = try c.decodeIfPresent(Bool.self, forKey: .allowDoublePledge) ?? false
    }

    /// The entries a proposal may hold: a registration and its changes.
    public static let kinds: Set<EntryKind> = [.register, .correct, .void, .release, .default, .extend]
}

/// The ledger setting `approval` (`pledge settings set approval required|off`).
public enum ApprovalSetting: String, CaseIterable, Sendable {
    case required, off
    public static let key = "approval"

    /// `required`/`on`/`需要`/`必须`, `off`/`不需要`/`关闭`.
    public static func parse(_ text: String, field: String) throws -> ApprovalSetting {
        switch text.trimmingSpaces.lowercased() {
        case "required", "on", "需要", "必须", "开启": return .required
        case "off", "不需要", "关闭": return .off
        default: throw FieldError(field: field, value: text, rule: .approvalSetting)
        }
    }
}

/// Where a proposal stands.
public enum ProposalStatus: String, CaseIterable, Sendable, Codable {
    case pending, approved, rejected
}
