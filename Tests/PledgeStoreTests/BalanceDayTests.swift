import Foundation
import GRDB
import Testing
import PledgeCore
@testable import PledgeStore

/// The balance outstanding on any day (`report progress --as-of D`): read from `balance_days`, it must equal the plain
/// SQL over the registrations an auditor would write, on every day around each change, before and after a ledger
/// written without the table is upgraded (009_balance_days fills it from the registrations).
@Suite("balance outstanding on any day")
struct BalanceDayTests {
    /// Loans that open, fall past maturity, close before or after it, default, are voided, have no maturity, or a
    /// maturity before their registration.
    func ledger(_ backend: Backend = .sqlite) throws -> TemporaryLedger {
        let t = try TemporaryLedger(backend: backend)
        func add(_ regNo: String, _ date: String, wan: Int64, maturity: String?, type: IPType = .patent) throws {
            var r = sampleRegistration(regNo, date: date, amountWan: wan, type: type)
            r.maturity = try maturity.map { try CivilDate.parse($0) }
            _ = try t.ledger.register(r)
        }
        try add("B1", "2024-01-10", wan: 100, maturity: "2024-06-30")
        try add("B2", "2024-02-01", wan: 200, maturity: "2024-12-31")
        try add("B3", "2024-03-15", wan: 300, maturity: "2024-05-31")
        try add("B4", "2024-04-01", wan: 400, maturity: nil)
        try add("B5", "2024-05-01", wan: 500, maturity: "2024-04-01")
        try add("B6", "2024-06-01", wan: 600, maturity: "2025-06-01")
        try add("B7", "2024-06-15", wan: 700, maturity: "2024-09-30", type: .trademark)
        try add("B8", "2024-07-01", wan: 800, maturity: "2024-07-31")
        _ = try t.ledger.release("B1", date: CivilDate.parse("2024-06-30"), reason: .repaid)     // on its maturity: never overdue
        _ = try t.ledger.release("B3", date: CivilDate.parse("2024-08-15"), reason: .repaid)     // after it: overdue a while
        _ = try t.ledger.markDefault("B6", date: CivilDate.parse("2024-10-01"))
        _ = try t.ledger.void("B7", reason: "重复录入")
        _ = try t.ledger.extend("B8", maturity: CivilDate.parse("2024-11-30"))
        _ = try t.ledger.release("B8", date: CivilDate.parse("2024-07-31"), reason: .other)     // the day it opened past: same day
        return t
    }

    /// The auditor's SQL: registered by D, not void, not released or defaulted by D; past maturity when maturity < D.
    func plainSQL(_ t: TemporaryLedger, _ d: CivilDate, type: String?) throws -> [Int64] {
        let day = d.description
        let row = try t.ledger.read { db in
            try SQLRow.fetchOne(db, sql: """
                SELECT count(CASE WHEN maturity IS NULL OR maturity >= ? THEN 1 END), coalesce(sum(CASE WHEN maturity IS NULL OR maturity >= ? THEN amount_fen END), 0),
                       count(CASE WHEN maturity < ? THEN 1 END), coalesce(sum(CASE WHEN maturity < ? THEN amount_fen END), 0)
                FROM registrations WHERE reg_date <= ? AND status <> 'void' AND NOT (status IN ('released', 'defaulted') AND status_date <= ?)
                  AND (CAST(? AS TEXT) IS NULL OR ip_type = ?)
                """, arguments: [day, day, day, day, day, day, type, type])!
        }
        return [row[0], row[1], row[2], row[3]]
    }

    func figures(_ ledger: Ledger, _ d: CivilDate, _ target: Target) throws -> [Int64] {
        let p = try ledger.progressDetails(target: target, asOf: d)
        return [Int64(p.outstandingRegistrations), p.outstanding.value, Int64(p.overdueRegistrations), p.overdue.value]
    }

    /// Every day from before the first registration to after the last change.
    var days: [CivilDate] {
        let first = CivilDate(year: 2023, month: 12, day: 30)!
        return (0..<(366 + 60)).compactMap { first.adding(days: $0) }
    }

    @Test("every day of 2024: the figures equal the plain SQL, for the patent target and for every type", arguments: Backend.allCases)
    func everyDay(_ backend: Backend) throws {
        let t = try ledger(backend)
        var all = Target.gansu2025
        all.ipType = nil
        for d in days {
            #expect(try figures(t.ledger, d, .gansu2025) == plainSQL(t, d, type: "patent"), "\(d)")
            #expect(try figures(t.ledger, d, all) == plainSQL(t, d, type: nil), "\(d)")
        }
        #expect(try t.ledger.verify().isClean)
    }

    @Test("a ledger written before 009_balance_days: the upgrade fills the table as the projection keeps it")
    func upgrade() throws {
        let t = try ledger()
        let kept = try t.raw().read { db in try Row.fetchAll(db, sql: "SELECT * FROM balance_days ORDER BY ip_type, kind, day") }
        #expect(kept.count > 10)
        try t.raw().write { db in
            try db.execute(sql: """
                DROP TABLE balance_days; DROP TABLE subsidy_lines; DROP TABLE subsidy_policies; DROP TABLE subsidy_payments; DROP TABLE pool_losses; DROP TABLE disposals;
                DROP TABLE pool_contributions; DROP TABLE pools; ALTER TABLE registrations DROP COLUMN appraised_value_fen; ALTER TABLE registrations DROP COLUMN appraiser; ALTER TABLE registrations DROP COLUMN insurer; ALTER TABLE registrations DROP COLUMN insured_amount_fen; ALTER TABLE registrations DROP COLUMN defaulted_on;  DELETE FROM group_totals WHERE dimension = 'puhui';
                DELETE FROM grdb_migrations WHERE identifier IN ('009_balance_days', '010_subsidies', '011_pools', '012_puhui_dimension', '013_puhui_totals', '014_appraisal', '015_subsidy_lines')
                """)
        }
        let upgraded = try Ledger.open(at: t.path, readOnly: false, operatorName: "clerk")
        #expect(try upgraded.verify().isClean)
        #expect(try t.raw().read { db in try Row.fetchAll(db, sql: "SELECT * FROM balance_days ORDER BY ip_type, kind, day") } == kept)
        for d in days.filter({ $0.day == 1 || $0.day == 15 }) {
            #expect(try figures(upgraded, d, .gansu2025) == plainSQL(t, d, type: "patent"), "\(d)")
        }
    }

    @Test("an edited balance_days row is named by audit verify")
    func tampered() throws {
        let t = try ledger()
        try t.raw().write { db in try db.execute(sql: "UPDATE balance_days SET amount_fen = amount_fen + 1 WHERE kind = 'closed' AND day = '2024-08-15'") }
        let report = try t.ledger.verify()
        #expect(!report.isClean)
        #expect(report.findings.contains { "\($0)".contains("balance_days") }, "\(report.findings)")
        // The report reads the table: the edit shows in the figures (which is why verify must name it).
        let d = CivilDate(year: 2024, month: 8, day: 20)!
        #expect(try figures(t.ledger, d, .gansu2025) != plainSQL(t, d, type: "patent"))
    }
}
