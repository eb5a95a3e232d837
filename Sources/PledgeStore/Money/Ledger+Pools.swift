import GRDB
import PledgeCore

/// A pool as `report pool` shows it: its money, the losses claimed from it, and the loans it covers.
public struct PoolStatus: Sendable {
    public struct Loss: Sendable { public var regNo: String, date: CivilDate, outcome: LossOutcome }
    public var pool: RiskPool
    public var contributions: Fen, payouts: Fen
    public var balance: Fen { contributions - payouts }
    public var owed: Fen { losses.reduce(.zero) { $0 + $1.outcome.owed } }
    /// Registrations in the pool's scope that are active or defaulted, and their amount.
    public var coveredRegistrations: Int, coveredAmount: Fen
    public var losses: [Loss]
}

/// Risk-compensation pools (风险补偿资金池), disposals (质物处置) and losses: journaled, and refused where
/// `RecoveryRule` says so.
extension Ledger {
    public func setPool(_ pool: RiskPool) throws -> AppendedEntry {
        try pool.validate()
        return try write { tx in try tx.append(.pool(pool)) }
    }

    public func contribute(_ c: PoolContribution) throws -> AppendedEntry {
        guard c.amount.value > 0 else { throw FieldError(field: "amount", value: "0", rule: .amountNotPositive) }
        return try write { tx in
            guard try PoolTables.pool(tx.db, name: c.pool) != nil else { throw StoreError.poolMissing(name: c.pool) }
            return try tx.append(.poolContribution(c))
        }
    }

    public func dispose(_ regNo: String, _ d: Disposal) throws -> AppendedEntry {
        try write { tx in
            let state = try existing(regNo, tx)
            let disposed = try PoolTables.disposal(tx.db, regNo: regNo) != nil
            if let v = RecoveryRule.checkDisposal(d, on: state, disposed: disposed) { throw StoreError.recoveryRefused(regNo: regNo, v) }
            return try tx.append(.dispose(d), regNo: regNo)
        }
    }

    /// Claims the loss on defaulted `regNo` from its pool; the entry and what the claim came to.
    public func claimLoss(_ regNo: String, _ c: LossClaim) throws -> (entry: AppendedEntry, outcome: LossOutcome) {
        try write { tx in
            let state = try existing(regNo, tx)
            guard let (pool, balance) = try PoolTables.pool(tx.db, name: c.pool) else { throw StoreError.poolMissing(name: c.pool) }
            let disposal = try PoolTables.disposal(tx.db, regNo: regNo)
            let claimed = try Bool.fetchOne(tx.db, sql: "SELECT EXISTS (SELECT 1 FROM pool_losses WHERE reg_no = ?)", arguments: [regNo]) ?? false
            if let v = RecoveryRule.checkLoss(c, on: state, disposal: disposal, pool: pool, claimed: claimed) {
                throw StoreError.recoveryRefused(regNo: regNo, v)
            }
            let outcome = LossOutcome(claim: c, registration: state.registration, disposal: disposal, pool: pool, balance: balance)
            return (try tx.append(.loss(c), regNo: regNo), outcome)
        }
    }

    /// Every pool, by name.
    public func poolStatuses() throws -> [PoolStatus] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM pools ORDER BY name").map { try Self.poolStatus(db, name: $0) } }
    }

    public func poolStatus(_ name: String) throws -> PoolStatus { try read { db in try Self.poolStatus(db, name: name) } }

    static func poolStatus(_ db: any SQLSession, name: String) throws -> PoolStatus {
        guard let row = try SQLRow.fetchOne(db, sql: "SELECT contributions_fen, payouts_fen FROM pools WHERE name = ?", arguments: [name]),
              let (pool, _) = try PoolTables.pool(db, name: name) else { throw StoreError.poolMissing(name: name) }
        let (dimension, group): (GroupDimension, String) =
            pool.park.map { (.park, $0) } ?? pool.prefectureCode.map { (.prefecture, $0) } ?? pool.bank.map { (.bank, $0) } ?? (.all, "")
        let covered = try SQLRow.fetchOne(db, sql: """
            SELECT coalesce(sum(registrations), 0), coalesce(sum(amount_fen), 0) FROM group_totals
            WHERE dimension = ? AND grp = ? AND status IN ('active', 'defaulted')
            """, arguments: [dimension.rawValue, group])!
        let losses = try SQLRow.fetchAll(db, sql: "SELECT * FROM pool_losses WHERE pool = ? ORDER BY seq", arguments: [name]).map { r in
            guard let date = try? CivilDate.parse(r["loss_on"] as String) else { throw StoreError.damagedData(detail: "pool_losses: \(r["reg_no"] as String) is unreadable") }
            func f(_ c: String) -> Fen { Fen(r[c]) }
            let o = LossOutcome(principal: f("principal_fen"), recovered: f("recovered_fen"), loss: f("loss_fen"), fundShare: f("fund_share_fen"),
                                bankShare: f("bank_share_fen"), insurerShare: f("insurer_share_fen"), appraiserShare: f("appraiser_share_fen"),
                                fundDue: f("fund_due_fen"), paid: f("paid_fen"), owed: f("owed_fen"))
            return PoolStatus.Loss(regNo: r["reg_no"], date: date, outcome: o)
        }
        return PoolStatus(pool: pool, contributions: Fen(row[0]), payouts: Fen(row[1]), coveredRegistrations: covered[0], coveredAmount: Fen(covered[1]),
                          losses: losses)
    }
}
