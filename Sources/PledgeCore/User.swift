/// What a signed-in person may do (CONTRACT "Users, roles and the server").
public enum Role: String, CaseIterable, Sendable, Codable {
    /// Users, targets, period close, settings.
    case admin
    /// Register, correct, void, lifecycle, import.
    case clerk
    /// Approves or rejects clerks' proposals.
    case checker
    /// Reads everything, writes nothing.
    case auditor

    public enum Act: Sendable { case read, writeRegistrations, administer, approve, audit }

    /// The one statement of which role may do what.
    public func allows(_ act: Act) -> Bool {
        switch act {
        case .read: true
        case .writeRegistrations: self == .clerk
        case .administer: self == .admin
        case .approve: self == .checker || self == .admin
        case .audit: self == .auditor || self == .admin
        }
    }

    public static func parse(_ text: String, field: String) throws -> Role {
        let t = text.trimmingSpaces.lowercased()
        let zh: [String: Role] = ["管理员": .admin, "录入员": .clerk, "经办": .clerk, "复核员": .checker, "审核员": .checker, "审计": .auditor, "审计员": .auditor]
        guard let r = Role(rawValue: t) ?? zh[t] else { throw FieldError(field: field, value: text, rule: .role) }
        return r
    }
}

/// A user as the journal records it (`user` entries): name, role, and whether the account is disabled. Passwords and
/// API tokens are never in the journal: only their hashes, in a table of their own.
public struct UserRecord: Sendable, Equatable, Codable {
    public var name: String
    public var role: Role
    public var disabled: Bool

    public init(name: String, role: Role, disabled: Bool = false) {
        self.name = name
        self.role = role
        self.disabled = disabled
    }

    /// A user's name is the operator recorded on every entry the user writes: the operator's rule.
    public static func validatedName(_ text: String, field: String) throws -> String { try OperatorName.validated(text, field: field) }
}
