import PledgeStore

extension StoreError {
    /// The command line's wording: what happened, and which command or option helps.
    var cliMessage: String {
        switch self {
        case .ledgerMissing(let p):
            "no ledger at \(p); create one with `pledge --db \(p) init` (or set --db / $PLEDGE_DB)"
        case .ledgerExists(let p):
            "a file already exists at \(p); `init` never overwrites a ledger: choose another --db path"
        case .notALedger(let p, let d):
            "\(p) is not a pledge ledger (\(d)); check the --db path"
        case .newerSchema(let p):
            "\(p) was written by a newer version of pledge; upgrade pledge before using this ledger"
        case .olderSchema(let p):
            "\(p) was written by an older version of pledge and is open read-only; open it once without --read-only (e.g. `pledge --db \(p) audit head`) to upgrade its schema"
        case .readOnly(let p):
            "the ledger \(p) is open read-only (--read-only or PLEDGE_READ_ONLY=1); nothing was written"
        case .busy(let p):
            "the ledger \(p) is locked by another writer; nothing was written, try again in a moment"
        case .interruptedWrite(let p):
            "\(p) holds an interrupted write (\(p)-journal) that a read-only open cannot roll back; open it once without --read-only (e.g. `pledge --db \(p) audit head`), which restores the last committed state"
        case .io(let p, let d):
            "cannot read or write \(p): \(d)"
        case .registrationExists(let r):
            "登记号 \(r) is already registered; nothing was written (use `pledge correct \(r)` to fix a field)"
        case .registrationMissing(let r):
            "登记号 \(r) is not in the ledger; check the number with `pledge query`"
        case .targetMissing(let n):
            "no target named \(n); see `pledge target list`"
        case .closedPeriod(let r, let d, let m):
            "登记号 \(r) is dated \(d), in the closed period \(m); nothing was written (pass --late to record it as a late adjustment)"
        case .periodAlreadyClosed(let m):
            "the period \(m) is already closed; see `pledge period list`"
        case .periodNotOver(let m):
            "the month \(m) has not ended yet; a period can be closed from its last day on"
        case .totalsOutOfRange:
            "the ledger's totals would pass the largest amount it can hold (92,233,720,368,547,758.07 元); nothing was written (check the amounts and their unit)"
        case .damagedSchema(let p, let d):
            "\(p) is damaged: \(d); nothing was written. Restore the ledger from its last backup (`pledge backup`) and run `pledge audit verify` on it"
        case .damagedData(let d):
            "the ledger was altered outside pledge: \(d); run `pledge --read-only audit verify` and restore the last backup"
        case .internalError(let d):
            "internal error: \(d); please report it with the command you ran"
        }
    }
}
