import GRDB
import PledgeCore

/// PostgreSQL: the same writes as sets, one statement per table and flush (`PostgresSession.bulk`); new registrations
/// wait in memory until the flush, so a load costs a few round trips per 50,000 rows, not several per row.
extension ProjectionWriter {
    /// Keeps a new registration's row for the next flush; false (nothing kept) when its 登记号 is registered. A ledger
    /// without registrations when the writer began is asked nothing: the writer knows every 登记号 it inserted.
    func insertLater(_ s: RegistrationState, _ pg: PostgresSession) throws -> Bool {
        let regNo = s.registration.regNo
        guard !inserted.contains(regNo) else { return false }
        if ledgerHadRegistrations, try String.fetchOne(db, sql: "SELECT reg_no FROM registrations WHERE reg_no = ?", arguments: [regNo]) != nil {
            return false
        }
        try subsidies.touch(nil, s)
        inserted.insert(regNo)
        laterRows.append(s.cells)
        delta.register(s)
        pending += 1
        if pending >= flushEvery { try flush() }
        return true
    }

    /// Writes the registrations kept for the flush (before anything reads `registrations`). No ON CONFLICT: a 登记号
    /// written twice would be a defect of this writer, and fails the transaction.
    func writeLaterRows(_ pg: PostgresSession) throws {
        guard !laterRows.isEmpty else { return }
        let columns = RegistrationState.columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        try pg.bulk("registrations", columns: columns, rows: laterRows) { source in
            "INSERT INTO registrations(\(RegistrationState.columns)) SELECT * FROM \(source)"
        }
        laterRows.removeAll()
    }

    /// Writes the registrations kept for the flush, for a read of `registrations` inside the transaction.
    func writeRegistrations() throws {
        if let pg = db as? PostgresSession { try writeLaterRows(pg) }
    }

    /// The name `enterprises` holds for a USCC: the table read once (a query per row of a load is a round trip each),
    /// then kept equal to it by `flushSets`.
    func enterpriseName(_ uscc: String) throws -> String? {
        if enterpriseNames == nil {
            var names: [String: String] = [:]
            try db.each(sql: "SELECT uscc, name FROM enterprises") { names[$0[0]] = $0[1] }
            enterpriseNames = names
        }
        return enterpriseNames?[uscc]
    }

    func flushSets(_ pg: PostgresSession) throws {
        let right = ["ip_number", "reg_no"]
        try pg.bulk("registration_rights", columns: right, rows: delta.rightsRemoved.map { [$0.ipNumber.databaseValue, $0.regNo.databaseValue] }) {
            "DELETE FROM registration_rights r USING \($0) WHERE r.ip_number = s.ip_number AND r.reg_no = s.reg_no"
        }
        try pg.bulk("registration_rights", columns: right,
                    rows: delta.rightsAdded.sorted(by: PledgedRight.keyOrder).map { [$0.ipNumber.databaseValue, $0.regNo.databaseValue] }) {
            "INSERT INTO registration_rights(ip_number, reg_no) SELECT * FROM \($0)"
        }
        try pg.bulk("enterprises", columns: ["uscc", "name"], rows: delta.enterprises.map { [$0.key.databaseValue, $0.value.databaseValue] }) {
            "INSERT INTO enterprises(uscc, name) SELECT * FROM \($0) ON CONFLICT(uscc) DO UPDATE SET name = excluded.name"
        }
        if enterpriseNames != nil { enterpriseNames!.merge(delta.enterprises) { $1 } }
        for (table, key, rows) in totalsRows {
            let changed = rows.filter { $0.change != Totals() }
            let columns = key + ["registrations", "amount_fen"]
            try pg.bulk(table, columns: columns, rows: changed.map { $0.key + [$0.change.registrations.databaseValue, $0.change.amountFen.databaseValue] }) {
                """
                INSERT INTO \(table) AS t(\(columns.joined(separator: ", "))) SELECT * FROM \($0)
                ON CONFLICT(\(key.joined(separator: ", "))) DO UPDATE
                SET registrations = t.registrations + excluded.registrations, amount_fen = t.amount_fen + excluded.amount_fen
                """
            }
            // A row whose count reaches zero goes.
            try pg.bulk(table, columns: key, rows: changed.filter { $0.change.registrations < 0 }.map(\.key)) {
                "DELETE FROM \(table) t USING \($0) WHERE \(key.map { "t.\($0) = s.\($0)" }.joined(separator: " AND ")) AND t.registrations = 0"
            }
        }
        try writeServed(delta.served.sorted(by: { ProjectionDelta.ServedKey.keyOrder($0.key, $1.key) }))
    }

    /// `writeServed` as sets: additions upserted (a row whose count equals its addition is new), removals that empty a
    /// row deleted, the other removals subtracted; then each target's count of rows.
    func writeServedSets(_ served: [(key: ProjectionDelta.ServedKey, value: Int64)], _ pg: PostgresSession) throws {
        var rows: [String: Int64] = [:]
        let added = served.filter { $0.value > 0 }, removed = served.filter { $0.value < 0 }
        let columns = ["target", "uscc", "registrations"]
        func values(_ list: [(key: ProjectionDelta.ServedKey, value: Int64)]) -> [[DatabaseValue]] {
            list.map { [$0.key.target.databaseValue, $0.key.uscc.databaseValue, $0.value.databaseValue] }
        }
        var addition: [ProjectionDelta.ServedKey: Int64] = [:]
        for (k, n) in added { addition[k] = n }
        try pg.bulk("target_enterprises", columns: columns, rows: values(added), {
            """
            INSERT INTO target_enterprises AS t(target, uscc, registrations) SELECT * FROM \($0)
            ON CONFLICT(target, uscc) DO UPDATE SET registrations = t.registrations + excluded.registrations
            RETURNING t.target, t.uscc, t.registrations
            """
        }, each: { row in
            let key = ProjectionDelta.ServedKey(target: row[0], uscc: row[1]), after: Int64 = row[2]
            if addition[key] == after { rows[key.target, default: 0] += 1 }
        })
        var emptied = Set<ProjectionDelta.ServedKey>()
        try pg.bulk("target_enterprises", columns: columns, rows: values(removed), {
            """
            DELETE FROM target_enterprises t USING \($0)
            WHERE t.target = s.target AND t.uscc = s.uscc AND t.registrations + s.registrations = 0 RETURNING t.target, t.uscc
            """
        }, each: { row in
            let key = ProjectionDelta.ServedKey(target: row[0], uscc: row[1])
            emptied.insert(key)
            rows[key.target, default: 0] -= 1
        })
        let rest = removed.filter { !emptied.contains($0.key) }
        var subtracted = 0
        try pg.bulk("target_enterprises", columns: columns, rows: values(rest), {
            """
            UPDATE target_enterprises t SET registrations = t.registrations + s.registrations FROM \($0)
            WHERE t.target = s.target AND t.uscc = s.uscc RETURNING t.target
            """
        }, each: { _ in subtracted += 1 })
        guard subtracted == rest.count else { throw LedgerDataError("target_enterprises: a removal found no row") }
        for (target, n) in rows where n != 0 {
            try db.statement("UPDATE targets SET enterprises = enterprises + ? WHERE name = ?").run([n, target])
        }
    }
}
