import GRDB

/// A first load's rights, enterprise names and served pairs, written from the `registrations` rows it inserted
/// (a range of rowids) by SQLite itself, each table in the order of its key: one pass over each b-tree's pages instead
/// of a page at random per row. Measured with `sqlite3` at 1M rows: the 2M rights 11.2 s in import order, 3.7 s
/// sorted; the 317k enterprises 2.6 s and one target's served pairs 1.0 s, where the import's own upserts of them
/// (60,000 keys at a time, sorted in Swift) took about 10 % of its CPU.
///
/// Written once, into tables that hold nothing of these rows yet (a ledger without registrations has no rights,
/// enterprises or served pairs), so plain INSERTs: a key written twice is an error, not a silent merge. Exact only
/// for rows that nothing changed since they were inserted (`BulkProjectionWriter.flush` runs before any lifecycle
/// entry), which is what `Projector.apply(.register)` writes for each: its rights are its `ip_numbers` split at ';',
/// the name of the last registration of a USCC (by entry, so by rowid) wins, and every one is active.
enum DerivedProjections {
    /// The largest rowid of `registrations`: rows after it are the next range.
    static func lastRowid(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM registrations") ?? 0
    }

    /// Writes the projections of the registrations with rowid in `after + 1 ... through`.
    static func write(_ db: Database, after: Int64, through: Int64) throws {
        guard through > after else { return }
        try db.execute(sql: rightsSQL, arguments: [after, through])
        try db.execute(sql: enterprisesSQL, arguments: [after, through])
        for t in try TargetWindow.all(db) { try writeServed(t, after: after, through: through, db: db) }
    }

    /// The split in SQL: `ip_numbers` made a JSON array (a right's number has no control character and no ';';
    /// quotes and backslashes are escaped), read back by `json_each`.
    static let rightsSQL = #"""
        INSERT INTO registration_rights(ip_number, reg_no)
        SELECT n.value, r.reg_no
          FROM registrations r,
               json_each('["' || replace(replace(replace(r.ip_numbers, '\', '\\'), '"', '\"'), ';', '","') || '"]') n
         WHERE r.rowid > ? AND r.rowid <= ?
         ORDER BY 1, 2
        """#

    /// The bare `enterprise` comes from the row with the largest rowid of its group (SQLite's documented rule for a
    /// query with a single max()). No ORDER BY: the GROUP BY's sorter already yields the USCCs in order (an ORDER BY
    /// here would sort them a second time); the order is for the b-tree's sake, not the result's.
    static let enterprisesSQL = """
        INSERT INTO enterprises(uscc, name)
        SELECT uscc, enterprise FROM (SELECT uscc, enterprise, max(rowid) FROM registrations WHERE rowid > ? AND rowid <= ? GROUP BY uscc)
        """

    /// The range's registrations per USCC in the target's window, and their number in `targets.enterprises`.
    static func writeServed(_ t: TargetWindow, after: Int64, through: Int64, db: Database) throws {
        let inserted = try GroupTotals.insertServed(t, rowids: (after, through), db: db)
        try GroupTotals.countServedRows(target: t.name, delta: Int64(inserted), db: db)
    }
}
