import GRDB
import PledgeCore

/// One data-quality finding of `pledge check`: the rule, the 登记号s, what is wrong and what to do.
public struct DataQualityFinding: Sendable, Equatable {
    public enum Rule: String, CaseIterable, Sendable {
        case doublePledge = "double-pledge"
        case maturityPastPatentTerm = "maturity-past-patent-term"
        case maturityBeforeRegistration = "maturity-before-registration"
        case likelyDuplicate = "likely-duplicate"
        case usccOverride = "uscc-check-overridden"
    }

    public var rule: Rule
    public var regNos: [String]
    public var detail: String
    public var action: String
}

/// The checks an auditor runs over the whole ledger (DESIGN.md "Data-quality checks").
/// Void registrations are ignored by every rule.
enum DataQualityChecks {
    static func run(_ db: Database) throws -> [DataQualityFinding] {
        try doublePledges(db) + patentTerms(db) + maturityBeforeRegistration(db) + likelyDuplicates(db) + usccOverrides(db)
    }

    /// The same right in two registrations whose active periods overlap. A registration is active from its
    /// date until its release date (if released) — a defaulted pledge still binds the right.
    static func doublePledges(_ db: Database) throws -> [DataQualityFinding] {
        try Row.fetchAll(db, sql: """
            SELECT r1.ip_number AS ip, a.reg_no AS first, b.reg_no AS second, a.reg_date AS d1, b.reg_date AS d2
            FROM registration_rights r1
            JOIN registration_rights r2 ON r2.ip_number = r1.ip_number AND r2.reg_no > r1.reg_no
            JOIN registrations a ON a.reg_no = r1.reg_no
            JOIN registrations b ON b.reg_no = r2.reg_no
            WHERE a.status <> 'void' AND b.status <> 'void'
              AND a.reg_date < coalesce(CASE WHEN b.status = 'released' THEN b.status_date END, '9999-12-31')
              AND b.reg_date < coalesce(CASE WHEN a.status = 'released' THEN a.status_date END, '9999-12-31')
            ORDER BY r1.ip_number, a.reg_no, b.reg_no
            """).map { row in
            DataQualityFinding(rule: .doublePledge, regNos: [row["first"], row["second"]],
                               detail: "\(row["ip"] as String) is pledged by both while both are active (registered \(row["d1"] as String) and \(row["d2"] as String))",
                               action: "check with the registry which pledge is valid; release or void the other")
        }
    }

    /// Maturity after the patent's legal term: 发明 20 years from filing, 实用新型 10, 外观设计 15 (filed from
    /// 2021-06-01) or 10. Only the filing year is in the number, so the term is counted to the end of that
    /// year (and 2021 designs get 15 years): only certain findings are reported.
    static func patentTerms(_ db: Database) throws -> [DataQualityFinding] {
        var findings: [DataQualityFinding] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT rr.ip_number, r.reg_no, r.maturity FROM registration_rights rr JOIN registrations r ON r.reg_no = rr.reg_no
            WHERE r.ip_type = 'patent' AND r.status <> 'void' AND r.maturity IS NOT NULL ORDER BY r.reg_no, rr.ip_number
            """)
        while let row = try rows.next() {
            guard let patent = try? PatentNumber(row["ip_number"]), let maturity = try? CivilDate.parse(row["maturity"]) else { continue }
            let year = patent.filingYear
            let filedLatest = CivilDate(year: year, month: 12, day: 31)!
            let term = patent.kind.termYears(filed: filedLatest)
            guard let expiry = filedLatest.adding(years: term), maturity > expiry else { continue }
            findings.append(DataQualityFinding(
                rule: .maturityPastPatentTerm, regNos: [row["reg_no"]],
                detail: "maturity \(maturity) is after the legal term of \(patent) (filed \(year), \(term) years: expires by \(expiry))",
                action: "confirm the maturity with the bank, or replace the expired right"))
        }
        return findings
    }

    static func maturityBeforeRegistration(_ db: Database) throws -> [DataQualityFinding] {
        try Row.fetchAll(db, sql: """
            SELECT reg_no, reg_date, maturity FROM registrations WHERE status <> 'void' AND maturity < reg_date ORDER BY reg_no
            """).map { row in
            DataQualityFinding(rule: .maturityBeforeRegistration, regNos: [row["reg_no"]],
                               detail: "maturity \(row["maturity"] as String) is before the registration date \(row["reg_date"] as String)",
                               action: "correct the maturity or the date (`pledge correct`)")
        }
    }

    static func likelyDuplicates(_ db: Database) throws -> [DataQualityFinding] {
        try Row.fetchAll(db, sql: """
            SELECT group_concat(reg_no, ';') AS regs, uscc, bank, reg_date, amount_fen FROM
              (SELECT * FROM registrations WHERE status <> 'void' ORDER BY reg_no)
            GROUP BY uscc, bank, reg_date, amount_fen HAVING count(*) > 1 ORDER BY reg_date, uscc
            """).map { row in
            DataQualityFinding(rule: .likelyDuplicate, regNos: (row["regs"] as String).split(separator: ";").map(String.init),
                               detail: "same enterprise \(row["uscc"] as String), bank \(row["bank"] as String), date \(row["reg_date"] as String) and amount \(Fen(row["amount_fen"]).wanDisplay) 万元",
                               action: "if one was entered twice, void it (`pledge void REG --reason …`)")
        }
    }

    static func usccOverrides(_ db: Database) throws -> [DataQualityFinding] {
        try Row.fetchAll(db, sql: """
            SELECT reg_no, uscc, enterprise FROM registrations WHERE status <> 'void' AND uscc_override = 1 ORDER BY reg_no
            """).map { row in
            DataQualityFinding(rule: .usccOverride, regNos: [row["reg_no"]],
                               detail: "USCC \(row["uscc"] as String) (\(row["enterprise"] as String)) was accepted with a wrong check character",
                               action: "confirm the code on the business licence; correct it if it was mistyped")
        }
    }
}

extension Ledger {
    public func dataQualityFindings() throws -> [DataQualityFinding] {
        try read { db in try DataQualityChecks.run(db) }
    }
}
