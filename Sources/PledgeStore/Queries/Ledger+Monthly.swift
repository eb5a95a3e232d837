import GRDB
import PledgeCore

/// How `report monthly --by` splits each month.
public enum MonthlyGrouping: String, CaseIterable, Sendable {
    case prefecture, park, bank, ipType = "ip-type", rywq
    /// The 普惠 band: under 1,000 万元 ('1') or not ('0'). Live figures only: a closed month froze no band.
    case puhui

    var column: String {
        switch self {
        case .prefecture: "prefecture_code"
        case .park: "park"
        case .bank: "bank"
        case .ipType: "ip_type"
        case .rywq: "rywq"
        case .puhui: "NULL"
        }
    }

    var dimension: GroupDimension {
        switch self {
        case .prefecture: .prefecture
        case .park: .park
        case .bank: .bank
        case .ipType: .all
        case .rywq: .rywq
        case .puhui: .puhui
        }
    }
}

/// One month (and group) of the statistic, read from `group_totals` (or, for closed months, `period_totals`).
public struct MonthlyTotal: Sendable, Equatable {
    public var month: YearMonth
    /// The group's raw value: prefecture code, park or bank name ('' when not recorded), IP type code, or 0/1 for rywq.
    public var group: String?
    public var registrations: Int
    public var amount: Fen

    public init(month: YearMonth, group: String?, registrations: Int, amount: Fen) {
        self.month = month
        self.group = group
        self.registrations = registrations
        self.amount = amount
    }
}

/// Which figures `monthlyTotals` reads: the live aggregate, or for closed months the totals frozen at closing
/// (`asClosed`), or only the frozen totals of closed months (`frozenOnly`).
public enum MonthlySource: Sendable { case live, asClosed, frozenOnly }

extension Ledger {
    /// The statistic per month (and group) from `from` to `to`, for `ipType` (nil: every type).
    /// Months without registrations are absent. Cost grows with months × groups, not registrations.

    public func monthlyTotals(from: YearMonth, to: YearMonth, by grouping: MonthlyGrouping?,
                              ipType: IPType?, source: MonthlySource) throws -> [MonthlyTotal] {
        guard from <= to else { return [] }
        return try read { db in
            let typeClause = ipType == nil ? "" : " AND ip_type = ?"
            let args: SQLArguments = [from.description, to.description] + (ipType.map { [$0.rawValue] } ?? [])
            // Live figures: group_totals along the grouping's dimension (IP types are a column of every dimension).
            let dimension = grouping?.dimension ?? .all
            let liveGroup = switch grouping { case nil: "NULL"; case .ipType: "ip_type"; default: "grp" }
            let live = """
                SELECT month, \(liveGroup) AS g, sum(registrations) AS n, sum(amount_fen) AS fen FROM group_totals
                WHERE dimension = '\(dimension.rawValue)' AND status <> 'void' AND month BETWEEN ? AND ?\(typeClause)
                """
            // Frozen figures: the monthly_totals rows each closed month had when it was closed.
            let frozen = """
                SELECT month, \(grouping.map { "CAST(\($0.column) AS TEXT)" } ?? "NULL") AS g, sum(registrations) AS n,
                  sum(amount_fen) AS fen FROM period_totals WHERE month BETWEEN ? AND ?\(typeClause)
                """
            // A closed month's frozen rows have no band: the 普惠 split is always live.
            let source = grouping == .puhui ? (source == .frozenOnly ? nil : .live) : source
            guard let source else { return [] }
            let sql = switch source {
            case .live: "\(live) GROUP BY month, g ORDER BY month, g"
            case .frozenOnly: "\(frozen) GROUP BY month, g ORDER BY month, g"
            case .asClosed: """
                \(live) AND month NOT IN (SELECT month FROM periods) GROUP BY month, g
                UNION ALL \(frozen) GROUP BY month, g ORDER BY 1, 2
                """
            }
            return try SQLRow.fetchAll(db, sql: sql, arguments: source == .asClosed ? args + args : args).map { row in
                guard let month = try? YearMonth.parse(row["month"]) else { throw LedgerDataError("group_totals has a bad month") }
                return MonthlyTotal(month: month, group: row["g"], registrations: try row.totalCount("n"), amount: try row.totalFen("fen"))
            }
        }
    }
}

/// A closed month as `period list` shows it.
public struct ClosedPeriod: Sendable, Equatable {
    public var month: YearMonth
    public var seq: Int64
    public var headSeq: Int64
    public var headHash: String
    public var registrations: Int
    public var amount: Fen
    public var closedAt: String
    public var closedBy: String
}

extension Ledger {
    public func closedPeriods() throws -> [ClosedPeriod] {
        try read { db in
            try SQLRow.fetchAll(db, sql: """
                SELECT p.month, p.seq, p.head_seq, p.head_hash, p.registrations, p.amount_fen, e.at, e.operator
                FROM periods p JOIN entries e ON e.seq = p.seq ORDER BY p.month
                """).map { row in
                guard let month = try? YearMonth.parse(row["month"]) else { throw LedgerDataError("periods has a bad month") }
                return ClosedPeriod(month: month, seq: row["seq"], headSeq: row["head_seq"], headHash: row["head_hash"],
                                    registrations: try row.totalCount("registrations"), amount: try row.totalFen("amount_fen"), closedAt: row["at"],
                                    closedBy: row["operator"])
            }
        }
    }
}

/// One year of the statistic for one group (`report annual`).
public struct AnnualTotal: Sendable, Equatable {
    public var year: Int
    /// The group's name ('' when not recorded, or without a grouping).
    public var group: String
    public var registrations: Int
    public var amount: Fen
}

extension Ledger {
    /// The statistic (non-void registrations) per calendar year, split along `dimension` (`.all`: one group), of
    /// `ipType` (nil: every type): `group_totals` summed by year, what a plain GROUP BY over `registrations` gives.
    public func annualTotals(by dimension: GroupDimension, ipType: IPType?) throws -> [AnnualTotal] {
        try read { db in
            var sql = """
                SELECT CAST(substr(month, 1, 4) AS INTEGER) AS year, grp, sum(registrations) AS n, sum(amount_fen) AS fen FROM group_totals
                WHERE dimension = ? AND status <> 'void'
                """
            var args: SQLArguments = [dimension.rawValue]
            if let ipType { sql += " AND ip_type = ?"; args += [ipType.rawValue] }
            return try SQLRow.fetchAll(db, sql: sql + " GROUP BY year, grp HAVING sum(registrations) <> 0 ORDER BY grp, year", arguments: args).map {
                AnnualTotal(year: $0["year"], group: $0["grp"], registrations: try $0.totalCount("n"), amount: try $0.totalFen("fen"))
            }
        }
    }
}
