import Foundation
import GRDB
import Testing
import PledgeCore
@testable import PledgeStore

@Suite("audit verify: takes intact ledgers, refuses every tampering")
struct VerifierTests {
    /// Every kind of entry: registrations (one with two rights, one late), corrections of amount, date,
    /// enterprise and rights, void, release, default, extension, a second target, a closed period.
    func everything(_ backend: Backend = .sqlite) throws -> TemporaryLedger {
        let t = try TemporaryLedger(backend: backend)
        for i in 0..<12 {
            var r = sampleRegistration("Q\(i)", date: "202\(1 + i % 5)-0\(1 + i % 9)-1\(i % 9)", amountWan: Int64(10 + i),
                                       park: i % 3 == 0 ? nil : "兰州新区", type: i % 4 == 3 ? .trademark : .patent)
            if i == 5 { r.ipNumbers = ["ZL201710601862.3", "ZL201410362077.3"]; r.uscc = "91620100MA7100000A" }
            _ = try t.ledger.register(r)
        }
        _ = try t.ledger.correct("Q1", reason: "金额") { s in var r = s.registration; r.amount = Fen(123_456_789); return r }
        _ = try t.ledger.correct("Q2", reason: "日期") { s in var r = s.registration; r.regDate = CivilDate(year: 2020, month: 7, day: 1)!; return r }
        _ = try t.ledger.correct("Q4", reason: "企业") { s in var r = s.registration; r.uscc = "91620100MA7100000A"; r.enterprise = "甘肃另一家公司"; return r }
        _ = try t.ledger.correct("Q5", reason: "专利") { s in var r = s.registration; r.ipNumbers = ["ZL201710601862.3"]; return r }
        _ = try t.ledger.void("Q6", reason: "重复")
        // The only copyright registration, voided: its (copyright, active) row in status_totals goes.
        var copyright = sampleRegistration("Q-copy", date: "2024-05-05", amountWan: 3, type: .copyright)
        copyright.ipNumbers = ["2023SR0123456"]
        _ = try t.ledger.register(copyright)
        _ = try t.ledger.void("Q-copy", reason: "作废")
        _ = try t.ledger.release("Q0", date: CivilDate(year: 2022, month: 1, day: 1)!, reason: .repaid)
        _ = try t.ledger.markDefault("Q7", date: CivilDate(year: 2025, month: 12, day: 31)!)
        _ = try t.ledger.extend("Q8", maturity: CivilDate(year: 2031, month: 1, day: 1)!)
        _ = try t.ledger.setTarget(Target(name: "all-2023", amount: Fen(100_000_000), from: CivilDate(year: 2023, month: 1, day: 1)!,
                                          to: CivilDate(year: 2023, month: 12, day: 31)!, ipType: nil))
        _ = try t.ledger.closePeriod(YearMonth(year: 2023, month: 8)!, today: CivilDate(year: 2026, month: 1, day: 1)!)
        _ = try t.ledger.register(sampleRegistration("Q-late", date: "2023-08-20", amountWan: 7), late: true)
        _ = try t.ledger.register(sampleRegistration("Q-late2", date: "2023-07-20", amountWan: 5), late: true, reason: "银行补报")
        _ = try t.ledger.reopenPeriod(YearMonth(year: 2023, month: 7)!, reason: "重新核对")
        _ = try t.ledger.closePeriod(YearMonth(year: 2023, month: 8)!, today: CivilDate(year: 2026, month: 1, day: 1)!)
        _ = try t.ledger.setTarget(Target(name: "gone", amount: Fen(100), from: CivilDate(year: 2023, month: 1, day: 1)!,
                                          to: CivilDate(year: 2023, month: 12, day: 31)!, ipType: .patent))
        _ = try t.ledger.setDefaultTarget("all-2023")
        _ = try t.ledger.removeTarget("gone", reason: "不再统计")
        _ = try t.ledger.acknowledge(finding: "double-pledge:ZL201710601862.3", reason: "已核实：前一笔已注销")
        return t
    }

    /// The verification's report when it proves the ledger intact, nil when it has findings.
    func quick(_ t: TemporaryLedger, expectHead: (seq: Int64, hash: String)? = nil) throws -> AuditReport? {
        let report = try t.ledger.verify(expectHead: expectHead)
        return report.isClean ? report : nil
    }

    @Test("an edited hash, link or payload is refused wherever it is in the journal",
          arguments: [
            "",
            // Only recomputing the hash can tell: the last entry's, and one whose successor's link was changed with it.
            "DROP TRIGGER entries_no_update; UPDATE entries SET hash = (CASE substr(hash, 1, 1) WHEN 'f' THEN 'e' ELSE 'f' END) || substr(hash, 2) WHERE seq = (SELECT max(seq) FROM entries)",
            """
            DROP TRIGGER entries_no_update; UPDATE entries SET hash = (CASE substr(hash, 1, 1) WHEN 'f' THEN 'e' ELSE 'f' END) || substr(hash, 2) WHERE seq = 300;
            UPDATE entries SET prev_hash = (SELECT hash FROM entries WHERE seq = 300) WHERE seq = 301
            """,
            "DROP TRIGGER entries_no_update; UPDATE entries SET payload = payload || ' ' WHERE seq = 9",
            "DROP TRIGGER entries_no_update; UPDATE entries SET prev_hash = hash WHERE seq = 4",
          ])
    func editedJournal(sql: String) throws {
        let t = try everything()
        // More than one batch (256 entries), so that a batch boundary is crossed.
        for i in 0..<300 { _ = try t.ledger.register(sampleRegistration("H\(i)", date: "2024-03-0\(1 + i % 9)", amountWan: Int64(1 + i))) }
        if !sql.isEmpty { try t.raw().writeWithoutTransaction { try $0.execute(sql: sql) } }
        #expect((try quick(t) != nil) == sql.isEmpty)
    }

    @Test("an intact ledger with every kind of entry is proved, with the journal's head", arguments: Backend.allCases)
    func provesIntact(_ backend: Backend) throws {
        let t = try everything(backend)
        #expect(try t.ledger.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM status_totals WHERE ip_type = 'copyright' AND status = 'active'") } == 0)
        #expect(try t.ledger.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM period_totals") } ?? 0 > 0)
        let head = try #require(try t.ledger.head())
        let result = try #require(try quick(t))
        #expect(result.entries == Int64(try t.entryCount()))
        #expect(result.head == head)
        let fifth = try t.ledger.read { try String.fetchOne($0, sql: "SELECT hash FROM entries WHERE seq = 5")! }
        #expect(try quick(t, expectHead: (5, fifth)) != nil)
        #expect(try quick(t, expectHead: (head.seq, String(repeating: "0", count: 64))) == nil)
        #expect(try t.ledger.verify().isClean)
    }

    @Test("group totals summed on bytes: every combination of park, prefecture, bank, IP type and flags is proved, and any one group_totals row off by one is refused")
    func groupTotalsOnBytes() throws {
        let t = try TemporaryLedger()
        let parks: [String?] = [nil, "兰州新区", "兰州高新技术产业开发区"]
        for i in 0..<96 {
            var r = sampleRegistration("G\(i)", date: "202\(2 + i % 3)-0\(1 + i % 4)-1\(i % 7)", amountWan: Int64(1 + i),
                                       park: parks[i % 3], type: i % 5 == 4 ? .trademark : .patent)
            r.rywq = i % 2 == 0
            r.firstLoan = i % 4 < 2
            r.bank = i % 3 == 1 ? "中国工商银行" : "兰州银行"
            if r.park == nil && i % 6 == 0 { r.prefectureCode = "620500" }
            _ = try t.ledger.register(r)
        }
        #expect(try quick(t) != nil)
        let keys = try t.raw().read { db in
            try Row.fetchAll(db, sql: "SELECT dimension, grp, month, ip_type, status FROM group_totals").map {
                [$0[0] as String, $0[1] as String, $0[2] as String, $0[3] as String, $0[4] as String]
            }
        }
        #expect(Set(keys.map { $0[0] }) == Set(GroupDimension.allCases.map(\.rawValue)))
        #expect(Set(keys.filter { $0[0] == "rywq" }.map { $0[1] }) == ["0", "1"])
        #expect(Set(keys.filter { $0[0] == "first_loan" }.map { $0[1] }) == ["0", "1"])
        for k in keys {
            try t.raw().writeWithoutTransaction { db in
                try db.execute(sql: "UPDATE group_totals SET amount_fen = amount_fen + 1 WHERE dimension = ? AND grp = ? AND month = ? AND ip_type = ? AND status = ?",
                               arguments: StatementArguments(k))
            }
            #expect(try quick(t) == nil, "group_totals \(k) changed")
            try t.raw().writeWithoutTransaction { db in
                try db.execute(sql: "UPDATE group_totals SET amount_fen = amount_fen - 1 WHERE dimension = ? AND grp = ? AND month = ? AND ip_type = ? AND status = ?",
                               arguments: StatementArguments(k))
            }
        }
        #expect(try quick(t) != nil)
    }

    @Test("each tampering is refused", arguments: [
        "UPDATE registrations SET amount_fen = amount_fen + 1 WHERE reg_no = 'Q3'",
        "UPDATE registrations SET notes = 'x' WHERE reg_no = 'Q9'",
        "UPDATE registrations SET status = 'active' WHERE reg_no = 'Q6'",
        "UPDATE registrations SET late = 0 WHERE reg_no = 'Q-late'",
        "UPDATE registrations SET updated_seq = updated_seq + 1 WHERE reg_no = 'Q8'",
        "UPDATE registrations SET ip_numbers = 'ZL201710601862.3' WHERE reg_no = 'Q5' AND 0",
        "DELETE FROM registrations WHERE reg_no = 'Q11'",
        "UPDATE registrations SET ip_numbers = ip_numbers || ';' WHERE reg_no = 'Q3'",
        "UPDATE registrations SET ip_numbers = ';' || ip_numbers WHERE reg_no = 'Q5'",
        "UPDATE registrations SET rywq = 2 WHERE reg_no = 'Q9'",
        "UPDATE registrations SET bank = bank || X'FF' WHERE reg_no = 'Q10'",
        "UPDATE registrations SET reg_date = '2022-02-1' WHERE reg_no = 'Q11'",
        "DROP TRIGGER entries_no_update; UPDATE entries SET kind = CAST(kind AS BLOB) WHERE seq = 5",
        "DELETE FROM registration_rights WHERE reg_no = 'Q3'",
        "INSERT INTO registration_rights(ip_number, reg_no) VALUES ('ZL201410362077.3', 'Q3')",
        "UPDATE enterprises SET name = '改过的名字' WHERE uscc = '91620100MA7100000A'",
        "UPDATE enterprises SET name = CAST(name AS BLOB) WHERE uscc = '91620100MA7100000A'",
        "DELETE FROM enterprises WHERE uscc = '91620100MA7100000A'",
        "INSERT INTO enterprises(uscc, name) VALUES ('91620100MA7100001X', '影子企业')",
        "INSERT INTO target_enterprises(target, uscc, registrations) VALUES ('all-2023', '91620100MA7100001X', 1)",
        "UPDATE target_enterprises SET registrations = registrations + 1 WHERE target = 'all-2023'",
        "UPDATE registrations SET notes = CAST('x' AS BLOB) WHERE reg_no = 'Q10'",
        "UPDATE monthly_totals SET amount_fen = amount_fen + 1 WHERE month = (SELECT min(month) FROM monthly_totals)",
        "UPDATE status_totals SET registrations = registrations + 1 WHERE status = 'void'",
        "INSERT INTO status_totals VALUES ('copyright', 'active', '', 0, 0)",
        "UPDATE status_totals SET maturity_month = '2099-01' WHERE maturity_month = (SELECT max(maturity_month) FROM status_totals)",
        "UPDATE group_totals SET registrations = registrations + 1 WHERE dimension = 'first_loan'",
        "UPDATE group_totals SET grp = CAST(grp AS BLOB) WHERE dimension = 'park' AND grp <> ''",
        "UPDATE monthly_totals SET bank = CAST(bank AS BLOB) WHERE month = (SELECT min(month) FROM monthly_totals)",
        "UPDATE monthly_totals SET rywq = 'x' WHERE month = (SELECT min(month) FROM monthly_totals)",
        "UPDATE monthly_totals SET rywq = 2 WHERE month = (SELECT min(month) FROM monthly_totals) AND rywq = 1",
        // A row missing, a row no registration implies, a key with a trailing byte (the monthly totals compare on bytes).
        "DELETE FROM monthly_totals WHERE month = (SELECT max(month) FROM monthly_totals)",
        "INSERT INTO monthly_totals VALUES ('2019-01', 'patent', '', '', '兰州银行', 0, 0, 1, 100)",
        "UPDATE monthly_totals SET park = park || ' ' WHERE month = (SELECT min(month) FROM monthly_totals)",
        "UPDATE status_totals SET amount_fen = 'many' WHERE status = 'void'",
        "UPDATE parks SET name = CAST(name AS BLOB) WHERE name = '兰州新区'",
        "DELETE FROM target_enterprises WHERE target = 'all-2023'",
        "UPDATE targets SET enterprises = enterprises + 1 WHERE name = 'all-2023'",
        "UPDATE targets SET to_date = '2023-12-30' WHERE name = 'all-2023'",
        "UPDATE periods SET amount_fen = amount_fen + 1",
        "DELETE FROM period_totals",
        "INSERT INTO banks(name) VALUES ('影子银行')",
        "UPDATE park_aliases SET park = '兰州新区' WHERE rowid = 1",
        "DROP TRIGGER entries_no_update; UPDATE entries SET payload = replace(payload, '\"amountFen\":13000000', '\"amountFen\":13000001') WHERE reg_no = 'Q3'",
        "DROP TRIGGER entries_no_update; UPDATE entries SET operator = 'someone' WHERE seq = 5",
        "DROP TRIGGER entries_no_update; UPDATE entries SET hash = (CASE substr(hash, 1, 1) WHEN 'f' THEN 'e' ELSE 'f' END) || substr(hash, 2) WHERE seq = 7",
        "DROP TRIGGER entries_no_delete; DELETE FROM entries WHERE seq = (SELECT max(seq) FROM entries) - 1",
    ])
    func refusesTampering(sql: String) throws {
        let t = try everything()
        let changed = try t.raw().writeWithoutTransaction { db in
            // A tamperer can switch the schema's guards off.
            try db.execute(sql: "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON")
            let before = db.totalChangesCount
            try db.execute(sql: sql)
            return db.totalChangesCount - before
        }
        if sql.hasSuffix("AND 0") {
            // The control case: a statement that changes nothing leaves the ledger provably intact.
            #expect(changed == 0)
            #expect(try quick(t) != nil)
            return
        }
        // The tampering must really change a row (a hash edit that happened to keep its bytes once made this flaky).
        #expect(changed > 0)
        #expect(try quick(t) == nil)
    }
}

extension VerifierTests {
    @Test("any single cell of a registration edited (value, empty, NULL, another storage type) is refused",
          arguments: ["Q3", "Q1"]) // registered once, and corrected since (replayed from its entries)
    func everyCell(regNo: String) throws {
        let t = try everything()
        let columns = try t.raw().read { db in
            try Row.fetchAll(db, sql: "SELECT name, \"notnull\" AS required FROM pragma_table_info('registrations')")
                .map { (name: $0["name"] as String, required: $0["required"] as Bool) }
        }
        #expect(columns.count == 28)
        let rowid = try #require(try t.raw().read { try Int64.fetchOne($0, sql: "SELECT rowid FROM registrations WHERE reg_no = ?", arguments: [regNo]) })
        var edits = 0
        for column in columns {
            let original = try t.raw().read { db in
                try DatabaseValue.fetchOne(db, sql: "SELECT \(column.name) FROM registrations WHERE rowid = ?", arguments: [rowid])!
            }
            var candidates: [(label: String, sql: String, arguments: StatementArguments)] = []
            switch original.storage {
            case .string(let text):
                candidates.append(("appended", "?", [text + "x"]))
                candidates.append(("padded", "?", [" " + text]))
                candidates.append(("as a blob", "CAST(? AS BLOB)", [text]))
                if !text.isEmpty { candidates.append(("emptied", "''", [])) }
            case .int64(let n):
                // (Numeric text stored into these INTEGER columns becomes an integer again: no other storage to try.)
                candidates.append(("plus one", "?", [n + 1]))
                candidates.append(("text", "'x'", []))
            case .null:
                candidates.append(("empty text", "''", []))
                candidates.append(("text", "'x'", []))
            default:
                Issue.record("unexpected storage of \(column.name)")
            }
            if !column.required, !original.isNull { candidates.append(("NULL", "NULL", [])) }
            for edit in candidates {
                try t.raw().writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON")
                    try db.execute(sql: "UPDATE registrations SET \(column.name) = \(edit.sql) WHERE rowid = ?", arguments: edit.arguments + [rowid])
                    #expect(db.changesCount == 1)
                }
                #expect(try quick(t) == nil, "\(regNo).\(column.name) \(edit.label)")
                // Back to the stored value (same storage type), which verify proves again.
                try t.raw().writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA foreign_keys = OFF")
                    try db.execute(sql: "UPDATE registrations SET \(column.name) = ? WHERE rowid = ?", arguments: [original, rowid])
                }
                #expect(try quick(t) != nil, "restored \(regNo).\(column.name)")
                edits += 1
            }
        }
        #expect(edits > 60)
    }
}
