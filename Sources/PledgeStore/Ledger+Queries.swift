import GRDB
import PledgeCore

/// Reads that the CLI and the reports need. All money is summed in SQL as INTEGER fen.
extension Ledger {
    public func reference() throws -> ReferenceData {
        try read { db in
            let prefectures = try Row.fetchAll(db, sql: "SELECT code, name, short FROM prefectures ORDER BY code")
                .map { Prefecture(code: $0["code"], name: $0["name"], short: $0["short"]) }
            var parkAliases: [String: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT alias, park FROM park_aliases ORDER BY rowid") {
                parkAliases[row["park"], default: []].append(row["alias"])
            }
            let parks = try Row.fetchAll(db, sql: "SELECT name, prefecture_code, level FROM parks ORDER BY rowid").map {
                Park(name: $0["name"], aliases: parkAliases[$0["name"]] ?? [], prefectureCode: $0["prefecture_code"], level: $0["level"])
            }
            var bankAliases: [String: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT alias, bank FROM bank_aliases ORDER BY rowid") {
                bankAliases[row["bank"], default: []].append(row["alias"])
            }
            let banks = try Row.fetchAll(db, sql: "SELECT name FROM banks ORDER BY rowid").map {
                Bank(name: $0["name"], aliases: bankAliases[$0["name"]] ?? [])
            }
            return ReferenceData(prefectures: prefectures, parks: parks, banks: banks)
        }
    }

    public func registration(_ regNo: String) throws -> StoredRegistration? {
        try read { db in try StoredRegistration.fetch(db, regNo: regNo) }
    }

    /// Every journal entry about one 登记号, oldest first.
    public func history(_ regNo: String) throws -> [JournalEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT seq, at, operator, kind, reg_no, payload, prev_hash, hash FROM entries WHERE reg_no = ? ORDER BY seq",
                             arguments: [regNo]).map(Ledger.journalEntry)
        }
    }

    static func journalEntry(_ row: Row) throws -> JournalEntry {
        let payload: String = row["payload"]
        let (header, event) = try CanonicalEntry.decode(payload: payload)
        return JournalEntry(seq: row["seq"], at: row["at"], operator: row["operator"], kind: header.kind,
                            regNo: row["reg_no"], late: header.late, event: event, payload: payload,
                            prevHash: row["prev_hash"], hash: row["hash"])
    }

    /// The last entry: `SEQ:HASH` identifies the whole journal up to it.
    public func head() throws -> AppendedEntry? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1")
                .map { AppendedEntry(seq: $0["seq"], hash: $0["hash"]) }
        }
    }

    public func targets() throws -> [Target] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, amount_fen, from_date, to_date, ip_type FROM targets ORDER BY seq").map { row in
                guard let from = try? CivilDate.parse(row["from_date"]), let to = try? CivilDate.parse(row["to_date"]) else {
                    throw LedgerDataError("target \(row["name"] as String) has unreadable dates")
                }
                return Target(name: row["name"], amount: Fen(row["amount_fen"]), from: from, to: to,
                              ipType: (row["ip_type"] as String?).flatMap(IPType.init(rawValue:)))
            }
        }
    }

    /// The named target, or the ledger's default: the first one set (by `init`, 50 亿元 patents 2021–2025).
    public func target(named name: String?) throws -> Target {
        let all = try targets()
        if let name {
            guard let t = all.first(where: { $0.name == name }) else { throw StoreError.targetMissing(name: name) }
            return t
        }
        guard let t = all.first else { throw StoreError.targetMissing(name: "(default)") }
        return t
    }

    /// Count and amount of non-void registrations dated `from`…`to` (inclusive), of `ipType` (nil: all types).
    /// Whole months come from `monthly_totals`; partial months at either end from `registrations`.
    public func statistic(from: CivilDate, to: CivilDate, ipType: IPType?) throws -> (registrations: Int, amount: Fen) {
        guard from <= to else { return (0, .zero) }
        return try read { db in try Ledger.statistic(db, from: from, to: to, ipType: ipType) }
    }

    static func statistic(_ db: Database, from: CivilDate, to: CivilDate, ipType: IPType?) throws -> (registrations: Int, amount: Fen) {
        let typeClause = ipType == nil ? "" : " AND ip_type = ?"
        let typeArg: StatementArguments = ipType.map { [$0.rawValue] } ?? []
        var count = 0
        var amount: Int64 = 0
        func addDays(_ a: CivilDate, _ b: CivilDate) throws {
            guard a <= b else { return }
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, coalesce(sum(amount_fen), 0) AS fen FROM registrations
                WHERE reg_date BETWEEN ? AND ? AND status <> 'void'\(typeClause)
                """, arguments: [a.description, b.description] + typeArg)!
            count += row["n"]
            amount += row["fen"]
        }
        let firstFull = from.day == 1 ? from.yearMonth : from.yearMonth.advanced(by: 1)
        let lastFull = to.isLastDayOfMonth ? to.yearMonth : to.yearMonth.advanced(by: -1)
        if firstFull <= lastFull {
            let row = try Row.fetchOne(db, sql: """
                SELECT coalesce(sum(registrations), 0) AS n, coalesce(sum(amount_fen), 0) AS fen FROM monthly_totals
                WHERE month BETWEEN ? AND ?\(typeClause)
                """, arguments: [firstFull.description, lastFull.description] + typeArg)!
            count += row["n"]
            amount += row["fen"]
            try addDays(from, firstFull.firstDay.adding(days: -1)!)
            try addDays(lastFull.lastDay.adding(days: 1)!, to)
        } else {
            try addDays(from, to)
        }
        return (count, Fen(amount))
    }

    /// TargetProgress against `target` counted up to `asOf`.
    public func progress(target: Target, asOf: CivilDate) throws -> TargetProgress {
        try read { db in
            let countedTo = min(target.to, asOf)
            let achieved = try Ledger.statistic(db, from: target.from, to: countedTo, ipType: target.ipType)
            let trailingFrom = asOf.adding(years: -1)!.adding(days: 1)!
            let trailing = try Ledger.statistic(db, from: trailingFrom, to: asOf, ipType: target.ipType)
            var reachedIn: YearMonth?
            if achieved.amount >= target.amount {
                // The first month whose cumulative amount reaches the target.
                var cumulative: Int64 = 0
                var month = target.from.yearMonth
                while month <= countedTo.yearMonth {
                    let a = max(target.from, month.firstDay), b = min(countedTo, month.lastDay)
                    cumulative += try Ledger.statistic(db, from: a, to: b, ipType: target.ipType).amount.value
                    if cumulative >= target.amount.value { reachedIn = month; break }
                    month = month.advanced(by: 1)
                }
            }
            return TargetProgress(target: target, asOf: asOf, achieved: achieved.amount, registrations: achieved.registrations,
                            trailing12Months: trailing.amount, reachedIn: reachedIn)
        }
    }
}
