import GRDB
import PledgeCore

/// The auditor's filters (`pledge query`); nil means "any". Names are already resolved to canonical ones.
public struct RegistrationQuery: Sendable, Equatable {
    public var park: String?
    public var bank: String?
    public var prefectureCode: String?
    public var uscc: String?
    public var from: CivilDate?
    public var to: CivilDate?
    public var status: RegistrationStatus?
    public var rywq: Bool?
    public var ipType: IPType?
    public var limit: Int?
    public init() {}
}

/// Totals over every registration a query matched (not only the listed ones, when limited).
public struct QueryTotals: Sendable, Equatable {
    public var registrations = 0
    /// Sum over the matched non-void registrations: the statistic's rule.
    public var amount = Fen.zero
    public var byStatus: [RegistrationStatus: (registrations: Int, amount: Fen)] = [:]
    public init() {}

    public static func == (a: QueryTotals, b: QueryTotals) -> Bool {
        a.registrations == b.registrations && a.amount == b.amount
            && a.byStatus.mapValues { "\($0.registrations)/\($0.amount.value)" } == b.byStatus.mapValues { "\($0.registrations)/\($0.amount.value)" }
    }
}

extension Ledger {
    /// Streams matching registrations (by date, then 登记号) to `body`, at most `limit`; returns totals over all
    /// matches. Filters on park, bank, enterprise and date use indexes.
    @discardableResult
    public func query(_ q: RegistrationQuery, _ body: (StoredRegistration) throws -> Void) throws -> QueryTotals {
        var clauses: [String] = []
        var args: StatementArguments = []
        func add(_ clause: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            clauses.append(clause)
            args += [value]
        }
        add("park = ?", q.park)
        add("bank = ?", q.bank)
        add("prefecture_code = ?", q.prefectureCode)
        add("uscc = ?", q.uscc)
        add("reg_date >= ?", q.from?.description)
        add("reg_date <= ?", q.to?.description)
        add("status = ?", q.status?.rawValue)
        add("rywq = ?", q.rywq)
        add("ip_type = ?", q.ipType?.rawValue)
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try read { db in
            var totals = QueryTotals()
            for row in try Row.fetchAll(db, sql: """
                SELECT status, count(*) AS n, sum(amount_fen) AS fen FROM registrations \(whereClause) GROUP BY status
                """, arguments: args) {
                guard let status = RegistrationStatus(rawValue: row["status"]) else { continue }
                let n: Int = row["n"], fen = Fen(row["fen"])
                totals.byStatus[status] = (n, fen)
                totals.registrations += n
                if status != .void { totals.amount = totals.amount + fen }
            }
            let limitClause = q.limit.map { " LIMIT \($0)" } ?? ""
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(StoredRegistration.columns) FROM registrations \(whereClause) ORDER BY reg_date, reg_no\(limitClause)
                """, arguments: args)
            while let row = try rows.next() { try body(try StoredRegistration(row: row)) }
            return totals
        }
    }
}
