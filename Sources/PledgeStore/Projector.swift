import GRDB
import PledgeCore

/// Applies journal events to the projections (`registrations`, `registration_rights`, `enterprises`,
/// reference tables, `targets`) and the `monthly_totals` aggregate. Replaying every entry through it
/// into an empty schema rebuilds them all.
enum Projector {
    static func apply(_ event: LedgerEvent, seq: Int64, regNo: String?, late: Bool, db: Database) throws {
        switch event {
        case .reference(let p):
            try loadReference(p, db: db)
        case .target(let t):
            try db.execute(sql: """
                INSERT INTO targets(name, amount_fen, from_date, to_date, ip_type, seq) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET amount_fen = excluded.amount_fen, from_date = excluded.from_date,
                  to_date = excluded.to_date, ip_type = excluded.ip_type, seq = excluded.seq
                """, arguments: [t.name, t.amount.value, t.from.description, t.to.description, t.ipType?.rawValue, seq])
            try GroupTotals.rebuildServed(TargetWindow(name: t.name, from: t.from.description, to: t.to.description,
                                                       ipType: t.ipType?.rawValue), db: db)
        case .register(let r):
            let stored = StoredRegistration(registration: r, status: .active, statusDate: nil, late: late,
                                            createdSeq: seq, updatedSeq: seq)
            try db.cachedStatement(sql: insertRegistration).execute(arguments: stored.arguments)
            try writeRights(r, db: db)
            try upsertEnterprise(r, db: db)
            try addContribution(stored, sign: 1, db: db)
        case .correct, .void, .release, .default, .extend:
            try update(regNo, seq: seq, db: db) { try change(&$0, by: event, late: late) }
        case .periodClose(let p):
            try db.execute(sql: """
                INSERT INTO periods(month, seq, head_seq, head_hash, registrations, amount_fen) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [p.month, seq, p.headSeq, p.headHash, p.registrations, p.amount.value])
            let insert = try db.cachedStatement(sql: """
                INSERT INTO period_totals(month, ip_type, prefecture_code, park, bank, rywq, first_loan, registrations, amount_fen)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for t in p.totals {
                try insert.execute(arguments: [p.month, t.ipType, t.prefectureCode, t.park, t.bank, t.rywq, t.firstLoan,
                                               t.registrations, t.amountFen])
            }
        }
    }

    /// How a lifecycle event changes one registration's row (the projection of correct/void/release/default/extend).
    static func change(_ s: inout StoredRegistration, by event: LedgerEvent, late: Bool) throws {
        switch event {
        case .correct(let changes, _):
            for c in changes {
                guard let f = RegistrationField(journalKey: c.field) else { throw LedgerDataError("unknown field \(c.field)") }
                try s.registration.setCanonical(f, c.to)
            }
            if late { s.late = true }
        case .void: s.status = .void
        case .release(let date, _): s.status = .released; s.statusDate = date
        case .default(let date): s.status = .defaulted; s.statusDate = date
        case .extend(_, let to): s.registration.maturity = to
        case .reference, .target, .register, .periodClose:
            throw LedgerDataError("a \(event.kind.rawValue) entry does not change one registration")
        }
    }

    static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }
    static let insertRegistration = "INSERT INTO registrations(\(StoredRegistration.columns)) VALUES (\(placeholders(23)))"
    /// Every column but the key: a 登记号 never changes, and with reg_no in the SET list SQLite checks the
    /// foreign key of `registration_rights` on each update (a scan of that table while a first load has its
    /// index deferred: 30,000 exported rows with 8,000 lifecycle events took 36 s).
    static let updateRegistration = """
        UPDATE registrations SET (\(StoredRegistration.valueColumns)) = (\(placeholders(22))) WHERE reg_no = ?
        """

    /// Replaces a registration's row, keeping the monthly totals in step (old contribution out, new in).
    static func update(_ regNo: String?, seq: Int64, db: Database, _ change: (inout StoredRegistration) throws -> Void) throws {
        guard let regNo, let old = try StoredRegistration.fetch(db, regNo: regNo) else {
            throw LedgerDataError("entry \(seq) changes 登记号 \(regNo ?? "?") which is not registered")
        }
        var new = old
        try change(&new)
        new.updatedSeq = seq
        try addContribution(old, sign: -1, db: db)
        try db.cachedStatement(sql: updateRegistration).execute(arguments: new.valueArguments + [regNo])
        if new.registration.ipNumbers != old.registration.ipNumbers {
            try db.cachedStatement(sql: "DELETE FROM registration_rights WHERE reg_no = ?").execute(arguments: [regNo])
            try writeRights(new.registration, db: db)
        }
        if new.registration.uscc != old.registration.uscc || new.registration.enterprise != old.registration.enterprise {
            try upsertEnterprise(new.registration, db: db)
        }
        try addContribution(new, sign: 1, db: db)
    }

    /// Adds (sign 1) or removes (sign −1) one registration's contribution to every aggregate.
    static func addContribution(_ s: StoredRegistration, sign: Int64, db: Database) throws {
        try addToTotals(s, sign: sign, db: db)
        try addToStatusTotals(s, sign: sign, db: db)
        for key in GroupTotals.keys(s) {
            try GroupTotals.add(key, registrations: sign, amount: sign * s.registration.amount.value, db: db)
        }
        for t in try TargetWindow.all(db) where t.counts(s) {
            try GroupTotals.addServed(target: t.name, uscc: s.registration.uscc, delta: sign, db: db)
        }
    }

    /// Keeps `status_totals` (count and amount per IP type and status) in step; void rows are counted too.
    static func addToStatusTotals(_ s: StoredRegistration, sign: Int64, db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO status_totals(ip_type, status, registrations, amount_fen) VALUES (?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET registrations = registrations + excluded.registrations,
                                      amount_fen = amount_fen + excluded.amount_fen
            """).execute(arguments: [s.registration.ipType.rawValue, s.status.rawValue, sign, sign * s.registration.amount.value])
    }

    static func writeRights(_ r: Registration, db: Database) throws {
        let stmt = try db.cachedStatement(sql: "INSERT INTO registration_rights(ip_number, reg_no) VALUES (?, ?)")
        for n in r.ipNumbers { try stmt.execute(arguments: [n, r.regNo]) }
    }

    static func upsertEnterprise(_ r: Registration, db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO enterprises(uscc, name) VALUES (?, ?) ON CONFLICT(uscc) DO UPDATE SET name = excluded.name")
            .execute(arguments: [r.uscc, r.enterprise])
    }

    /// Adds (sign 1) or removes (sign −1) one registration's contribution to `monthly_totals`.
    /// Void registrations contribute nothing; release, default and extension never change it.
    static func addToTotals(_ s: StoredRegistration, sign: Int64, db: Database) throws {
        guard s.status != .void else { return }
        let r = s.registration
        let key: StatementArguments = [r.regDate.yearMonth.description, r.ipType.rawValue, r.prefectureCode ?? "",
                                       r.park ?? "", r.bank, r.rywq, r.firstLoan]
        try db.cachedStatement(sql: """
            INSERT INTO monthly_totals(month, ip_type, prefecture_code, park, bank, rywq, first_loan, registrations, amount_fen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET registrations = registrations + excluded.registrations,
                                      amount_fen = amount_fen + excluded.amount_fen
            """).execute(arguments: key + [sign, sign * r.amount.value])
        if sign < 0 {
            try db.cachedStatement(sql: """
                DELETE FROM monthly_totals WHERE month = ? AND ip_type = ? AND prefecture_code = ? AND park = ?
                  AND bank = ? AND rywq = ? AND first_loan = ? AND registrations = 0
                """).execute(arguments: key)
        }
    }

    static func loadReference(_ p: ReferencePayload, db: Database) throws {
        for table in ["park_aliases", "bank_aliases", "parks", "banks", "prefectures"] {
            try db.execute(sql: "DELETE FROM \(table)")
        }
        for x in p.prefectures {
            try db.execute(sql: "INSERT INTO prefectures(code, name, short) VALUES (?, ?, ?)", arguments: [x.code, x.name, x.short])
        }
        for x in p.parks {
            try db.execute(sql: "INSERT INTO parks(name, prefecture_code, level) VALUES (?, ?, ?)",
                           arguments: [x.name, x.prefectureCode, x.level])
            for a in x.aliases {
                try db.execute(sql: "INSERT INTO park_aliases(alias, park) VALUES (?, ?)", arguments: [a, x.name])
            }
        }
        for x in p.banks {
            try db.execute(sql: "INSERT INTO banks(name) VALUES (?)", arguments: [x.name])
            for a in x.aliases {
                try db.execute(sql: "INSERT INTO bank_aliases(alias, bank) VALUES (?, ?)", arguments: [a, x.name])
            }
        }
    }
}
