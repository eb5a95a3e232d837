import GRDB
import PledgeCore

/// One data-quality finding of `pledge check`: the rule, the 登记号s, and the facts that make it a finding (worded by
/// the CLI's catalog). `id` names it for `check ack`: the rule and what it is about.
public struct DataQualityFinding: Sendable, Equatable {
    public enum Rule: String, CaseIterable, Sendable {
        case doublePledge = "double-pledge"
        case maturityPastPatentTerm = "maturity-past-patent-term"
        case maturityBeforeRegistration = "maturity-before-registration"
        case maturedNotReleased = "matured-not-released"
        case likelyDuplicate = "likely-duplicate"
        case usccOverride = "uscc-check-overridden"
    }

    public enum Facts: Sendable, Equatable {
        /// The right and every registration holding it while another does, with their dates.
        case doublePledge(right: String, dates: [String])
        case pastPatentTerm(maturity: CivilDate, patent: String, filed: Int, years: Int, expiry: CivilDate)
        case maturityBeforeRegistration(maturity: String, regDate: String)
        case maturedNotReleased(maturity: String)
        case likelyDuplicate(uscc: String, bank: String, date: String, amount: Fen)
        case usccOverride(uscc: String, enterprise: String)
    }

    public var rule: Rule
    public var regNos: [String]
    public var facts: Facts

    /// `double-pledge:ZL201710601862.3`, `matured-not-released:Y2024…`, `likely-duplicate:Y1+Y2`.
    public var id: String {
        switch facts {
        case .doublePledge(let right, _): "\(rule.rawValue):\(right)"
        case .pastPatentTerm(_, let patent, _, _, _): "\(rule.rawValue):\(regNos[0]):\(patent)"
        default: "\(rule.rawValue):\(regNos.joined(separator: "+"))"
        }
    }
}

/// The checks an auditor runs over the whole ledger (DESIGN.md "Data-quality checks").
/// Void registrations are ignored by every rule.
enum DataQualityChecks {
    static func run(_ db: any SQLSession, asOf: CivilDate) throws -> [DataQualityFinding] {
        try doublePledges(db) + patentTerms(db) + maturityBeforeRegistration(db) + maturedNotReleased(db, asOf: asOf)
            + likelyDuplicates(db) + usccOverrides(db)
    }

    /// Active registrations whose maturity has passed: repaid and not released, extended and not recorded, or in default.
    static func maturedNotReleased(_ db: any SQLSession, asOf: CivilDate) throws -> [DataQualityFinding] {
        try SQLRow.fetchAll(db, sql: """
            SELECT reg_no, maturity FROM registrations WHERE status = 'active' AND maturity < ? ORDER BY maturity, reg_no
            """, arguments: [asOf.description]).map { row in
            DataQualityFinding(rule: .maturedNotReleased, regNos: [row["reg_no"]], facts: .maturedNotReleased(maturity: row["maturity"]))
        }
    }

    /// The same right in two registrations whose active periods overlap (active from its date until its release; a
    /// default still binds the right). Only rights held twice are joined to their registrations (at 2M rights 1.2 s,
    /// against 22.6 s for joining every right).
    static func doublePledges(_ db: any SQLSession) throws -> [DataQualityFinding] {
        let pairs = try SQLRow.fetchAll(db, sql: doublePledgeSQL(rights: """
            (SELECT ip_number FROM registration_rights GROUP BY ip_number HAVING count(*) > 1) shared
            JOIN registration_rights r1 ON r1.ip_number = shared.ip_number
            """))
        // One finding per right, listing every registration that holds it while another does (pairs come by right).
        var findings: [DataQualityFinding] = []
        var i = 0
        while i < pairs.count {
            let right: String = pairs[i]["ip"]
            var holders: [String: String] = [:]
            while i < pairs.count, (pairs[i]["ip"] as String).utf8.elementsEqual(right.utf8) {
                holders[pairs[i]["first"]] = pairs[i]["d1"]
                holders[pairs[i]["second"]] = pairs[i]["d2"]
                i += 1
            }
            let regNos = holders.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            findings.append(DataQualityFinding(rule: .doublePledge, regNos: regNos, facts: .doublePledge(right: right, dates: regNos.map { holders[$0]! })))
        }
        return findings
    }

    /// The double-pledge rule over the rights `r1` that `rights` (a FROM clause) yields: each pair of non-void
    /// registrations holding the same right whose active periods overlap.
    static func doublePledgeSQL(rights: String) -> String {
        """
        SELECT r1.ip_number AS ip, a.reg_no AS first, b.reg_no AS second, a.reg_date AS d1, b.reg_date AS d2
        FROM \(rights)
        JOIN registration_rights r2 ON r2.ip_number = r1.ip_number AND r2.reg_no > r1.reg_no
        JOIN registrations a ON a.reg_no = r1.reg_no
        JOIN registrations b ON b.reg_no = r2.reg_no
        WHERE a.status <> 'void' AND b.status <> 'void'
          AND a.reg_date < coalesce(CASE WHEN b.status = 'released' THEN b.status_date END, '9999-12-31')
          AND b.reg_date < coalesce(CASE WHEN a.status = 'released' THEN a.status_date END, '9999-12-31')
        ORDER BY r1.ip_number, a.reg_no, b.reg_no
        """
    }

    /// Maturity after the patent's legal term: 发明 20 years from filing, 实用新型 10, 外观设计 15 (filed from
    /// 2021-06-01) or 10. Only the filing year is in the number, so the term is counted to the end of that
    /// year (and 2021 designs get 15 years): only certain findings are reported.
    /// A registration's rights are its `ip_numbers` split at ';' (`audit verify` proves it): one scan, no join.
    static func patentTerms(_ db: any SQLSession) throws -> [DataQualityFinding] {
        var findings: [(regNo: String, patent: String, finding: DataQualityFinding)] = []
        try SQLRow.forEach(db, sql: """
            SELECT reg_no, ip_numbers, maturity FROM registrations
            WHERE ip_type = 'patent' AND status <> 'void' AND maturity IS NOT NULL
            """) { row in
            let regNo: String = row["reg_no"], numbers: String = row["ip_numbers"]
            guard let maturity = try? CivilDate.parse(row["maturity"]) else { return }
            for number in Registration.ipNumbers(joined: numbers) {
                guard let patent = try? PatentNumber(number) else { continue }
                let year = patent.filingYear
                let filedLatest = CivilDate(year: year, month: 12, day: 31)!
                let term = patent.kind.termYears(filed: filedLatest)
                guard let expiry = filedLatest.adding(years: term), maturity > expiry else { continue }
                findings.append((regNo, number, DataQualityFinding(rule: .maturityPastPatentTerm, regNos: [regNo],
                                                                    facts: .pastPatentTerm(maturity: maturity, patent: patent.canonical, filed: year,
                                                                                           years: term, expiry: expiry))))
            }
        }
        // By 登记号, then right, in byte order as SQLite's ORDER BY gave them.
        return findings.sorted { a, b in
            a.regNo.utf8.elementsEqual(b.regNo.utf8) ? a.patent.utf8.lexicographicallyPrecedes(b.patent.utf8)
                : a.regNo.utf8.lexicographicallyPrecedes(b.regNo.utf8)
        }.map(\.finding)
    }

    static func maturityBeforeRegistration(_ db: any SQLSession) throws -> [DataQualityFinding] {
        try SQLRow.fetchAll(db, sql: """
            SELECT reg_no, reg_date, maturity FROM registrations WHERE status <> 'void' AND maturity < reg_date ORDER BY reg_no
            """).map { row in
            DataQualityFinding(rule: .maturityBeforeRegistration, regNos: [row["reg_no"]],
                               facts: .maturityBeforeRegistration(maturity: row["maturity"], regDate: row["reg_date"]))
        }
    }

    /// Registrations with the same enterprise, bank, date and amount. The groups are found by one sort of those four
    /// columns (`NOT INDEXED`: through `registrations_by_uscc` SQLite would read each row at random, 7 s at 1M rows
    /// instead of 1.8 s), and only their rows are read whole.
    static func likelyDuplicates(_ db: any SQLSession) throws -> [DataQualityFinding] {
        let rows = try SQLRow.fetchAll(db, sql: """
            SELECT r.reg_no, r.uscc, r.bank, r.reg_date, r.amount_fen
            FROM (SELECT uscc, bank, reg_date, amount_fen FROM registrations NOT INDEXED WHERE status <> 'void'
                  GROUP BY uscc, bank, reg_date, amount_fen HAVING count(*) > 1) d
            JOIN registrations r ON r.uscc = d.uscc AND r.bank = d.bank AND r.reg_date = d.reg_date AND r.amount_fen = d.amount_fen
            WHERE r.status <> 'void'
            ORDER BY r.reg_date, r.uscc, r.bank, r.amount_fen, r.reg_no
            """)
        // A group is consecutive rows with the same four values, compared as bytes as SQLite grouped them (String's ==
        // would also join texts that are only canonically equivalent). Text holds no NUL (validated), so 0 separates.
        func group(_ r: SQLRow) -> [UInt8] {
            Array((r["uscc"] as String).utf8) + [0] + Array((r["bank"] as String).utf8) + [0] + Array((r["reg_date"] as String).utf8)
                + [0] + Array(String(r["amount_fen"] as Int64).utf8)
        }
        let groups = rows.map(group)
        var findings: [DataQualityFinding] = []
        var start = 0
        while start < rows.count {
            let first = rows[start]
            var end = start + 1
            while end < rows.count, groups[end] == groups[start] { end += 1 }
            findings.append(DataQualityFinding(rule: .likelyDuplicate, regNos: rows[start..<end].map { $0["reg_no"] },
                                               facts: .likelyDuplicate(uscc: first["uscc"], bank: first["bank"], date: first["reg_date"],
                                                                       amount: Fen(first["amount_fen"]))))
            start = end
        }
        return findings
    }

    static func usccOverrides(_ db: any SQLSession) throws -> [DataQualityFinding] {
        try SQLRow.fetchAll(db, sql: """
            SELECT reg_no, uscc, enterprise FROM registrations WHERE status <> 'void' AND uscc_override = 1 ORDER BY reg_no
            """).map { row in
            DataQualityFinding(rule: .usccOverride, regNos: [row["reg_no"]],
                               facts: .usccOverride(uscc: row["uscc"], enterprise: row["enterprise"]))
        }
    }
}

extension Ledger {
    /// Every finding; `asOf` is the day loans are matured by.
    public func dataQualityFindings(asOf: CivilDate) throws -> [DataQualityFinding] {
        try read { db in try DataQualityChecks.run(db, asOf: asOf) }
    }
}

/// A finding's review (`check ack`): why, and the entry that recorded it.
public struct FindingReview: Sendable, Equatable {
    public var reason: String
    public var seq: Int64
    public var `operator`: String
    public var at: String
}
