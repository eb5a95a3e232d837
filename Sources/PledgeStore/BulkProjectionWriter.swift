import GRDB
import PledgeCore

/// Writes new registrations' projections in bulk: raw statements for `registrations` and
/// `registration_rights`, and the deltas of `enterprises`, `monthly_totals` and `status_totals` kept in
/// memory until `flush`. Used by imports and by `audit verify`'s replay; produces exactly what
/// `Projector.apply(.register)` does. Flush before any other projector write touches the same tables.
final class BulkProjectionWriter {
    private let db: Database
    private let insertRegistration: RawStatement
    private let insertRight: RawStatement
    private var enterprises: [String: String] = [:]
    private var monthly: [MonthlyKey: (registrations: Int64, amount: Int64)] = [:]
    private var statusTotals: [String: (registrations: Int64, amount: Int64)] = [:]
    /// Registrations per (target, USCC) for the targets whose window counts them; targets are re-read after
    /// each flush, since only a projector write (which follows a flush) can change them.
    private var served: [ServedKey: Int64] = [:]
    private var targets: [TargetWindow]?

    struct ServedKey: Hashable { var target: Int, uscc: String }

    struct MonthlyKey: Hashable {
        var month: String, ipType: String, prefecture: String, park: String, bank: String, rywq: Bool, firstLoan: Bool
        func hash(into h: inout Hasher) {
            // Field by field: an array literal here cost an allocation per hash (once per imported row).
            month.hashBytes(into: &h); ipType.hashBytes(into: &h); prefecture.hashBytes(into: &h); park.hashBytes(into: &h)
            bank.hashBytes(into: &h)
            h.combine(rywq)
            h.combine(firstLoan)
        }
        static func == (a: Self, b: Self) -> Bool {
            a.month.sameBytes(b.month) && a.ipType.sameBytes(b.ipType) && a.prefecture.sameBytes(b.prefecture) && a.park.sameBytes(b.park)
                && a.bank.sameBytes(b.bank) && a.rywq == b.rywq && a.firstLoan == b.firstLoan
        }
        init(month: String, ipType: String, prefecture: String, park: String, bank: String, rywq: Bool, firstLoan: Bool) {
            (self.month, self.ipType, self.prefecture, self.park, self.bank, self.rywq, self.firstLoan) = (month, ipType, prefecture, park, bank, rywq, firstLoan)
        }
        /// The order of monthly_totals' primary key (enough of it for locality).
        var sortKey: (String, String, String, String, String) { (month, ipType, prefecture, park, bank) }

        init(_ r: Registration) {
            month = r.regDate.yearMonth.description
            ipType = r.ipType.rawValue
            prefecture = r.prefectureCode ?? ""
            park = r.park ?? ""
            bank = r.bank
            rywq = r.rywq
            firstLoan = r.firstLoan
        }
    }

    /// When the deltas are written early, in keys held in memory (see `insert`).
    struct FlushThresholds: Sendable {
        /// Enterprises, and (target, USCC) pairs served: these grow with the file.
        var growing = 60_000
        /// Monthly keys (bounded by months × groups; about 20 MB of keys at this size).
        var totals = 100_000
        static let standard = FlushThresholds()
    }
    private let thresholds: FlushThresholds
    /// A first load: rights, enterprise names and served pairs are not written per registration until the first
    /// `flush`, which writes them for the rows inserted after this rowid (`DerivedProjections`). Rows inserted after
    /// that flush (which comes before a lifecycle entry, or at the end) are written one by one: a file with lifecycle
    /// rows flushes before each, and thousands of small sorted INSERT … SELECTs cost more than the rows' own writes.
    private var derivesAfter: Int64?

    init(_ db: Database, thresholds: FlushThresholds = .standard, derivesFromRows: Bool = false) throws {
        self.db = db
        self.thresholds = thresholds
        if derivesFromRows { derivesAfter = try DerivedProjections.lastRowid(db) }
        insertRegistration = try RawStatement(db, sql: """
            INSERT INTO registrations(\(StoredRegistration.columns)) VALUES (\(Projector.placeholders(23))) ON CONFLICT(reg_no) DO NOTHING
            """)
        insertRight = try RawStatement(db, sql: "INSERT INTO registration_rights(ip_number, reg_no) VALUES (?, ?)")
    }

    /// Inserts an active registration created by entry `seq`; false (nothing written) when the 登记号 exists.
    func insert(_ r: Registration, seq: Int64, late: Bool) throws -> Bool {
        let s = insertRegistration
        s.reset()
        s.bind(1, r.regNo); s.bind(2, r.regDate.description); s.bind(3, r.ipType.rawValue); s.bind(4, r.uscc)
        s.bind(5, r.usccOverride); s.bind(6, r.enterprise); s.bind(7, r.bank); s.bind(8, r.branch); s.bind(9, r.amount.value)
        s.bind(10, r.ipNumbers.joined(separator: ";")); s.bind(11, r.park); s.bind(12, r.prefectureCode)
        s.bind(13, r.maturity?.description); s.bind(14, r.rate); s.bind(15, r.rywq); s.bind(16, r.firstLoan); s.bind(17, r.insured)
        s.bind(18, r.notes); s.bind(19, RegistrationStatus.active.rawValue); s.bind(20, nil as String?); s.bind(21, late)
        s.bind(22, seq); s.bind(23, seq)
        guard try s.run() == 1 else { return false }
        let key = MonthlyKey(r)
        monthly.add(key, 1, r.amount.value)
        statusTotals.add(r.ipType.rawValue, 1, r.amount.value)
        if monthly.count >= thresholds.totals { try flushTotals() }
        guard derivesAfter == nil else { return true }
        for n in r.ipNumbers {
            insertRight.reset()
            insertRight.bind(1, n); insertRight.bind(2, r.regNo)
            try insertRight.run()
        }
        enterprises[r.uscc] = r.enterprise
        if targets == nil { targets = try TargetWindow.all(db) }
        let date = r.regDate.description
        for (i, t) in targets!.enumerated() where date >= t.from && date <= t.to && (t.ipType == nil || t.ipType == r.ipType.rawValue) {
            served[ServedKey(target: i, uscc: r.uscc), default: 0] += 1
        }
        // Keep memory flat on large files: the deltas are additive, so writing them early is exact. Enterprises
        // and served pairs grow with the file; the totals' keys are bounded by months × groups, and each early
        // write of them re-visits the same rows, so they wait for the end unless they grow as large.
        if enterprises.count >= thresholds.growing { try flushEnterprises() }
        if served.count >= thresholds.growing { try flushServed() }
        return true
    }

    /// Writes the in-memory deltas (enterprise names: the last one written wins, as entry by entry), and at the first
    /// flush of a first load the projections of the rows inserted until then.
    func flush() throws {
        defer { targets = nil }
        if let after = derivesAfter {
            try DerivedProjections.write(db, after: after, through: try DerivedProjections.lastRowid(db))
            derivesAfter = nil
        }
        try flushEnterprises()
        try flushTotals()
        try flushServed()
    }

    private func flushEnterprises() throws {
        guard !enterprises.isEmpty else { return }
        // Raw binds as in the hot path: a flush writes tens of thousands of keys.
        let enterprise = try RawStatement(db, sql: "INSERT INTO enterprises(uscc, name) VALUES (?, ?) ON CONFLICT(uscc) DO UPDATE SET name = excluded.name")
        // Each upsert in key order: on a large ledger these tables' pages are mostly out of the page cache,
        // and ordered keys visit each page once per flush instead of once per key.
        for (uscc, name) in enterprises.sorted(by: { $0.key < $1.key }) {
            enterprise.reset()
            enterprise.bind(1, uscc); enterprise.bind(2, name)
            try enterprise.run()
        }
        enterprises.removeAll(keepingCapacity: true)
    }

    private func flushTotals() throws {
        guard !monthly.isEmpty || !statusTotals.isEmpty else { return }
        let totals = try RawStatement(db, sql: """
            INSERT INTO monthly_totals(month, ip_type, prefecture_code, park, bank, rywq, first_loan, registrations, amount_fen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET registrations = registrations + excluded.registrations, amount_fen = amount_fen + excluded.amount_fen
            """)
        for (k, v) in monthly.sorted(by: { $0.key.sortKey < $1.key.sortKey }) {
            totals.reset()
            totals.bind(1, k.month); totals.bind(2, k.ipType); totals.bind(3, k.prefecture); totals.bind(4, k.park); totals.bind(5, k.bank)
            totals.bind(6, k.rywq); totals.bind(7, k.firstLoan); totals.bind(8, v.registrations); totals.bind(9, v.amount)
            try totals.run()
        }
        let status = try db.cachedStatement(sql: """
            INSERT INTO status_totals(ip_type, status, registrations, amount_fen) VALUES (?, 'active', ?, ?)
            ON CONFLICT DO UPDATE SET registrations = registrations + excluded.registrations, amount_fen = amount_fen + excluded.amount_fen
            """)
        for (type, v) in statusTotals { try status.execute(arguments: [type, v.registrations, v.amount]) }
        // group_totals: every new registration is active, so the monthly keys hold all six dimensions' deltas.
        var groups: [GroupTotalsKey: (registrations: Int64, amount: Int64)] = [:]
        for (k, v) in monthly {
            for g in GroupTotals.keys(month: k.month, ipType: k.ipType, status: RegistrationStatus.active.rawValue, prefecture: k.prefecture,
                                      park: k.park, bank: k.bank, rywq: k.rywq, firstLoan: k.firstLoan) {
                groups.add(g, v.registrations, v.amount)
            }
        }
        let group = try RawStatement(db, sql: GroupTotals.upsertSQL)
        for (g, v) in groups.sorted(by: { ($0.key.dimension.rawValue, $0.key.group, $0.key.month) < ($1.key.dimension.rawValue, $1.key.group, $1.key.month) }) {
            group.reset()
            group.bind(1, g.dimension.rawValue); group.bind(2, g.group); group.bind(3, g.month); group.bind(4, g.ipType); group.bind(5, g.status)
            group.bind(6, v.registrations); group.bind(7, v.amount)
            try group.run()
        }
        monthly.removeAll(keepingCapacity: true)
        statusTotals.removeAll(keepingCapacity: true)
    }

    private func flushServed() throws {
        if let targets, !served.isEmpty {
            // Additions only: a new (target, USCC) row is what targets.enterprises counts. Insert first, add to an
            // existing row when that inserts nothing (RETURNING would build a temporary table per execution).
            let insert = try RawStatement(db, sql: "INSERT OR IGNORE INTO target_enterprises(target, uscc, registrations) VALUES (?, ?, ?)")
            let add = try RawStatement(db, sql: "UPDATE target_enterprises SET registrations = registrations + ? WHERE target = ? AND uscc = ?")
            var newRows = [Int64](repeating: 0, count: targets.count)
            for (k, n) in served.sorted(by: { ($0.key.target, $0.key.uscc) < ($1.key.target, $1.key.uscc) }) {
                insert.reset()
                insert.bind(1, targets[k.target].name); insert.bind(2, k.uscc); insert.bind(3, n)
                if try insert.run() == 1 {
                    newRows[k.target] += 1
                } else {
                    add.reset()
                    add.bind(1, n); add.bind(2, targets[k.target].name); add.bind(3, k.uscc)
                    guard try add.run() == 1 else { throw LedgerDataError("target_enterprises: no row to add to for \(k.uscc)") }
                }
            }
            for (i, t) in targets.enumerated() { try GroupTotals.countServedRows(target: t.name, delta: newRows[i], db: db) }
        }
        served.removeAll(keepingCapacity: true)
    }
}
