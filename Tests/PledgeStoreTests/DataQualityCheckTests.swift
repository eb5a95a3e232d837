import Foundation
import GRDB
import PledgeCore
import Testing
@testable import PledgeStore

/// `pledge check`'s queries are shaped for a million rows (candidates first, one scan, no lookup per right); these
/// tests hold them equal to the plain statement of each rule on a ledger built to trip every rule many times.
@Suite("Data-quality checks against the plain joins")
struct DataQualityCheckTests {
    /// 300 registrations drawn from few patents, enterprises, banks, dates and amounts, so that double pledges,
    /// duplicates and patents past their term occur often; some voided, some released, some with several rights.
    static func trickyLedger(seed: UInt64, backend: Backend = .sqlite) throws -> TemporaryLedger {
        let t = try TemporaryLedger(backend: backend)
        var g = SeededGenerator(seed: seed)
        // Both forms (YY and YYYY), all three kinds, filing years from 1990 to 2023.
        let patents = ["90", "97", "03", "2008", "2012", "2015", "2019", "2023"].flatMap { year -> [String] in
            ["1", "2", "3", "8", "9"].flatMap { type in
                // 480 numbers for about 600 rights: most held once, many twice, some three times or more.
                (10..<22).map { serial in
                    let digits = year + type + (year.count == 4 ? "00000" : "000") + String(serial)
                    return "ZL" + digits + "." + String(PatentNumber.checkCharacter(for: digits))
                }
            }
        }.map { try! PatentNumber($0).canonical }
        let shortYears = patents.map { try! PatentNumber($0) }.filter { $0.digits.count == 8 }
        #expect(!shortYears.isEmpty)
        for i in 0..<300 {
            let rights = (0..<g.int(1...3)).map { _ in g.pick(patents) }
            var unique: [String] = []
            for n in rights where !unique.contains(n) { unique.append(n) }
            let date = try CivilDate.parse(g.pick(["2021-03-05", "2021-03-06", "2022-07-01", "2023-01-10"]))
            let r = Registration(regNo: "Q-\(g.int(0...9))\(String(format: "%03d", i))", regDate: date, uscc: sampleUSCC(g.int(0...3)),
                                 enterprise: "企业\(g.int(0...3))", bank: g.pick(["兰州银行", "甘肃银行"]),
                                 amount: Fen(Int64(g.pick([50, 70])) * MoneyUnit.wan.fenPerUnit), ipType: .patent, ipNumbers: unique,
                                 maturity: g.int(0...4) == 0 ? nil : try CivilDate.parse(g.pick(["2021-01-01", "2024-12-31", "2031-06-30", "2045-01-01"])))
            _ = try t.ledger.register(r, late: false, reason: "test", allowDoublePledge: true)
            switch g.int(0...9) {
            case 0: _ = try t.ledger.void(r.regNo, reason: "test")
            case 1: _ = try t.ledger.release(r.regNo, date: date.adding(days: g.int(1...400))!, reason: .repaid)
            case 2: _ = try t.ledger.markDefault(r.regNo, date: date.adding(days: 300)!)
            default: break
            }
        }
        return t
    }

    /// Each rule as first written: the joins of every right with its registrations, the duplicates by one GROUP BY.
    static func plainFindings(_ db: Database) throws -> [DataQualityFinding] {
        // Every right joined (the rule's shared text, without the candidates' pass).
        // One finding per right: every registration in any overlapping pair, by 登记号.
        var holders: [(right: String, dates: [String: String])] = []
        for row in try Row.fetchAll(db, sql: DataQualityChecks.doublePledgeSQL(rights: "registration_rights r1")) {
            let right: String = row["ip"]
            if holders.last?.right != right { holders.append((right, [:])) }
            holders[holders.count - 1].dates[row["first"]] = row["d1"]
            holders[holders.count - 1].dates[row["second"]] = row["d2"]
        }
        let double = holders.map { right, dates in
            let regNos = dates.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return DataQualityFinding(rule: .doublePledge, regNos: regNos, facts: .doublePledge(right: right, dates: regNos.map { dates[$0]! }))
        }
        var terms: [DataQualityFinding] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT rr.ip_number, r.reg_no, r.maturity FROM registration_rights rr JOIN registrations r ON r.reg_no = rr.reg_no
            WHERE r.ip_type = 'patent' AND r.status <> 'void' AND r.maturity IS NOT NULL ORDER BY r.reg_no, rr.ip_number
            """) {
            let patent = try PatentNumber(row["ip_number"]), maturity = try CivilDate.parse(row["maturity"])
            // The term as the rule states it, from the digits as Characters.
            let digits = Array(patent.digits)
            let year = digits.count == 12 ? Int(String(digits[0..<4]))! : (Int(String(digits[0..<2]))! >= 85 ? 1900 : 2000) + Int(String(digits[0..<2]))!
            let type = digits[digits.count == 12 ? 4 : 2]
            let filed = CivilDate(year: year, month: 12, day: 31)!
            let years = "18".contains(type) ? 20 : "29".contains(type) ? 10 : (filed >= CivilDate(year: 2021, month: 6, day: 1)! ? 15 : 10)
            let expiry = filed.adding(years: years)!
            guard maturity > expiry else { continue }
            terms.append(DataQualityFinding(rule: .maturityPastPatentTerm, regNos: [row["reg_no"]],
                                            facts: .pastPatentTerm(maturity: maturity, patent: patent.canonical, filed: year, years: years, expiry: expiry)))
        }
        let duplicates = try Row.fetchAll(db, sql: """
            SELECT group_concat(reg_no, ';') AS regs, uscc, bank, reg_date, amount_fen FROM
              (SELECT * FROM registrations WHERE status <> 'void' ORDER BY reg_no)
            GROUP BY uscc, bank, reg_date, amount_fen HAVING count(*) > 1 ORDER BY reg_date, uscc, bank, amount_fen
            """).map { row in
            DataQualityFinding(rule: .likelyDuplicate, regNos: (row["regs"] as String).split(separator: ";").map(String.init),
                               facts: .likelyDuplicate(uscc: row["uscc"], bank: row["bank"], date: row["reg_date"], amount: Fen(row["amount_fen"])))
        }
        let matured = try Row.fetchAll(db, sql: "SELECT reg_no, maturity FROM registrations WHERE status = 'active' AND maturity < '2026-01-01'")
            .sorted { ($0["maturity"] as String, $0["reg_no"] as String) < ($1["maturity"] as String, $1["reg_no"] as String) }
            .map { DataQualityFinding(rule: .maturedNotReleased, regNos: [$0["reg_no"]], facts: .maturedNotReleased(maturity: $0["maturity"])) }
        return try double + terms + DataQualityChecks.maturityBeforeRegistration(db) + matured + duplicates + DataQualityChecks.usccOverrides(db)
    }

    @Test("the findings equal the plain joins', finding for finding and in the same order", arguments: [1, 2, 3] as [UInt64])
    func sameAsPlainJoins(seed: UInt64) throws {
        let t = try Self.trickyLedger(seed: seed)
        let asOf = CivilDate(year: 2026, month: 1, day: 1)!
        let fast = try t.ledger.read { db in try DataQualityChecks.run(db, asOf: asOf) }
        let plain = try t.raw().read { db in try Self.plainFindings(db) }
        #expect(fast == plain)
        // The ledger trips every rule that it was built to trip, more than once.
        for rule in [DataQualityFinding.Rule.doublePledge, .maturityPastPatentTerm, .likelyDuplicate, .maturedNotReleased] {
            #expect(fast.filter { $0.rule == rule }.count > 3, "\(rule)")
        }
        #expect(fast.contains { $0.rule == .likelyDuplicate && $0.regNos.count > 2 })
        #expect(fast.contains { $0.rule == .doublePledge && $0.regNos.count > 2 }, "a right held three times is one finding")
        // Rights held by exactly two registrations and by more (the candidates' count is not an off-by-one).
        let holders = try t.ledger.read { db in
            try Int.fetchAll(db, sql: "SELECT count(*) FROM registration_rights GROUP BY ip_number")
        }
        #expect(holders.contains(2) && holders.contains { $0 > 2 } && holders.contains(1))
    }

    @Test("PostgreSQL finds what SQLite finds, finding for finding and in the same order")
    func sameOnBothBackends() throws {
        let asOf = CivilDate(year: 2026, month: 1, day: 1)!
        let (lite, pg) = (try Self.trickyLedger(seed: 2), try Self.trickyLedger(seed: 2, backend: .postgres))
        let findings = try [lite, pg].map { t in try t.ledger.read { db in try DataQualityChecks.run(db, asOf: asOf) } }
        #expect(findings[0].count > 12)
        #expect(findings[0] == findings[1])
    }
}
