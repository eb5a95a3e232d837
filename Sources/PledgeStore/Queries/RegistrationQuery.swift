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
    /// Text the branch or the enterprise name contains.
    public var branchContains: String?
    public var enterpriseNameContains: String?
    /// Registrations of at least this amount.
    public var minAmount: Fen?
    public var limit: Int?
    /// Matches skipped before the listing starts (a page of `limit` after `offset`).
    public var offset: Int?
    public init() {}

    /// The one `group_totals` group whose figures equal this query's totals, when the filters allow it:
    /// at most one of park, bank, prefecture and 入园惠企, and no enterprise (dates, status and type are
    /// columns of every group).
    var aggregateGroup: (GroupDimension, String)? {
        guard uscc == nil, branchContains == nil, enterpriseNameContains == nil, minAmount == nil else { return nil }
        let groups: [(GroupDimension, String)] = [
            park.map { (.park, $0) }, bank.map { (.bank, $0) }, prefectureCode.map { (.prefecture, $0) },
            rywq.map { (.rywq, GroupDimension.group(of: $0)) },
        ].compactMap { $0 }
        switch groups.count {
        case 0: return (.all, "")
        case 1: return groups[0]
        default: return nil
        }
    }
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
    /// matches. Filters on park, bank, enterprise and date use indexes; totals come from `group_totals` when
    /// the filters name at most one group (see `RegistrationQuery.aggregateGroup`).
    @discardableResult
    public func query(_ q: RegistrationQuery, _ body: (RegistrationState) throws -> Void) throws -> QueryTotals {
        try query(q, scanFrom: 10_000, body)
    }

    /// `scanFrom`: the fewest matches for which an unlimited listing scans the table instead of using an index (tests
    /// run both plans on one ledger).
    @discardableResult
    func query(_ q: RegistrationQuery, scanFrom: Int, _ body: (RegistrationState) throws -> Void) throws -> QueryTotals {
        var clauses: [String] = []
        var args: SQLArguments = []
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
        add("instr(branch, ?) > 0", q.branchContains)
        add("instr(enterprise, ?) > 0", q.enterpriseNameContains)
        add("amount_fen >= ?", q.minAmount?.value)
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try read { db in
            var totals = QueryTotals()
            func add(_ rows: [SQLRow]) throws {
                for row in rows {
                    guard let status = RegistrationStatus(rawValue: row["status"]) else { continue }
                    let n = try row.totalCount("n"), fen = try row.totalFen("fen")
                    let old = totals.byStatus[status] ?? (0, .zero)
                    totals.byStatus[status] = (old.registrations + n, old.amount + fen)
                    totals.registrations += n
                    if status != .void { totals.amount = totals.amount + fen }
                }
            }
            if let (dimension, group) = q.aggregateGroup {
                // Whole months from group_totals, the partial months at either end from registrations.
                let span = MonthSpan(from: q.from, to: q.to)
                if let months = span.wholeMonths {
                    var sql = "SELECT status, sum(registrations) AS n, sum(amount_fen) AS fen FROM group_totals WHERE dimension = ? AND grp = ? AND month BETWEEN ? AND ?"
                    var a: SQLArguments = [dimension.rawValue, group, months.first, months.last]
                    if let s = q.status { sql += " AND status = ?"; a += [s.rawValue] }
                    if let t = q.ipType { sql += " AND ip_type = ?"; a += [t.rawValue] }
                    try add(SQLRow.fetchAll(db, sql: sql + " GROUP BY status", arguments: a))
                }
                for days in span.partialDays {
                    try add(SQLRow.fetchAll(db, sql: """
                        SELECT status, count(*) AS n, sum(amount_fen) AS fen FROM registrations \(whereClause.isEmpty ? "WHERE" : whereClause + " AND")
                        reg_date BETWEEN ? AND ? GROUP BY status
                        """, arguments: args + [days.first, days.last]))
                }
            } else {
                try add(SQLRow.fetchAll(db, sql: """
                    SELECT status, count(*) AS n, sum(amount_fen) AS fen FROM registrations \(whereClause) GROUP BY status
                    """, arguments: args))
            }
            let limitClause = q.limit == nil ? "" : " LIMIT ? OFFSET ?"
            let pageArgs: SQLArguments = q.limit.map { [$0, q.offset ?? 0] } ?? []
            // A listing of every match that covers much of the ledger reads most rows anyway: one scan and one sort
            // beat the date (or park, bank) index, through which each row is fetched at random (1M rows in `sqlite3`:
            // 3.3 s instead of 6.2 s, most of that reading 16 KB pages from the file). Limited or narrow listings keep
            // the indexes: their first rows come at once.
            let scan = try q.limit == nil && totals.registrations >= scanFrom
                && totals.registrations * 4 >= (Int.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM registrations") ?? 0)
            try SQLRow.forEach(db, sql: """
                SELECT \(RegistrationState.columns) FROM registrations\(scan ? " NOT INDEXED" : "") \(whereClause) ORDER BY reg_date, reg_no\(limitClause)
                """, arguments: args + pageArgs) { row in try body(try RegistrationState(row: row)) }
            return totals
        }
    }
}
