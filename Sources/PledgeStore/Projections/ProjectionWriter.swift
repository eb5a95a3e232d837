import GRDB
import PledgeCore

/// The one writer of the maintained tables: it applies journal events to `registrations` and the reference tables, and
/// the deltas PledgeCore's projection computes (`ProjectionDelta`) to every total. `register` inserts a row and adds
/// its contribution to the pending delta; every other event writes the pending delta first, so rows and totals are
/// applied in journal order. `flush` writes what is pending, each table's keys in their own order.
final class ProjectionWriter {
    let db: any SQLSession
    var delta: ProjectionDelta
    private let insertRow: any BoundStatement
    /// Each subsidy policy's rows per enterprise, park and bank.
    let subsidies: SubsidyLines
    /// Registrations added to the pending delta: written when it reaches this many (memory stays flat on large loads).
    var flushEvery: Int
    var pending = 0
    /// PostgreSQL: registrations not yet written (`insertLater`), every 登记号 this writer inserted, and whether the
    /// ledger had none before.
    var laterRows: [[DatabaseValue]] = []
    var inserted: Set<String> = []
    var ledgerHadRegistrations = true
    /// PostgreSQL: `enterprises` as a dictionary, once asked (`enterpriseName`).
    var enterpriseNames: [String: String]?

    init(_ db: any SQLSession, flushEvery: Int = 50_000) throws {
        self.db = db
        self.flushEvery = flushEvery
        delta = ProjectionDelta(targets: try Self.targets(db))
        subsidies = try SubsidyLines(db)
        if db.backend == .postgres { ledgerHadRegistrations = try Ledger.hasRegistrations(db) }
        insertRow = try db.bindable( """
            INSERT INTO registrations(\(RegistrationState.columns)) VALUES (\(Self.placeholders(28))) ON CONFLICT(reg_no) DO NOTHING
            """)
    }

    static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }

    static func targets(_ db: any SQLSession) throws -> [Target] {
        try SQLRow.fetchAll(db, sql: "SELECT name, amount_fen, from_date, to_date, ip_type, park, prefecture_code FROM targets ORDER BY seq").map { row in
            guard let from = try? CivilDate.parse(row[2]), let to = try? CivilDate.parse(row[3]) else {
                throw StoreError.damagedData(detail: "targets: \(row[0] as String) has unreadable dates")
            }
            return Target(name: row[0], amount: Fen(row[1]), from: from, to: to, ipType: (row[4] as String?).flatMap(IPType.init(rawValue:)),
                          park: row[5], prefectureCode: row[6])
        }
    }

    /// Applies one entry's event; `regNo` names the registration of a lifecycle event; `by` and `at` are the entry's
    /// operator and time (what `proposals` records).
    func apply(_ event: LedgerEvent, seq: Int64, regNo: String?, late: Bool, by: String = "", at: String = "") throws {
        if case .register(let r) = event {
            guard try insert(.registered(r, seq: seq, late: late)) else { throw StoreError.registrationExists(regNo: r.regNo) }
            return
        }
        // PostgreSQL: a release, default, extension or void only adds to the pending counts (its rights and names stay),
        // so it waits for the next flush with them: a flush per event is a dozen round trips there.
        let waits = db.backend == .postgres && [.release, .default, .extend, .void].contains(event.kind)
        if waits { try writeRegistrations() } else { try flush() }
        switch event {
        case .register: break
        case .reference(let p): try ReferenceTables.replace(p, db: db)
        case .target(let t): try setTarget(t, seq: seq)
        case .periodClose(let p): try PeriodTables.insert(p, seq: seq, db: db)
        case .periodReopen(let month, _): try PeriodTables.remove(month: month, db: db)
        case .targetRemove(let name, _):
            try db.execute(sql: "DELETE FROM target_enterprises WHERE target = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM targets WHERE name = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM ledger_settings WHERE key = 'default_target' AND value = ?", arguments: [name])
            delta = ProjectionDelta(targets: try Self.targets(db))
        case .targetDefault(let name):
            try db.execute(sql: "INSERT OR REPLACE INTO ledger_settings(key, value, seq) VALUES ('default_target', ?, ?)", arguments: [name, seq])
        case .setting(let key, let value):
            try db.execute(sql: "INSERT OR REPLACE INTO ledger_settings(key, value, seq) VALUES (?, ?, ?)", arguments: [key, value, seq])
        case .checkAck(let finding, let reason):
            try db.execute(sql: "INSERT OR REPLACE INTO finding_reviews(finding, reason, seq) VALUES (?, ?, ?)", arguments: [finding, reason, seq])
        case .user(let u):
            try db.execute(sql: "INSERT OR REPLACE INTO users(name, role, disabled, seq) VALUES (?, ?, ?, ?)",
                           arguments: [u.name, u.role.rawValue, u.disabled, seq])
        case .proposal(let p):
            try db.execute(sql: """
                INSERT INTO proposals(seq, action, reg_no, name, changes, proposer, proposed_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')
                """, arguments: [seq, p.action.rawValue, p.regNo, p.name, p.changes.count, by, at])
        case .approve(let n, _):
            try db.execute(sql: "UPDATE proposals SET status = 'approved', decided_seq = ?, decider = ?, decided_at = ? WHERE seq = ?",
                           arguments: [seq, by, at, n])
        case .reject(let n, let reason):
            try db.execute(sql: "UPDATE proposals SET status = 'rejected', decided_seq = ?, decider = ?, decided_at = ?, reason = ? WHERE seq = ?",
                           arguments: [seq, by, at, reason, n])
        case .subsidyPolicy(let p):
            try db.execute(sql: "INSERT OR REPLACE INTO subsidy_policies(name, year, share_bp, cap_fen, only_kind, ip_type, seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [p.name, p.year, p.shareBasisPoints, p.cap?.value, p.only?.rawValue, p.ipType?.rawValue, seq])
            try subsidies.rebuild(p.name)
        case .subsidyPayment(let p):
            try subsidies.touch(p.uscc, policy: p.policy)
            try db.execute(sql: "INSERT INTO subsidy_payments(seq, policy, uscc, amount_fen, paid_on) VALUES (?, ?, ?, ?, ?)",
                           arguments: [seq, p.policy, p.uscc, p.amount.value, p.date.description])
            try subsidies.flush()
        case .pool, .poolContribution, .dispose, .loss:
            try PoolTables.apply(event, seq: seq, regNo: regNo, db: db)
        case .correct, .void, .release, .default, .extend:
            guard let regNo, let old = try RegistrationState.fetch(db, regNo: regNo) else {
                throw LedgerDataError("entry \(seq) changes 登记号 \(regNo ?? "?") which is not registered")
            }
            let new = try Lifecycle.apply(event, to: old, seq: seq, late: late)
            try subsidies.touch(old, new)
            try db.statement(Self.updateRow).run(new.valueArguments + [regNo])
            delta.change(from: old, to: new)
            if !waits { try flush() }
        }
    }

    /// Every column but the key: a 登记号 never changes (and in the SET list it would make SQLite check the foreign
    /// key of every right of the registration).
    static let updateRow = "UPDATE registrations SET (\(RegistrationState.valueColumns)) = (\(placeholders(27))) WHERE reg_no = ?"

    /// Inserts a new registration's row and counts it; false (nothing written) when its 登记号 is registered.
    func insert(_ s: RegistrationState) throws -> Bool {
        if let pg = db as? PostgresSession { return try insertLater(s, pg) }
        let r = s.registration, row = insertRow
        try subsidies.touch(nil, s)
        row.reset()
        row.bind(1, r.regNo); row.bind(2, r.regDate.description); row.bind(3, r.ipType.rawValue); row.bind(4, r.uscc)
        row.bind(5, r.usccOverride); row.bind(6, r.enterprise); row.bind(7, r.bank); row.bind(8, r.branch); row.bind(9, r.amount.value)
        row.bind(10, r.ipNumbers.joined(separator: ";")); row.bind(11, r.park); row.bind(12, r.prefectureCode)
        row.bind(13, r.maturity?.description); row.bind(14, r.rate); row.bind(15, r.rywq); row.bind(16, r.firstLoan); row.bind(17, r.insured)
        row.bind(18, r.notes); row.bind(19, s.status.rawValue); row.bind(20, s.statusDate?.description); row.bind(21, s.late)
        row.bind(22, s.createdSeq); row.bind(23, s.updatedSeq)
        row.bind(24, r.appraisedValue?.value); row.bind(25, r.appraiser); row.bind(26, r.insurer); row.bind(27, r.insuredAmount?.value)
        row.bind(28, s.defaultedOn?.description)
        guard try row.run() == 1 else { return false }
        delta.register(s)
        pending += 1
        if pending >= flushEvery { try flush() }
        return true
    }

    /// Writes the pending delta: rights out then in, enterprise names, the three totals folded from its cells, and the
    /// served enterprises with their count in `targets`. Keys go in key order (one pass over each b-tree's pages).
    func flush() throws {
        pending = 0
        try subsidies.flush()
        let pg = db as? PostgresSession
        if let pg { try writeLaterRows(pg) }
        guard !delta.isEmpty else { return }
        if let pg { try flushSets(pg) } else { try flushRows() }
        delta.removeAll()
    }

    /// The pending totals, table by table: the key's columns, and each key's values with its change, in key order.
    var totalsRows: [(table: String, key: [String], rows: [(key: [DatabaseValue], change: Totals)])] {
        func v(_ x: some DatabaseValueConvertible) -> DatabaseValue { x.databaseValue }
        return [
            ("monthly_totals", ["month", "ip_type", "prefecture_code", "park", "bank", "rywq", "first_loan"],
             delta.monthly.sorted(by: { ($0.key.month, $0.key.bank) < ($1.key.month, $1.key.bank) }).map { k, t in
                 ([v(k.month), v(k.ipType), v(k.prefecture), v(k.park), v(k.bank), v(k.rywq), v(k.firstLoan)], t) }),
            ("status_totals", ["ip_type", "status", "maturity_month"],
             delta.statusTotals.map { k, t in ([v(k.ipType), v(k.status), v(k.maturityMonth)], t) }),
            ("balance_days", ["ip_type", "kind", "day"],
             delta.balanceDays.sorted(by: { ($0.key.ipType, $0.key.kind.rawValue, $0.key.day) < ($1.key.ipType, $1.key.kind.rawValue, $1.key.day) })
                .map { k, t in ([v(k.ipType), v(k.kind.rawValue), v(k.day)], t) }),
            ("group_totals", ["dimension", "grp", "month", "ip_type", "status"],
             delta.groups.sorted(by: { ($0.key.dimension.rawValue, $0.key.group, $0.key.month) < ($1.key.dimension.rawValue, $1.key.group, $1.key.month) })
                .map { k, t in ([v(k.dimension.rawValue), v(k.group), v(k.month), v(k.ipType), v(k.status)], t) }),
        ]
    }

    /// SQLite: one prepared statement per row.
    private func flushRows() throws {
        let removeRight = try db.bindable( "DELETE FROM registration_rights WHERE ip_number = ? AND reg_no = ?")
        for right in delta.rightsRemoved {
            removeRight.reset(); removeRight.bind(1, right.ipNumber); removeRight.bind(2, right.regNo)
            try removeRight.execute()
        }
        let addRight = try db.bindable( "INSERT INTO registration_rights(ip_number, reg_no) VALUES (?, ?)")
        for right in delta.rightsAdded.sorted(by: PledgedRight.keyOrder) {
            addRight.reset(); addRight.bind(1, right.ipNumber); addRight.bind(2, right.regNo)
            try addRight.execute()
        }
        let name = try db.bindable( "INSERT INTO enterprises(uscc, name) VALUES (?, ?) ON CONFLICT(uscc) DO UPDATE SET name = excluded.name")
        for (uscc, enterprise) in delta.enterprises.sorted(by: { $0.key.bytesPrecede($1.key) }) {
            name.reset(); name.bind(1, uscc); name.bind(2, enterprise)
            try name.execute()
        }
        for (table, key, rows) in totalsRows {
            for (values, t) in rows { try add(t, to: table, columns: key, values: SQLArguments(values: values)) }
        }
        try writeServed(delta.served.sorted(by: { ProjectionDelta.ServedKey.keyOrder($0.key, $1.key) }))
    }

    /// Adds `t` to the row at `key` of a totals table; a row whose count reaches zero goes.
    private func add(_ t: Totals, to table: String, columns: [String], values: SQLArguments) throws {
        guard t != Totals() else { return }
        try db.execute(sql: """
            INSERT INTO \(table)(\(columns.joined(separator: ", ")), registrations, amount_fen) VALUES (\(Self.placeholders(columns.count + 2)))
            ON CONFLICT(\(columns.joined(separator: ", "))) DO UPDATE
            SET registrations = \(table).registrations + excluded.registrations, amount_fen = \(table).amount_fen + excluded.amount_fen
            """, arguments: values + [t.registrations, t.amountFen])
        if t.registrations < 0 {
            try db.execute(sql: "DELETE FROM \(table) WHERE \(columns.map { "\($0) = ?" }.joined(separator: " AND ")) AND registrations = 0",
                           arguments: values)
        }
    }

    /// Adds registrations to (target, USCC) rows; a row appears with its first registration and goes with its last, and
    /// `targets.enterprises` counts the rows.
    func writeServed(_ served: [(key: ProjectionDelta.ServedKey, value: Int64)]) throws {
        if let pg = db as? PostgresSession { return try writeServedSets(served, pg) }
        var rows: [String: Int64] = [:]
        let insert = try db.bindable( "INSERT OR IGNORE INTO target_enterprises(target, uscc, registrations) VALUES (?, ?, ?)")
        let add = try db.bindable( "UPDATE target_enterprises SET registrations = registrations + ? WHERE target = ? AND uscc = ?")
        let drop = try db.bindable( "DELETE FROM target_enterprises WHERE target = ? AND uscc = ? AND registrations + ? = 0")
        for (k, n) in served where n != 0 {
            if n > 0 {
                insert.reset(); insert.bind(1, k.target); insert.bind(2, k.uscc); insert.bind(3, n)
                if try insert.run() == 1 { rows[k.target, default: 0] += 1; continue }
            } else {
                drop.reset(); drop.bind(1, k.target); drop.bind(2, k.uscc); drop.bind(3, n)
                if try drop.run() == 1 { rows[k.target, default: 0] -= 1; continue }
            }
            add.reset(); add.bind(1, n); add.bind(2, k.target); add.bind(3, k.uscc)
            guard try add.run() == 1 else { throw LedgerDataError("target_enterprises: no row of \(k.uscc) for \(k.target)") }
        }
        for (target, n) in rows where n != 0 {
            try db.statement("UPDATE targets SET enterprises = enterprises + ? WHERE name = ?").run([n, target])
        }
    }

    /// Records a target and counts its served enterprises from every registration, by the projection's own rule.
    private func setTarget(_ t: Target, seq: Int64) throws {
        try db.execute(sql: """
            INSERT INTO targets(name, amount_fen, from_date, to_date, ip_type, seq, enterprises, park, prefecture_code) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
            ON CONFLICT(name) DO UPDATE SET amount_fen = excluded.amount_fen, from_date = excluded.from_date,
              to_date = excluded.to_date, ip_type = excluded.ip_type, seq = excluded.seq, enterprises = 0,
              park = excluded.park, prefecture_code = excluded.prefecture_code
            """, arguments: [t.name, t.amount.value, t.from.description, t.to.description, t.ipType?.rawValue, seq, t.park, t.prefectureCode])
        try db.execute(sql: "DELETE FROM target_enterprises WHERE target = ?", arguments: [t.name])
        // Streamed: a throwaway delta of this one target counts every registration (its cells are not written).
        var recount = ProjectionDelta(targets: [t], keepsRights: false)
        try SQLRow.forEach(db, sql: "SELECT \(RegistrationState.columns) FROM registrations") { row in recount.count(try RegistrationState(row: row), sign: 1) }
        try writeServed(recount.served.sorted(by: { ProjectionDelta.ServedKey.keyOrder($0.key, $1.key) }))
        delta = ProjectionDelta(targets: try Self.targets(db))
    }
}
