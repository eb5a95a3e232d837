import Foundation
import GRDB
import PledgeCore

/// The dimensions of `group_totals` (Schema/002_group_totals.sql): the statistic per month, IP type and
/// status, split along one of them at a time, so every report and query total reads O(months × groups) rows.
public enum GroupDimension: String, CaseIterable, Sendable {
    case all, prefecture, park, bank, rywq, firstLoan = "first_loan"

    /// The group a registration with these fields falls in ('' when the field is not recorded).
    func group(prefecture: String, park: String, bank: String, rywq: Bool, firstLoan: Bool) -> String {
        switch self {
        case .all: ""
        case .prefecture: prefecture
        case .park: park
        case .bank: bank
        case .rywq: rywq ? "1" : "0"
        case .firstLoan: firstLoan ? "1" : "0"
        }
    }

    /// The `registrations` expression that yields the same group, for the partial months read from it.
    var registrationsColumn: String {
        switch self {
        case .all: "''"
        case .prefecture: "coalesce(prefecture_code, '')"
        case .park: "coalesce(park, '')"
        case .bank: "bank"
        case .rywq: "CAST(rywq AS TEXT)"
        case .firstLoan: "CAST(first_loan AS TEXT)"
        }
    }
}

/// One key of `group_totals`. Hashed and compared by UTF-8 bytes, as SQLite compares them (and much faster
/// than String's Unicode-normalizing hash for Chinese names).
struct GroupTotalsKey: Hashable {
    var dimension: GroupDimension, group: String, month: String, ipType: String, status: String

    func hash(into h: inout Hasher) {
        h.combine(dimension)
        group.hashBytes(into: &h); month.hashBytes(into: &h); ipType.hashBytes(into: &h); status.hashBytes(into: &h)
    }

    static func == (a: Self, b: Self) -> Bool {
        a.dimension == b.dimension && a.group.sameBytes(b.group) && a.month.sameBytes(b.month) && a.ipType.sameBytes(b.ipType)
            && a.status.sameBytes(b.status)
    }
}

/// A target's window as the projections need it: which registrations count for it.
struct TargetWindow {
    var name: String, from: String, to: String, ipType: String?

    func counts(_ s: StoredRegistration) -> Bool {
        guard s.status != .void else { return false }
        let date = s.registration.regDate.description
        return date >= from && date <= to && (ipType == nil || ipType == s.registration.ipType.rawValue)
    }

    static func all(_ db: Database) throws -> [TargetWindow] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT name, from_date, to_date, ip_type FROM targets ORDER BY seq"))
            .map { TargetWindow(name: $0["name"], from: $0["from_date"], to: $0["to_date"], ipType: $0["ip_type"]) }
    }
}

/// Keeps `group_totals` and `target_enterprises` in step with `registrations`.
enum GroupTotals {
    static let upsertSQL = """
        INSERT INTO group_totals(dimension, grp, month, ip_type, status, registrations, amount_fen) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT DO UPDATE SET registrations = registrations + excluded.registrations, amount_fen = amount_fen + excluded.amount_fen
        """

    /// Adds `registrations`/`amount` (negative to remove) to one key; a key that reaches zero registrations goes.
    static func add(_ key: GroupTotalsKey, registrations: Int64, amount: Int64, db: Database) throws {
        let args: StatementArguments = [key.dimension.rawValue, key.group, key.month, key.ipType, key.status]
        try db.cachedStatement(sql: upsertSQL).execute(arguments: args + [registrations, amount])
        if registrations < 0 {
            try db.cachedStatement(sql: """
                DELETE FROM group_totals WHERE dimension = ? AND grp = ? AND month = ? AND ip_type = ? AND status = ? AND registrations = 0
                """).execute(arguments: args)
        }
    }

    /// The six keys one registration contributes to.
    static func keys(_ s: StoredRegistration) -> [GroupTotalsKey] {
        let r = s.registration
        return keys(month: r.regDate.yearMonth.description, ipType: r.ipType.rawValue, status: s.status.rawValue,
                    prefecture: r.prefectureCode ?? "", park: r.park ?? "", bank: r.bank, rywq: r.rywq, firstLoan: r.firstLoan)
    }

    static func keys(month: String, ipType: String, status: String, prefecture: String, park: String, bank: String,
                     rywq: Bool, firstLoan: Bool) -> [GroupTotalsKey] {
        GroupDimension.allCases.map { d in
            GroupTotalsKey(dimension: d, group: d.group(prefecture: prefecture, park: park, bank: bank, rywq: rywq, firstLoan: firstLoan),
                           month: month, ipType: ipType, status: status)
        }
    }

    /// Adds `delta` registrations of `uscc` to a target's served enterprises, keeping `targets.enterprises`
    /// (the number of rows) in step.
    static func addServed(target: String, uscc: String, delta: Int64, db: Database) throws {
        let current = try Int64.fetchOne(db.cachedStatement(sql: "SELECT registrations FROM target_enterprises WHERE target = ? AND uscc = ?"),
                                         arguments: [target, uscc]) ?? 0
        let new = current + delta
        guard new >= 0 else { throw LedgerDataError("target_enterprises of \(target) would count \(new) registrations of \(uscc)") }
        if new == 0 {
            try db.cachedStatement(sql: "DELETE FROM target_enterprises WHERE target = ? AND uscc = ?").execute(arguments: [target, uscc])
        } else {
            try db.cachedStatement(sql: """
                INSERT INTO target_enterprises(target, uscc, registrations) VALUES (?, ?, ?)
                ON CONFLICT DO UPDATE SET registrations = excluded.registrations
                """).execute(arguments: [target, uscc, new])
        }
        try countServedRows(target: target, delta: (current == 0) == (new == 0) ? 0 : (new == 0 ? -1 : 1), db: db)
    }

    /// Keeps `targets.enterprises` equal to the number of the target's `target_enterprises` rows.
    static func countServedRows(target: String, delta: Int64, db: Database) throws {
        guard delta != 0 else { return }
        try db.cachedStatement(sql: "UPDATE targets SET enterprises = enterprises + ? WHERE name = ?").execute(arguments: [delta, target])
    }

    /// Inserts the target's rows (registrations per USCC in its window, void ones not counted) for the registrations
    /// with rowid in `rowids` (all when nil), in USCC order; returns how many rows it inserted. The target must have
    /// none of those USCCs yet.
    static func insertServed(_ t: TargetWindow, rowids: (after: Int64, through: Int64)? = nil, db: Database) throws -> Int {
        let range = rowids == nil ? "" : "rowid > ? AND rowid <= ? AND "
        let typeClause = t.ipType == nil ? "" : " AND ip_type = ?"
        var arguments: StatementArguments = [t.name]
        if let rowids { arguments += [rowids.after, rowids.through] }
        arguments += [t.from, t.to] + (t.ipType.map { [$0] } ?? [])
        try db.execute(sql: """
            INSERT INTO target_enterprises(target, uscc, registrations)
            SELECT ?, uscc, count(*) FROM registrations WHERE \(range)reg_date BETWEEN ? AND ? AND status <> 'void'\(typeClause)
             GROUP BY uscc ORDER BY uscc
            """, arguments: arguments)
        return db.changesCount
    }

    /// Recomputes one target's served enterprises from `registrations` (when the target is set or changed).
    static func rebuildServed(_ t: TargetWindow, db: Database) throws {
        try db.execute(sql: "DELETE FROM target_enterprises WHERE target = ?", arguments: [t.name])
        _ = try insertServed(t, db: db)
        try db.execute(sql: "UPDATE targets SET enterprises = (SELECT count(*) FROM target_enterprises WHERE target = ?) WHERE name = ?",
                       arguments: [t.name, t.name])
    }
}
