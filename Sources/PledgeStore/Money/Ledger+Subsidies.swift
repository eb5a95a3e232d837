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
        try read { db in try Self.policyRows(db).map { (try Self.policy($0), $0["seq"]) } }
    }

    /// Every policy's row, by name.
    static func policyRows(_ db: any SQLSession) throws -> [SQLRow] {
        try SQLRow.fetchAll(db, sql: "SELECT * FROM subsidy_policies ORDER BY name")
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

    static func policy(_ row: SQLRow) throws -> SubsidyPolicy {
        let only: String? = row["only_kind"], ipType: String? = row["ip_type"]
        return SubsidyPolicy(name: row["name"], year: row["year"], shareBasisPoints: row["share_bp"], cap: (row["cap_fen"] as Int64?).map(Fen.init),
                             only: only.flatMap(SubsidyPolicy.Only.init(rawValue:)), ipType: ipType.flatMap(IPType.init(rawValue:)))
    }

    /// Due, paid and outstanding per enterprise, park or bank, with the policy's totals: the rows `subsidy_lines` keeps.
    public func subsidyTotals(policy name: String, by grouping: SubsidyStatement.Grouping) throws -> SubsidyTotals {
        try read { db in
            let policy = try Self.policy(db, named: name)
            let lines = try SQLRow.fetchAll(db, sql: """
                SELECT grp, name, loans, due_fen, paid_fen FROM subsidy_lines WHERE policy = ? AND dimension = ? ORDER BY grp
                """, arguments: [name, grouping.rawValue]).map { SubsidyLine(group: $0[0], name: $0[1], loans: $0[2], due: Fen($0[3]), paid: Fen($0[4])) }
            // The park rows add up to the policy's totals (every loan has one park or none, and payments to an enterprise
            // without eligible loans are in the park "").
            let total = try SQLRow.fetchOne(db, sql: """
                SELECT coalesce(sum(loans), 0), coalesce(sum(due_fen), 0), coalesce(sum(paid_fen), 0) FROM subsidy_lines WHERE policy = ? AND dimension = 'park'
                """, arguments: [name])!
            return SubsidyTotals(policy: policy, grouping: grouping, lines: lines, loans: total[0], due: Fen(total[1]), paid: Fen(total[2]))
        }
    }

    static func policy(_ db: any SQLSession, named name: String) throws -> SubsidyPolicy {
        guard let row = try SQLRow.fetchOne(db, sql: "SELECT * FROM subsidy_policies WHERE name = ?", arguments: [name]) else {
            throw StoreError.subsidyPolicyMissing(name: name)
        }
        return try Self.policy(row)
    }

    static func statement(_ db: any SQLSession, policy name: String, uscc: String?) throws -> SubsidyStatement {
        try statement(db, policy: try policy(db, named: name), uscc: uscc)
    }

    static func statement(_ db: any SQLSession, policy: SubsidyPolicy, uscc: String?) throws -> SubsidyStatement {
        let (conditions, arguments) = eligibility(policy, uscc: uscc)
        var states: [RegistrationState] = []
        try SQLRow.forEach(db, sql: "SELECT \(RegistrationState.columns) FROM registrations WHERE \(conditions)", arguments: arguments) {
            states.append(try RegistrationState(row: $0))
        }
        return SubsidyStatement(policy: policy, states: states, paid: try payments(db, policy: policy.name, uscc: uscc))
    }

    /// The SQL that narrows `registrations` to the loans a policy may cover (SubsidyStatement decides).
    static func eligibility(_ policy: SubsidyPolicy, uscc: String?) -> (String, SQLArguments) {
        var conditions = ["status != 'void'", "rate IS NOT NULL", "reg_date <= ?"]
        var arguments: SQLArguments = ["\(policy.year)-12-31"]
        if let uscc { conditions.append("uscc = ?"); arguments += [uscc] }
        if let t = policy.ipType { conditions.append("ip_type = ?"); arguments += [t.rawValue] }
        switch policy.only {
        case .rywq?: conditions.append("rywq = 1")
        case .firstLoan?: conditions.append("first_loan = 1")
        case nil: break
        }
        return (conditions.joined(separator: " AND "), arguments)
    }

    /// What was paid under a policy, per USCC.
    static func payments(_ db: any SQLSession, policy: String, uscc: String?) throws -> [String: Fen] {
        var paid: [String: Fen] = [:]
        let sql = "SELECT uscc, sum(amount_fen) FROM subsidy_payments WHERE policy = ?\(uscc == nil ? "" : " AND uscc = ?") GROUP BY uscc"
        for r in try SQLRow.fetchAll(db, sql: sql, arguments: SQLArguments([policy, uscc].compactMap { $0 })) {
            paid[r[0]] = Fen(r[1])
        }
        return paid
    }
}
