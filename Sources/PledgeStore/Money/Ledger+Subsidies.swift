import GRDB
import PledgeCore

/// Interest subsidies (贴息): policies and payments are journaled; what a policy owes is computed from the
/// registrations as they stand (`SubsidyStatement`).
extension Ledger {
    public func setSubsidyPolicy(_ policy: SubsidyPolicy) throws -> AppendedEntry {
        try policy.validate()
        return try write { tx in try tx.append(.subsidyPolicy(policy)) }
    }

    /// Every policy, by name, with the entry that set it.
    public func subsidyPolicies() throws -> [(policy: SubsidyPolicy, seq: Int64)] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM subsidy_policies ORDER BY name").map { (try Self.policy($0), $0["seq"]) } }
    }

    /// What policy `name` owes, per enterprise and loan, and what was paid (`uscc`: one enterprise only).
    public func subsidyStatement(policy name: String, uscc: String?) throws -> SubsidyStatement {
        try read { db in try Self.statement(db, policy: name, uscc: uscc) }
    }

    /// Records a payment; refused when the policy is unknown or the payment would take the enterprise's payments
    /// beyond what the policy owes it.
    public func paySubsidy(_ payment: SubsidyPayment) throws -> AppendedEntry {
        guard payment.amount.value > 0 else { throw FieldError(field: "amount", value: "0", rule: .amountNotPositive) }
        return try write { tx in
            let statement = try Self.statement(tx.db, policy: payment.policy, uscc: payment.uscc)
            let e = statement.enterprises.first
            let outstanding = e?.outstanding ?? .zero
            guard payment.amount <= outstanding else {
                throw StoreError.subsidyOverpaid(uscc: payment.uscc, policy: payment.policy, amount: payment.amount,
                                                 due: e?.due ?? .zero, paid: e?.paid ?? .zero)
            }
            return try tx.append(.subsidyPayment(payment))
        }
    }

    static func policy(_ row: Row) throws -> SubsidyPolicy {
        let only: String? = row["only_kind"], ipType: String? = row["ip_type"]
        return SubsidyPolicy(name: row["name"], year: row["year"], shareBasisPoints: row["share_bp"], cap: (row["cap_fen"] as Int64?).map(Fen.init),
                             only: only.flatMap(SubsidyPolicy.Only.init(rawValue:)), ipType: ipType.flatMap(IPType.init(rawValue:)))
    }

    static func statement(_ db: Database, policy name: String, uscc: String?) throws -> SubsidyStatement {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM subsidy_policies WHERE name = ?", arguments: [name]) else {
            throw StoreError.subsidyPolicyMissing(name: name)
        }
        let policy = try Self.policy(row)
        var conditions = ["status != 'void'", "rate IS NOT NULL", "reg_date <= ?"]
        var arguments: StatementArguments = ["\(policy.year)-12-31"]
        if let uscc { conditions.append("uscc = ?"); arguments += [uscc] }
        if let t = policy.ipType { conditions.append("ip_type = ?"); arguments += [t.rawValue] }
        switch policy.only {
        case .rywq?: conditions.append("rywq = 1")
        case .firstLoan?: conditions.append("first_loan = 1")
        case nil: break
        }
        let states = try Row.fetchCursor(db, sql: "SELECT \(RegistrationState.columns) FROM registrations WHERE \(conditions.joined(separator: " AND "))",
                                         arguments: arguments).map { try RegistrationState(row: $0) }
        var paid: [String: Fen] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT uscc, sum(amount_fen) AS fen FROM subsidy_payments WHERE policy = ?\(uscc == nil ? "" : " AND uscc = ?") GROUP BY uscc",
                                  arguments: StatementArguments([name, uscc].compactMap { $0 })) {
            paid[r["uscc"]] = Fen(r["fen"])
        }
        return SubsidyStatement(policy: policy, states: try Array(states), paid: paid)
    }
}
