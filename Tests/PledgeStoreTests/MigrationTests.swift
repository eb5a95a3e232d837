import Crypto
import Foundation
import GRDB
import GRDBSQLite
import Testing
import PledgeCore
@testable import PledgeStore


@Suite("Schema upgrades")
struct MigrationTests {
    @Test("a ledger written before 002_group_totals is upgraded on the first writable open; read-only refuses with a hint")
    func upgradeFrom001() throws {
        let t = try TemporaryLedger()
        for (i, d) in ["2021-03-04", "2022-07-31", "2024-02-29", "2025-12-31"].enumerated() {
            _ = try t.ledger.register(sampleRegistration("M\(i)", date: d, amountWan: Int64(10 * (i + 1)), park: i % 2 == 0 ? nil : "兰州新区"))
        }
        _ = try t.ledger.void("M1", reason: "重复")
        // Back to the schema of 001 as shipped: what an older pledge left on disk.
        try t.raw().write { db in
            try db.execute(sql: """
                DROP TABLE group_totals; DROP TABLE target_enterprises; ALTER TABLE targets DROP COLUMN enterprises; ALTER TABLE targets DROP COLUMN park; ALTER TABLE targets DROP COLUMN prefecture_code;
                DROP TABLE ledger_settings; DROP TABLE finding_reviews; DROP INDEX registrations_active_by_maturity;
                DROP TABLE status_totals; CREATE TABLE status_totals (ip_type TEXT NOT NULL, status TEXT NOT NULL, registrations INTEGER NOT NULL, amount_fen INTEGER NOT NULL, PRIMARY KEY (ip_type, status)) WITHOUT ROWID;
                INSERT INTO status_totals SELECT ip_type, status, count(*), sum(amount_fen) FROM registrations GROUP BY 1, 2;
                DROP TABLE user_credentials; DROP TABLE users; DROP TABLE proposals; DROP TABLE balance_days; DROP TABLE subsidy_lines; DROP TABLE subsidy_policies; DROP TABLE subsidy_payments; DROP TABLE pool_losses; DROP TABLE disposals; DROP TABLE pool_contributions; DROP TABLE pools; ALTER TABLE registrations DROP COLUMN appraised_value_fen; ALTER TABLE registrations DROP COLUMN appraiser; ALTER TABLE registrations DROP COLUMN insurer; ALTER TABLE registrations DROP COLUMN insured_amount_fen; ALTER TABLE registrations DROP COLUMN defaulted_on; 
                DELETE FROM grdb_migrations WHERE identifier IN ('002_group_totals', '003_check_lists', '004_entry_kinds', '005_settings_reviews', '006_status_by_maturity', '007_users', '008_approvals', '009_balance_days', '010_subsidies', '011_pools', '012_puhui_dimension', '013_puhui_totals', '014_appraisal', '015_subsidy_lines');
                """)
        }
        #expect(throws: StoreError.olderSchema(path: t.path)) {
            try Ledger.open(at: t.path, readOnly: true, operatorName: "auditor")
        }
        let upgraded = try Ledger.open(at: t.path, readOnly: false, operatorName: "clerk")
        #expect(try upgraded.verify().isClean)
        let details = try upgraded.progressDetails(target: .gansu2025, asOf: CivilDate(year: 2026, month: 1, day: 1)!)
        #expect(details.enterprisesServed == 1)
        let groups = try t.raw().read { db in
            try String.fetchAll(db, sql: "SELECT dimension || grp || month || status || registrations FROM group_totals WHERE dimension IN ('all', 'park') ORDER BY 1")
        }
        #expect(groups == ["all2021-03active1", "all2022-07void1", "all2024-02active1", "all2025-12active1",
                           "park2021-03active1", "park2024-02active1", "park兰州新区2022-07void1", "park兰州新区2025-12active1"])
    }

    /// The schema text of every table, index and trigger, as `sqlite3 .schema` shows it.
    static func schemaText(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT type || ' ' || name || ': ' || sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type, name")
    }

    @Test("each rewritten CHECK still accepts every listed value and refuses any other", arguments: [
        ("entries", "kind", ["reference", "target", "register", "correct", "void", "release", "default", "extend", "period-close"]),
        ("registrations", "ip_type", ["patent", "trademark", "copyright", "other"]),
        ("registrations", "status", ["active", "released", "defaulted", "void"]),
        ("targets", "ip_type", ["patent", "trademark", "copyright", "other"]),
        ("group_totals", "dimension", ["all", "prefecture", "park", "bank", "rywq", "first_loan"]),
    ])
    func checksStillHold(table: String, column: String, allowed: [String]) throws {
        let t = try TemporaryLedger()
        _ = try t.ledger.register(sampleRegistration("C1"))
        try t.raw().writeWithoutTransaction { db in
            // The journal's triggers are not under test here.
            try db.execute(sql: "DROP TRIGGER entries_no_update")
            let target = table == "group_totals"
                ? "(dimension, grp, month, ip_type, status) IN (SELECT dimension, grp, month, ip_type, status FROM group_totals LIMIT 1)"
                : "rowid = (SELECT min(rowid) FROM \(table))"
            for value in allowed {
                try db.execute(sql: "SAVEPOINT s")
                try db.execute(sql: "UPDATE OR ABORT \(table) SET \(column) = ? WHERE \(target)", arguments: [value])
                #expect(db.changesCount == 1, "\(table).\(column) = \(value)")
                try db.execute(sql: "ROLLBACK TO s; RELEASE s")
            }
            for bad in ["Patent", "", "active ", "x"] where !allowed.contains(bad) {
                #expect(throws: DatabaseError.self, "\(table).\(column) = \(bad)") {
                    try db.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE \(target)", arguments: [bad])
                }
            }
        }
    }

    @Test("a ledger written before 003_check_lists gets the new CHECK text on a writable open, its rows untouched")
    func upgradeFrom002() throws {
        let t = try TemporaryLedger()
        _ = try t.ledger.register(sampleRegistration("U1"))
        let fresh = try t.raw().read { try Self.schemaText($0) }
        // The schema text as 001 and 002 left it, from a scratch database migrated that far.
        let scratch = try DatabaseQueue()
        try Ledger.migrator().migrate(scratch, upTo: "002_group_totals")
        let old = try scratch.read { db in try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_schema WHERE type = 'table'") }
        try t.raw().writeWithoutTransaction { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA schema_version")!
            try db.execute(sql: "PRAGMA writable_schema = ON")
            for row in old { try db.execute(sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?", arguments: [row["sql"], row["name"]]) }
            try db.execute(sql: "PRAGMA schema_version = \(version + 1); PRAGMA writable_schema = OFF")
            try db.execute(sql: """
                DROP TABLE ledger_settings; DROP TABLE finding_reviews; DROP INDEX registrations_active_by_maturity;
                DROP TABLE status_totals; CREATE TABLE status_totals (ip_type TEXT NOT NULL, status TEXT NOT NULL, registrations INTEGER NOT NULL, amount_fen INTEGER NOT NULL, PRIMARY KEY (ip_type, status)) WITHOUT ROWID;
                INSERT INTO status_totals SELECT ip_type, status, count(*), sum(amount_fen) FROM registrations GROUP BY 1, 2;
                DROP TABLE user_credentials; DROP TABLE users; DROP TABLE proposals; DROP TABLE balance_days; DROP TABLE subsidy_lines; DROP TABLE subsidy_policies; DROP TABLE subsidy_payments; DROP TABLE pool_losses; DROP TABLE disposals; DROP TABLE pool_contributions; DROP TABLE pools; DELETE FROM group_totals WHERE dimension = 'puhui';
                DELETE FROM grdb_migrations WHERE identifier IN ('003_check_lists', '004_entry_kinds', '005_settings_reviews', '006_status_by_maturity', '007_users', '008_approvals', '009_balance_days', '010_subsidies', '011_pools', '012_puhui_dimension', '013_puhui_totals', '014_appraisal', '015_subsidy_lines')
                """)
        }
        let before = try t.raw().read { try Self.schemaText($0) }
        #expect(before.contains { $0.contains(" IN ('") }, "the test starts from the old text")
        let rows = try t.raw().read { db in try String.fetchAll(db, sql: "SELECT hash FROM entries ORDER BY seq") }
        #expect(throws: StoreError.olderSchema(path: t.path)) {
            try Ledger.open(at: t.path, readOnly: true, operatorName: "auditor")
        }
        let upgraded = try Ledger.open(at: t.path, readOnly: false, operatorName: "clerk")
        #expect(try t.raw().read { try Self.schemaText($0) } == fresh)
        #expect(try t.raw().read { db in try String.fetchAll(db, sql: "SELECT hash FROM entries ORDER BY seq") } == rows)
        #expect(try t.raw().read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        #expect(try upgraded.verify().isClean)
        _ = try upgraded.register(sampleRegistration("U2"))
        #expect(try upgraded.verify().isClean)
    }
}
