import GRDB
import PledgeCore

/// Reads that the CLI and the reports need. All money is summed in SQL as INTEGER fen.
extension Ledger {
    public func reference() throws -> ReferenceData {
        try read { db in
            let prefectures = try SQLRow.fetchAll(db, sql: "SELECT code, name, short FROM prefectures ORDER BY code")
                .map { Prefecture(code: $0["code"], name: $0["name"], short: $0["short"]) }
            var parkAliases: [String: [String]] = [:]
            for row in try SQLRow.fetchAll(db, sql: "SELECT alias, park FROM park_aliases ORDER BY rowid") {
                parkAliases[row["park"], default: []].append(row["alias"])
            }
            let parks = try SQLRow.fetchAll(db, sql: "SELECT name, prefecture_code, level FROM parks ORDER BY rowid").map {
                Park(name: $0["name"], aliases: parkAliases[$0["name"]] ?? [], prefectureCode: $0["prefecture_code"], level: $0["level"])
            }
            var bankAliases: [String: [String]] = [:]
            for row in try SQLRow.fetchAll(db, sql: "SELECT alias, bank FROM bank_aliases ORDER BY rowid") {
                bankAliases[row["bank"], default: []].append(row["alias"])
            }
            let banks = try SQLRow.fetchAll(db, sql: "SELECT name FROM banks ORDER BY rowid").map {
                Bank(name: $0["name"], aliases: bankAliases[$0["name"]] ?? [])
            }
            return ReferenceData(prefectures: prefectures, parks: parks, banks: banks)
        }
    }

    public func registration(_ regNo: String) throws -> RegistrationState? {
        try read { db in try RegistrationState.fetch(db, regNo: regNo) }
    }

    /// Every journal entry about one 登记号, oldest first.
    public func history(_ regNo: String) throws -> [JournalEntry] {
        try read { db in
            try SQLRow.fetchAll(db, sql: "SELECT seq, at, operator, kind, reg_no, payload, prev_hash, hash FROM entries WHERE reg_no = ? ORDER BY seq",
                             arguments: [regNo]).map { row in
                var entry = try Ledger.journalEntry(row)
                if ProposedChange.kinds.contains(entry.kind) { entry.approval = try Ledger.approval(ofEntry: entry.seq, db) }
                return entry
            }
        }
    }

    static func journalEntry(_ row: SQLRow) throws -> JournalEntry {
        let payload: String = row["payload"]
        let (header, event) = try CanonicalEntry.decode(payload: payload)
        return JournalEntry(seq: row["seq"], at: row["at"], operator: row["operator"], kind: header.kind,
                            regNo: row["reg_no"], late: header.late, reason: header.reason, event: event, payload: payload,
                            prevHash: row["prev_hash"], hash: row["hash"])
    }

    /// The last entry: `SEQ:HASH` identifies the whole journal up to it.
    public func head() throws -> AppendedEntry? {
        try read { db in
            try SQLRow.fetchOne(db, sql: "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1")
                .map { AppendedEntry(seq: $0["seq"], hash: $0["hash"]) }
        }
    }

    public func targets() throws -> [Target] {
        try read { db in try ProjectionWriter.targets(db) }
    }

    /// The named target, or the ledger's default: the first one set (by `init`, 50 亿元 patents 2021–2025).
    public func target(named name: String?) throws -> Target {
        let all = try targets()
        if let name {
            guard let t = all.first(where: { $0.name == name }) else { throw StoreError.targetMissing(name: name) }
            return t
        }
        let chosen = try read { db in try String.fetchOne(db, sql: "SELECT value FROM ledger_settings WHERE key = 'default_target'") }
        guard let t = all.first(where: { $0.name == chosen }) ?? all.first else { throw StoreError.targetMissing(name: "(default)") }
        return t
    }

    public func findingReviews() throws -> [String: FindingReview] {
        try read { db in
            let rows = try SQLRow.fetchAll(db, sql: """
                SELECT r.finding, r.reason, r.seq, e.operator, e.at FROM finding_reviews r JOIN entries e ON e.seq = r.seq
                """)
            return Dictionary(rows.map { ($0["finding"], FindingReview(reason: $0["reason"], seq: $0["seq"], operator: $0["operator"], at: $0["at"])) },
                              uniquingKeysWith: { a, _ in a })
        }
    }

    /// Count and amount of non-void registrations dated `from`…`to` (inclusive), of `ipType` (nil: all types).
    /// Whole months come from `group_totals`; partial months at either end from `registrations`.
    public func statistic(from: CivilDate, to: CivilDate, ipType: IPType?) throws -> (registrations: Int, amount: Fen) {
        guard from <= to else { return (0, .zero) }
        return try read { db in try Ledger.statistic(db, from: from, to: to, ipType: ipType) }
    }

    /// `scope`: the one park or prefecture counted (a scoped target's), nil for all.
    static func statistic(_ db: any SQLSession, from: CivilDate, to: CivilDate, ipType: IPType?,
                          scope: (dimension: GroupDimension, group: String)? = nil) throws -> (registrations: Int, amount: Fen) {
        let total = try groupedStatistic(db, from: from, to: to, ipType: ipType, by: scope?.dimension ?? .all)[scope?.group ?? ""]
        return (total?.registrations ?? 0, total?.amount ?? .zero)
    }

    /// Count and amount of non-void registrations dated `from`…`to` of `ipType` (nil: all), per group of
    /// `dimension`. Whole months come from `group_totals`, partial months at either end from `registrations`,
    /// so the cost does not grow with the ledger.
    static func groupedStatistic(_ db: any SQLSession, from: CivilDate, to: CivilDate, ipType: IPType?,
                                 by dimension: GroupDimension) throws -> [String: (registrations: Int, amount: Fen)] {
        var result: [String: (registrations: Int, amount: Fen)] = [:]
        guard from <= to else { return result }
        let typeClause = ipType == nil ? "" : " AND ip_type = ?"
        let typeArg: SQLArguments = ipType.map { [$0.rawValue] } ?? []
        func add(_ rows: [SQLRow]) throws {
            for row in rows {
                let key: String = row["grp"]
                let old = result[key] ?? (0, .zero)
                result[key] = (old.registrations + (try row.totalCount("n")), old.amount + (try row.totalFen("fen")))
            }
        }
        let span = MonthSpan(from: from, to: to)
        if let months = span.wholeMonths {
            try add(SQLRow.fetchAll(db, sql: """
                SELECT grp, coalesce(sum(registrations), 0) AS n, coalesce(sum(amount_fen), 0) AS fen FROM group_totals
                WHERE dimension = ? AND month BETWEEN ? AND ? AND status <> 'void'\(typeClause) GROUP BY grp
                """, arguments: [dimension.rawValue, months.first, months.last] + typeArg))
        }
        // Partial months from the registrations themselves, counted by PledgeCore's own rules (`Cell`).
        for days in span.partialDays {
            try forEachState(db, datedFrom: days.first, to: days.last) { s in
                let cell = Cell(s)
                guard cell.monthlyKey != nil, ipType == nil || s.registration.ipType == ipType else { return }
                let key = cell.group(dimension), old = result[key] ?? (0, .zero)
                result[key] = (old.registrations + 1, Fen(old.amount.value &+ s.registration.amount.value))
            }
        }
        return result.filter { $0.value.registrations != 0 || $0.value.amount != .zero }
    }

    /// The amount of each whole month of `span` (non-void registrations of `ipType`, nil: all; in `scope`, nil: all).
    static func monthlyAmounts(_ db: any SQLSession, span: MonthSpan, ipType: IPType?,
                               scope: (dimension: GroupDimension, group: String)?) throws -> [String: Int64] {
        guard let months = span.wholeMonths else { return [:] }
        var amounts: [String: Int64] = [:]
        let rows = try SQLRow.fetchAll(db, sql: """
            SELECT month, coalesce(sum(amount_fen), 0) AS fen FROM group_totals
            WHERE dimension = ? AND grp = ? AND month BETWEEN ? AND ? AND status <> 'void'\(ipType == nil ? "" : " AND ip_type = ?") GROUP BY month
            """, arguments: [(scope?.dimension ?? .all).rawValue, scope?.group ?? "", months.first, months.last] + (ipType.map { [$0.rawValue] } ?? []))
        for row in rows { amounts[row["month"]] = try row.totalFen("fen").value }
        return amounts
    }

    /// Progress against `target` counted up to `asOf`.
    public func progress(target: Target, asOf: CivilDate) throws -> TargetProgress {
        try read { db in
            let countedTo = min(target.to, asOf)
            let achieved = try Ledger.statistic(db, from: target.from, to: countedTo, ipType: target.ipType, scope: target.scope)
            // The 12 months up to the last day counted: after the window ends, its own last 12 months (not the months since,
            // which the target does not count).
            let trailingTo = min(asOf, target.to)
            let trailingFrom = trailingTo.adding(years: -1)!.adding(days: 1)!
            let trailing = try Ledger.statistic(db, from: trailingFrom, to: trailingTo, ipType: target.ipType, scope: target.scope)
            var reachedIn: YearMonth?
            if achieved.amount >= target.amount {
                // The first month whose cumulative amount reaches the target: the whole months' amounts in one query (a
                // round trip each would be felt on PostgreSQL), a partial month at either end by itself.
                let whole = try Ledger.monthlyAmounts(db, span: MonthSpan(from: target.from, to: countedTo), ipType: target.ipType,
                                                      scope: target.scope)
                var cumulative: Int64 = 0
                var month = target.from.yearMonth
                while month <= countedTo.yearMonth {
                    let a = max(target.from, month.firstDay), b = min(countedTo, month.lastDay)
                    let wholeMonth = a == month.firstDay && b == month.lastDay
                    cumulative += try wholeMonth ? whole[month.description] ?? 0
                        : Ledger.statistic(db, from: a, to: b, ipType: target.ipType, scope: target.scope).amount.value
                    if cumulative >= target.amount.value { reachedIn = month; break }
                    month = month.advanced(by: 1)
                }
            }
            return TargetProgress(target: target, asOf: asOf, achieved: achieved.amount, registrations: achieved.registrations,
                            trailing12Months: trailing.amount, reachedIn: reachedIn)
        }
    }
}

/// The figures `report progress` shows beside the target: who was served and where the money went.
public struct ProgressDetails: Sendable, Equatable {
    public struct Share: Sendable, Equatable {
        public var name: String
        public var registrations: Int
        public var amount: Fen
    }

    /// Amount and count of the target type's registrations active on the as-of date (registered by then, not released,
    /// defaulted or void by then) and not past their maturity (not limited to the window).
    public var outstanding: Fen
    public var outstandingRegistrations: Int
    /// Active on the as-of date but past their maturity: repaid and not released, or overdue.
    public var overdue: Fen
    public var overdueRegistrations: Int
    /// Distinct USCCs among the counted registrations.
    public var enterprisesServed: Int
    public var firstLoans: Share
    public var rywq: Share
    /// The 普惠 band: registrations under 1,000 万元 (`Registration.puhuiLimit`).
    public var puhui: Share
    public var topPrefectures: [Share]
    public var topParks: [Share]
    public var topBanks: [Share]
}

extension Ledger {
    /// Details for `report progress`: the same registrations as `progress` counts.
    public func progressDetails(target: Target, asOf: CivilDate, top: Int) throws -> ProgressDetails {
        try read { db in
            let from = target.from, to = min(target.to, asOf)
            var typeClause = target.ipType == nil ? "" : " AND ip_type = ?"
            var typeArg: SQLArguments = target.ipType.map { [$0.rawValue] } ?? []
            if let park = target.park { typeClause += " AND park = ?"; typeArg += [park] }
            if let code = target.prefectureCode { typeClause += " AND prefecture_code = ?"; typeArg += [code] }
            let (outstanding, overdue) = try Ledger.outstanding(db, asOf: asOf, scoped: target.scope != nil,
                                                                typeClause: typeClause, typeArg: typeArg)
            let served = try Ledger.enterprisesServed(db, target: target, to: to)
            // A park's or a prefecture's target: its own registrations (through their index), grouped by PledgeCore's cells.
            let scoped = try target.scope.map { _ in try Ledger.scopedStates(db, target: target, to: to) }
            func grouped(_ dimension: GroupDimension) throws -> [String: (registrations: Int, amount: Fen)] {
                guard let scoped else { return try Ledger.groupedStatistic(db, from: from, to: to, ipType: target.ipType, by: dimension) }
                var out: [String: (registrations: Int, amount: Fen)] = [:]
                for s in scoped {
                    let key = Cell(s).group(dimension), old = out[key] ?? (0, .zero)
                    out[key] = (old.registrations + 1, Fen(old.amount.value &+ s.registration.amount.value))
                }
                return out
            }
            func share(_ g: [String: (registrations: Int, amount: Fen)], _ key: String, _ name: String) -> ProgressDetails.Share {
                ProgressDetails.Share(name: name, registrations: g[key]?.registrations ?? 0, amount: g[key]?.amount ?? .zero)
            }
            func topList(_ dimension: GroupDimension, name: (String) -> String) throws -> [ProgressDetails.Share] {
                try grouped(dimension).filter { !$0.key.isEmpty }
                    .sorted { ($0.value.amount, $1.key) > ($1.value.amount, $0.key) }
                    .prefix(top).map { ProgressDetails.Share(name: name($0.key), registrations: $0.value.registrations, amount: $0.value.amount) }
            }
            let prefectureNames = Dictionary(uniqueKeysWithValues: try SQLRow.fetchAll(db, sql: "SELECT code, name FROM prefectures")
                .map { ($0["code"] as String, $0["name"] as String) })
            return ProgressDetails(
                outstanding: outstanding.amount, outstandingRegistrations: outstanding.registrations,
                overdue: overdue.amount, overdueRegistrations: overdue.registrations, enterprisesServed: served,
                firstLoans: share(try grouped(.firstLoan), "1", "首贷"), rywq: share(try grouped(.rywq), "1", "入园惠企"),
                puhui: share(try grouped(.puhui), "1", "普惠"),
                topPrefectures: try topList(.prefecture) { prefectureNames[$0] ?? $0 },
                topParks: try topList(.park) { $0 }, topBanks: try topList(.bank) { $0 })
        }
    }

    /// The registrations counting toward a park's or a prefecture's target dated up to `to`, read through the park or
    /// prefecture index.
    static func scopedStates(_ db: any SQLSession, target: Target, to: CivilDate) throws -> [RegistrationState] {
        guard target.from <= to else { return [] }
        let column = target.park != nil ? "park" : "prefecture_code"
        var out: [RegistrationState] = []
        try SQLRow.forEach(db, sql: """
            SELECT \(RegistrationState.columns) FROM registrations WHERE \(column) = ? AND reg_date BETWEEN ? AND ?
            """, arguments: [target.park ?? target.prefectureCode, target.from.description, to.description]) { row in
            let s = try RegistrationState(row: row)
            if s.registration.regDate <= to, target.counts(s) { out.append(s) }
        }
        return out
    }

    /// Distinct USCCs among the registrations that count toward `target` dated up to `to`. Read from the maintained
    /// `targets.enterprises` when `to` is the target's end; otherwise counted by `Target.counts`.
    static func enterprisesServed(_ db: any SQLSession, target: Target, to: CivilDate) throws -> Int {
        guard target.from <= to else { return 0 }
        if to >= target.to, let maintained = try Int.fetchOne(db, sql: """
            SELECT enterprises FROM targets WHERE name = ? AND from_date = ? AND to_date = ? AND ip_type IS ?
            """, arguments: [target.name, target.from.description, target.to.description, target.ipType?.rawValue]) {
            return maintained
        }
        var served = Set<String>()
        try forEachState(db, datedFrom: target.from.description, to: min(to, target.to).description) { s in
            if target.counts(s) { served.insert(s.registration.uscc) }
        }
        return served.count
    }

    /// Every registration dated `from`…`to`, through the `reg_date` index.
    static func forEachState(_ db: any SQLSession, datedFrom from: String, to: String, _ body: (RegistrationState) throws -> Void) throws {
        try SQLRow.forEach(db, sql: "SELECT \(RegistrationState.columns) FROM registrations WHERE reg_date BETWEEN ? AND ?",
                           arguments: [from, to]) { row in try body(try RegistrationState(row: row)) }
    }
}

extension Ledger {
    /// The median amount of the latest 1,000 registrations that are not void (the ledger's usual range, cheap at any
    /// size); nil for an empty ledger.
    static func recentMedianAmount(_ db: any SQLSession) throws -> Fen? {
        // Latest by insertion: SQLite's rowid, PostgreSQL's created_seq index.
        let latest = db.backend == .sqlite ? "rowid" : "created_seq"
        let amounts = try Int64.fetchAll(db, sql: """
            SELECT amount_fen FROM (SELECT amount_fen FROM registrations WHERE status <> 'void' ORDER BY \(latest) DESC LIMIT 1000) AS recent
            ORDER BY amount_fen
            """)
        return amounts.isEmpty ? nil : Fen(amounts[amounts.count / 2])
    }

    /// The warnings `r` would get if it were registered now.
    public func warnings(for r: Registration) throws -> [RegistrationWarning] {
        try read { db in try LedgerTransaction(db: db, operatorName: operatorName).warnings(r) }
    }
}

extension Ledger {
    typealias Figure = (registrations: Int, amount: Fen)

    /// Registrations active on `asOf` (registered by then; not released, defaulted or void by then) and not past their
    /// maturity, and those past it (`RegistrationState.balanceChanges`). For the whole ledger or one IP type: the
    /// maintained `balance_days` summed up to `asOf`, any day; for one park or prefecture (`scoped`): one scan of the
    /// registrations. `typeClause` names the IP type (and the park or prefecture) when the target has one.
    static func outstanding(_ db: any SQLSession, asOf: CivilDate, scoped: Bool, typeClause: String,
                            typeArg: SQLArguments) throws -> (outstanding: Figure, overdue: Figure) {
        let d = asOf.description
        if !scoped {
            var sums: [String: Figure] = [:]
            for row in try SQLRow.fetchAll(db, sql: """
                SELECT kind, coalesce(sum(registrations), 0) AS n, coalesce(sum(amount_fen), 0) AS fen FROM balance_days
                WHERE day <= ?\(typeClause) GROUP BY kind
                """, arguments: [d] + typeArg) {
                sums[row["kind"]] = (try row.totalCount("n"), try row.totalFen("fen"))
            }
            func sum(_ k: BalanceChange) -> Figure { sums[k.rawValue] ?? (0, .zero) }
            let open = (sum(.opened).registrations - sum(.closed).registrations, sum(.opened).amount - sum(.closed).amount)
            let overdue = (sum(.overdueFrom).registrations - sum(.overdueTo).registrations, sum(.overdueFrom).amount - sum(.overdueTo).amount)
            return ((open.0 - overdue.0, open.1 - overdue.1), overdue)
        }
        let row = try SQLRow.fetchOne(db, sql: """
            SELECT count(CASE WHEN maturity IS NULL OR maturity >= ? THEN 1 END) AS n,
                   coalesce(sum(CASE WHEN maturity IS NULL OR maturity >= ? THEN amount_fen END), 0) AS fen,
                   count(CASE WHEN maturity < ? THEN 1 END) AS overdue_n, coalesce(sum(CASE WHEN maturity < ? THEN amount_fen END), 0) AS overdue_fen
            FROM registrations NOT INDEXED
            WHERE reg_date <= ? AND status <> 'void' AND NOT ((status = 'released' OR status = 'defaulted') AND status_date <= ?)\(typeClause)
            """, arguments: [d, d, d, d, d, d] + typeArg)!
        return ((try row.totalCount("n"), try row.totalFen("fen")), (try row.totalCount("overdue_n"), try row.totalFen("overdue_fen")))
    }
}
