import GRDB
import PledgeCore

/// The pool tables as the journal's `pool`, `pool-contribution`, `dispose` and `loss` entries leave them; a loss's
/// outcome is PledgeCore's `LossOutcome` on the pool's balance before it.
enum PoolTables {
    static func apply(_ event: LedgerEvent, seq: Int64, regNo: String?, db: any SQLSession) throws {
        switch event {
        case .pool(let p):
            try db.execute(sql: """
                INSERT INTO pools(name, fund_bp, bank_bp, insurer_bp, appraiser_bp, cap_per_loan_fen, park, prefecture_code, bank, seq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET (fund_bp, bank_bp, insurer_bp, appraiser_bp, cap_per_loan_fen, park, prefecture_code, bank, seq) =
                    (excluded.fund_bp, excluded.bank_bp, excluded.insurer_bp, excluded.appraiser_bp, excluded.cap_per_loan_fen, excluded.park,
                     excluded.prefecture_code, excluded.bank, excluded.seq)
                """, arguments: [p.name, p.fundBasisPoints, p.bankBasisPoints, p.insurerBasisPoints, p.appraiserBasisPoints, p.capPerLoan?.value,
                                 p.park, p.prefectureCode, p.bank, seq])
        case .poolContribution(let c):
            try db.execute(sql: "INSERT INTO pool_contributions(seq, pool, amount_fen, contributed_on, source) VALUES (?, ?, ?, ?, ?)",
                           arguments: [seq, c.pool, c.amount.value, c.date.description, c.from])
            try db.execute(sql: "UPDATE pools SET contributions_fen = contributions_fen + ? WHERE name = ?", arguments: [c.amount.value, c.pool])
        case .dispose(let d):
            try db.execute(sql: "INSERT INTO disposals(reg_no, route, recovered_fen, disposed_on, seq) VALUES (?, ?, ?, ?, ?)",
                           arguments: [regNo, d.route.rawValue, d.recovered.value, d.date.description, seq])
        case .loss(let c):
            guard let regNo, let state = try RegistrationState.fetch(db, regNo: regNo), let (pool, balance) = try Self.pool(db, name: c.pool) else {
                throw LedgerDataError("entry \(seq) claims a loss on \(regNo ?? "?") from \(c.pool), which the ledger lacks")
            }
            let o = LossOutcome(claim: c, registration: state.registration, disposal: try disposal(db, regNo: regNo), pool: pool, balance: balance)
            try db.execute(sql: """
                INSERT INTO pool_losses(reg_no, pool, loss_on, principal_fen, recovered_fen, loss_fen, fund_share_fen, bank_share_fen, insurer_share_fen,
                                        appraiser_share_fen, fund_due_fen, paid_fen, owed_fen, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [regNo, c.pool, c.date.description, o.principal.value, o.recovered.value, o.loss.value, o.fundShare.value, o.bankShare.value,
                                 o.insurerShare.value, o.appraiserShare.value, o.fundDue.value, o.paid.value, o.owed.value, seq])
            try db.execute(sql: "UPDATE pools SET payouts_fen = payouts_fen + ? WHERE name = ?", arguments: [o.paid.value, c.pool])
        default:
            break
        }
    }

    /// Pool `name` and its balance (contributions less payouts).
    static func pool(_ db: any SQLSession, name: String) throws -> (RiskPool, Fen)? {
        try SQLRow.fetchOne(db, sql: "SELECT * FROM pools WHERE name = ?", arguments: [name]).map { row in
            (RiskPool(name: row["name"], fundBasisPoints: row["fund_bp"], bankBasisPoints: row["bank_bp"], insurerBasisPoints: row["insurer_bp"],
                      appraiserBasisPoints: row["appraiser_bp"], capPerLoan: (row["cap_per_loan_fen"] as Int64?).map(Fen.init), park: row["park"],
                      prefectureCode: row["prefecture_code"], bank: row["bank"]),
             Fen((row["contributions_fen"] as Int64) - (row["payouts_fen"] as Int64)))
        }
    }

    static func disposal(_ db: any SQLSession, regNo: String) throws -> Disposal? {
        try SQLRow.fetchOne(db, sql: "SELECT route, recovered_fen, disposed_on FROM disposals WHERE reg_no = ?", arguments: [regNo]).map { row in
            guard let route = Disposal.Route(rawValue: row[0]), let date = try? CivilDate.parse(row[2] as String) else {
                throw StoreError.damagedData(detail: "disposals: \(regNo) is unreadable")
            }
            return Disposal(route: route, recovered: Fen(row[1]), date: date)
        }
    }
}
