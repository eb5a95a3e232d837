import GRDB
import PledgeCore

/// `subsidy_lines`: each policy's rows per enterprise, park and bank, as PledgeCore's `SubsidyStatement.lines(by:)`
/// gives them. A write that changes a registration the policy covers (before or after the change), or pays an
/// enterprise under it, `touch`es the enterprise first: its park and bank rows as they stand are taken out of the
/// pending sums; `flush` computes its statement again from the rows as written, puts the new park and bank rows in and
/// replaces its enterprise row. A registration no policy covers costs nothing. A policy set or replaced is computed
/// whole.
final class SubsidyLines {
    private let db: any SQLSession
    private var policies: [SubsidyPolicy]
    /// Enterprises touched since the last flush, per policy (their rows before are already out of `sums`).
    private var touched: [String: Set<String>] = [:]
    private var sums: [Key: SubsidyLine] = [:]
    /// A first load (no index on `registrations` until its end) computes every policy once, at its end.
    var deferred = false

    private struct Key: Hashable {
        var policy: String, dimension: SubsidyStatement.Grouping, group: String
    }

    init(_ db: any SQLSession) throws {
        self.db = db
        policies = try Self.policies(db)
    }

    static func policies(_ db: any SQLSession) throws -> [SubsidyPolicy] {
        try Ledger.policyRows(db).map(Ledger.policy)
    }

    /// Call before a write changes a registration from `before` (nil: a new one) to `after`.
    func touch(_ before: RegistrationState?, _ after: RegistrationState) throws {
        guard !deferred else { return }
        for p in policies {
            if let before, SubsidyStatement.covers(before, p) { try touch(before.registration.uscc, p) }
            if SubsidyStatement.covers(after, p) { try touch(after.registration.uscc, p) }
        }
    }

    /// Call before a payment to `uscc` under policy `name`.
    func touch(_ uscc: String, policy name: String) throws {
        guard !deferred, let p = policies.first(where: { $0.name == name }) else { return }
        try touch(uscc, p)
    }

    private func touch(_ uscc: String, _ p: SubsidyPolicy) throws {
        guard touched[p.name, default: []].insert(uscc).inserted else { return }
        add(try Ledger.statement(db, policy: p, uscc: uscc), sign: -1)
    }

    /// Writes the rows of the enterprises touched since the last flush.
    func flush() throws {
        guard !touched.isEmpty else { return }
        let replace = try db.statement("""
            INSERT OR REPLACE INTO subsidy_lines(policy, dimension, grp, name, loans, due_fen, paid_fen) VALUES (?, 'enterprise', ?, ?, ?, ?, ?)
            """)
        let remove = try db.statement("DELETE FROM subsidy_lines WHERE policy = ? AND dimension = 'enterprise' AND grp = ?")
        for p in policies {
            for uscc in (touched[p.name] ?? []).sorted(by: { $0.bytesPrecede($1) }) {
                let statement = try Ledger.statement(db, policy: p, uscc: uscc)
                add(statement, sign: 1)
                if let e = statement.lines(by: .enterprise).first {
                    try replace.run([p.name, e.group, e.name, e.loans, e.due.value, e.paid.value])
                } else {
                    try remove.run([p.name, uscc])
                }
            }
        }
        touched = [:]
        try writeSums()
    }

    /// A policy set or replaced: its rows computed again from every registration and payment, one enterprise at a time
    /// (in USCC order, so memory holds one enterprise's loans and the park and bank sums).
    func rebuild(_ name: String) throws {
        policies = try Self.policies(db)
        try db.execute(sql: "DELETE FROM subsidy_lines WHERE policy = ?", arguments: [name])
        guard !deferred, let policy = policies.first(where: { $0.name == name }) else { return }
        let paid = try Ledger.payments(db, policy: name, uscc: nil)
        let insert = try db.statement("""
            INSERT INTO subsidy_lines(policy, dimension, grp, name, loans, due_fen, paid_fen) VALUES (?, 'enterprise', ?, ?, ?, ?, ?)
            """)
        var seen = Set<String>()
        func enterprise(_ uscc: String, _ states: [RegistrationState]) throws {
            seen.insert(uscc)
            let statement = SubsidyStatement(policy: policy, states: states, paid: paid[uscc].map { [uscc: $0] } ?? [:])
            add(statement, sign: 1)
            if let e = statement.lines(by: .enterprise).first {
                try insert.run([name, e.group, e.name, e.loans, e.due.value, e.paid.value])
            }
        }
        let (conditions, arguments) = Ledger.eligibility(policy, uscc: nil)
        var current: (uscc: String, states: [RegistrationState])?
        try SQLRow.forEach(db, sql: "SELECT \(RegistrationState.columns) FROM registrations WHERE \(conditions) ORDER BY uscc",
                           arguments: arguments) { row in
            let s = try RegistrationState(row: row)
            if let c = current, c.uscc.sameBytes(s.registration.uscc) {
                current!.states.append(s)
            } else {
                if let c = current { try enterprise(c.uscc, c.states) }
                current = (s.registration.uscc, [s])
            }
        }
        if let c = current { try enterprise(c.uscc, c.states) }
        for uscc in paid.keys.sorted(by: { $0.bytesPrecede($1) }) where !seen.contains(uscc) { try enterprise(uscc, []) }
        try writeSums()
    }

    /// The end of a first load: every policy computed once the indexes exist.
    func rebuildDeferred() throws {
        guard deferred else { return }
        deferred = false
        for p in policies { try rebuild(p.name) }
    }

    private func add(_ statement: SubsidyStatement, sign: Int64) {
        for dimension in [SubsidyStatement.Grouping.park, .bank] {
            for line in statement.lines(by: dimension) {
                sums[Key(policy: statement.policy.name, dimension: dimension, group: line.group), default: SubsidyLine(group: line.group)]
                    .add(loans: Int(sign) * line.loans, due: Fen(sign * line.due.value), paid: Fen(sign * line.paid.value))
            }
        }
    }

    /// Adds the pending park and bank sums to their rows; a row left with no loan, due or payment goes.
    private func writeSums() throws {
        let update = try db.statement("""
            UPDATE subsidy_lines SET loans = loans + ?, due_fen = due_fen + ?, paid_fen = paid_fen + ? WHERE policy = ? AND dimension = ? AND grp = ?
            """)
        let insert = try db.statement("INSERT INTO subsidy_lines(policy, dimension, grp, name, loans, due_fen, paid_fen) VALUES (?, ?, ?, '', ?, ?, ?)")
        let drop = try db.statement("""
            DELETE FROM subsidy_lines WHERE policy = ? AND dimension = ? AND grp = ? AND loans = 0 AND due_fen = 0 AND paid_fen = 0
            """)
        for (k, line) in sums where !line.isEmpty {
            if try update.run([line.loans, line.due.value, line.paid.value, k.policy, k.dimension.rawValue, k.group]) == 0 {
                try insert.run([k.policy, k.dimension.rawValue, k.group, line.loans, line.due.value, line.paid.value])
            } else {
                try drop.run([k.policy, k.dimension.rawValue, k.group])
            }
        }
        sums = [:]
    }
}
