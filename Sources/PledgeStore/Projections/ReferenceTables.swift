import GRDB
import PledgeCore

/// The reference lists (`reference` entries replace them whole).
enum ReferenceTables {
    static func replace(_ p: ReferencePayload, db: any SQLSession) throws {
        for table in ["park_aliases", "bank_aliases", "parks", "banks", "prefectures"] {
            try db.execute(sql: "DELETE FROM \(table)")
        }
        for x in p.prefectures {
            try db.execute(sql: "INSERT INTO prefectures(code, name, short) VALUES (?, ?, ?)", arguments: [x.code, x.name, x.short])
        }
        for x in p.parks {
            try db.execute(sql: "INSERT INTO parks(name, prefecture_code, level) VALUES (?, ?, ?)", arguments: [x.name, x.prefectureCode, x.level])
            for a in x.aliases { try db.execute(sql: "INSERT INTO park_aliases(alias, park) VALUES (?, ?)", arguments: [a, x.name]) }
        }
        for x in p.banks {
            try db.execute(sql: "INSERT INTO banks(name) VALUES (?)", arguments: [x.name])
            for a in x.aliases { try db.execute(sql: "INSERT INTO bank_aliases(alias, bank) VALUES (?, ?)", arguments: [a, x.name]) }
        }
    }
}

/// A closed month (`period-close` entries): its head and totals as they were at closing.
enum PeriodTables {
    static func insert(_ p: PeriodClose, seq: Int64, db: any SQLSession) throws {
        try db.execute(sql: "INSERT INTO periods(month, seq, head_seq, head_hash, registrations, amount_fen) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [p.month, seq, p.headSeq, p.headHash, p.registrations, p.amount.value])
        let insert = try db.statement("""
            INSERT INTO period_totals(month, ip_type, prefecture_code, park, bank, rywq, first_loan, registrations, amount_fen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for t in p.totals {
            try insert.run([p.month, t.ipType, t.prefectureCode, t.park, t.bank, t.rywq, t.firstLoan, t.registrations, t.amountFen])
        }
    }

    /// A month opened again: its frozen figures are no longer the ledger's (the journal keeps them).
    static func remove(month: String, db: any SQLSession) throws {
        try db.execute(sql: "DELETE FROM period_totals WHERE month = ?", arguments: [month])
        try db.execute(sql: "DELETE FROM periods WHERE month = ?", arguments: [month])
    }
}
