import Foundation
import GRDB
import Testing
import PledgeCore
@testable import PledgeStore

@Suite("The financing statistic and its monthly aggregate")
struct StatisticTests {
    /// Registrations with corrections (amount, date, park), voids, releases and defaults.
    func populated(_ backend: Backend = .sqlite) throws -> TemporaryLedger {
        let t = try TemporaryLedger(backend: backend)
        let dates = ["2021-01-01", "2021-01-31", "2021-02-15", "2022-06-30", "2023-12-31", "2024-02-29", "2025-12-31", "2020-12-31", "2026-01-01"]
        for (i, d) in dates.enumerated() {
            _ = try t.ledger.register(sampleRegistration("R\(i)", date: d, amountWan: Int64(100 * (i + 1)),
                                                         park: i % 2 == 0 ? "兰州高新技术产业开发区" : nil,
                                                         type: i == 3 ? .trademark : .patent))
        }
        _ = try t.ledger.correct("R1", reason: "金额") { s in var r = s.registration; r.amount = Fen(123_456_789); return r }
        _ = try t.ledger.correct("R2", reason: "日期") { s in var r = s.registration; r.regDate = CivilDate(year: 2023, month: 7, day: 1)!; return r }
        _ = try t.ledger.correct("R4", reason: "园区") { s in var r = s.registration; r.park = nil; r.prefectureCode = "620400"; return r }
        _ = try t.ledger.void("R5", reason: "重复")
        _ = try t.ledger.release("R0", date: CivilDate(year: 2022, month: 1, day: 1)!, reason: .repaid)
        _ = try t.ledger.markDefault("R6", date: CivilDate(year: 2025, month: 12, day: 31)!)
        return t
    }

    @Test("monthly_totals equals a plain GROUP BY over registrations", arguments: Backend.allCases)
    func aggregatesMatchSQL(_ backend: Backend) throws {
        let t = try populated(backend)
        let fromTotals = try t.rows("""
            SELECT month, ip_type, prefecture_code, park, bank, rywq, first_loan, registrations, amount_fen
            FROM monthly_totals ORDER BY 1, 2, 3, 4, 5, 6, 7
            """)
        let fromRows = try t.rows("""
            SELECT substr(reg_date, 1, 7) AS month, ip_type, coalesce(prefecture_code, '') AS p, coalesce(park, '') AS k, bank,
                   rywq, first_loan, count(*), sum(amount_fen)
            FROM registrations WHERE status <> 'void' GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
            """)
        #expect(fromTotals.count == fromRows.count && fromTotals.count > 3)
        for (a, b) in zip(fromTotals, fromRows) {
            #expect(a.values == b.values)
        }
    }

    /// The `registrations` expression of each dimension's group, as Schema/README.md gives it to auditors.
    static func groupColumn(_ d: GroupDimension) -> String {
        switch d {
        case .all: "''"
        case .prefecture: "coalesce(prefecture_code, '')"
        case .park: "coalesce(park, '')"
        case .bank: "bank"
        case .rywq: "CAST(rywq AS TEXT)"
        case .firstLoan: "CAST(first_loan AS TEXT)"
        case .puhui: "CASE WHEN amount_fen < 1000000000 THEN '1' ELSE '0' END"
        }
    }

    @Test("group_totals equals a plain GROUP BY over registrations, for every dimension", arguments: Backend.allCases, GroupDimension.allCases)
    func groupTotalsMatchSQL(backend: Backend, dimension: GroupDimension) throws {
        let t = try populated(backend)
        let fromTotals = try t.ledger.read { db in
            try SQLRow.fetchAll(db, sql: """
                SELECT grp, month, ip_type, status, registrations, amount_fen FROM group_totals WHERE dimension = ? ORDER BY 1, 2, 3, 4
                """, arguments: [dimension.rawValue])
        }
        let fromRows = try t.rows("""
            SELECT \(Self.groupColumn(dimension)), substr(reg_date, 1, 7), ip_type, status, count(*), sum(amount_fen)
            FROM registrations GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
            """)
        #expect(fromTotals.count == fromRows.count)
        #expect(!fromTotals.isEmpty)
        for (a, b) in zip(fromTotals, fromRows) {
            #expect(a.values == b.values)
        }
    }

    @Test("progress equals a plain SQL sum for many windows and as-of dates", arguments: [
        ("2021-01-01", "2025-12-31", "2026-06-01"),
        ("2021-01-15", "2025-12-31", "2024-02-29"),
        ("2021-01-31", "2021-02-15", "2025-01-01"),
        ("2020-01-01", "2026-12-31", "2026-01-01"),
        ("2023-07-01", "2023-07-01", "2023-07-01"),
    ])
    func progressMatchesSQL(from: String, to: String, asOf: String) throws {
        for backend in Backend.allCases { try progressMatchesSQL(backend, from: from, to: to, asOf: asOf) }
    }

    func progressMatchesSQL(_ backend: Backend, from: String, to: String, asOf: String) throws {
        let t = try populated(backend)
        let target = Target(name: "t", amount: Fen(10_000_000_000), from: try CivilDate.parse(from), to: try CivilDate.parse(to), ipType: .patent)
        let asOfDate = try CivilDate.parse(asOf)
        let p = try t.ledger.progress(target: target, asOf: asOfDate)
        let countedTo = min(target.to, asOfDate).description
        let row = try t.ledger.read { db in
            try SQLRow.fetchOne(db, sql: """
                SELECT count(*) AS n, coalesce(sum(amount_fen), 0) AS fen FROM registrations
                WHERE ip_type = 'patent' AND status <> 'void' AND reg_date BETWEEN ? AND ?
                """, arguments: [from, countedTo])!
        }
        #expect(p.achieved.value == row["fen"] as Int64)
        #expect(p.registrations == row["n"] as Int)
        // The 12 months up to the last day counted (the window's own, once it has ended).
        let last = min(target.to, asOfDate)
        let trailingFrom = last.adding(years: -1)!.adding(days: 1)!.description
        let trailing: Int64 = try t.ledger.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT coalesce(sum(amount_fen), 0) FROM registrations
                WHERE ip_type = 'patent' AND status <> 'void' AND reg_date BETWEEN ? AND ?
                """, arguments: [trailingFrom, last.description])!
        }
        #expect(p.trailing12Months.value == trailing)
    }

    @Test("release, default and extension never reduce the statistic; void and correction do", arguments: Backend.allCases)
    func statisticRules(_ backend: Backend) throws {
        let t = try TemporaryLedger(backend: backend)
        let window = (CivilDate(year: 2021, month: 1, day: 1)!, CivilDate(year: 2025, month: 12, day: 31)!)
        _ = try t.ledger.register(sampleRegistration("A", amountWan: 100))
        _ = try t.ledger.register(sampleRegistration("B", amountWan: 50))
        func total() throws -> Int64 { try t.ledger.statistic(from: window.0, to: window.1, ipType: .patent).amount.value }
        #expect(try total() == 150 * MoneyUnit.wan.fenPerUnit)
        _ = try t.ledger.release("A", date: CivilDate(year: 2024, month: 5, day: 1)!, reason: .repaid)
        _ = try t.ledger.markDefault("B", date: CivilDate(year: 2024, month: 5, day: 1)!)
        _ = try t.ledger.extend("B", maturity: CivilDate(year: 2030, month: 1, day: 1)!)
        #expect(try total() == 150 * MoneyUnit.wan.fenPerUnit)
        _ = try t.ledger.correct("B", reason: "金额") { s in var r = s.registration; r.amount = Fen(70 * MoneyUnit.wan.fenPerUnit); return r }
        #expect(try total() == 170 * MoneyUnit.wan.fenPerUnit)
        _ = try t.ledger.void("A", reason: "作废")
        #expect(try total() == 70 * MoneyUnit.wan.fenPerUnit)
    }

    @Test("the month a target was reached", arguments: Backend.allCases)
    func reachedIn(_ backend: Backend) throws {
        let t = try TemporaryLedger(backend: backend)
        _ = try t.ledger.register(sampleRegistration("A", date: "2022-01-10", amountWan: 60))
        _ = try t.ledger.register(sampleRegistration("B", date: "2022-03-10", amountWan: 60))
        let target = Target(name: "small", amount: Fen(100 * MoneyUnit.wan.fenPerUnit), from: CivilDate(year: 2022, month: 1, day: 1)!,
                            to: CivilDate(year: 2022, month: 12, day: 31)!, ipType: nil)
        let p = try t.ledger.progress(target: target, asOf: CivilDate(year: 2022, month: 6, day: 1)!)
        #expect(p.projection == .reached(YearMonth(year: 2022, month: 3)!))
        #expect(p.remaining == .zero)
    }
}
