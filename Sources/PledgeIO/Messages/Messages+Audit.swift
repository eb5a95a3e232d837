import PledgeCore
import PledgeStore

extension Messages {
    /// One `audit verify` finding, one line.
    public func describe(_ f: AuditFinding) -> String {
        switch f {
        case .entry(let seq, let p): return text(.auditEntry, ["seq": String(seq), "problem": entry(p, seq: seq)])
        case .row(let table, let key, let p):
            switch p {
            case .missing: return text(.auditRowMissing, ["table": table, "key": key])
            case .extra: return text(.auditRowExtra, ["table": table, "key": key])
            case .differs(let ds):
                let what = ds.map { text(.auditDifference, ["column": $0.column, "ledger": $0.ledger, "journal": $0.journal]) }
                return text(.auditRowDiffers, ["table": table, "key": key, "differences": what.joined(separator: language == .zh ? "；" : "; ")])
            }
        case .schema(let p, let type, let name, let sql):
            let trigger = type == "journal-trigger"
            let args = ["type": type, "name": name, "sql": sql ?? ""]
            switch p {
            case .missing: return text(trigger ? .auditTriggerMissing : .auditObjectMissing, args)
            case .changed: return text(trigger ? .auditTriggerChanged : .auditObjectChanged, args)
            case .extra: return text(trigger ? .auditTriggerExtra : .auditObjectExtra, args)
            }
        case .migrations(let recorded, let known):
            return text(.auditMigrations, ["recorded": recorded.isEmpty ? text(.auditNoMigration) : recorded.joined(separator: ", "),
                                           "known": known.joined(separator: ", ")])
        case .totalsBeyondInt64: return text(.auditTotalsBeyondInt64)
        case .expectedHeadGone(let seq, let hash, let last):
            return text(.auditExpectedHeadGone, ["seq": String(seq), "hash": hash, "last": String(last)])
        }
    }

    private func entry(_ p: AuditFinding.EntryProblem, seq: Int64) -> String {
        switch p {
        case .seqGap(let expected): text(.auditSeqGap, ["expected": String(expected)])
        case .brokenLink: text(.auditBrokenLink, ["previous": String(seq - 1)])
        case .hashMismatch: text(.auditHashMismatch)
        case .columnType: text(.auditColumnType)
        case .notExpectedHead(let hash, let expected): text(.auditNotExpectedHead, ["hash": hash, "expected": expected])
        case .unreadable: text(.auditUnreadable)
        case .notCanonical: text(.auditNotCanonical)
        case .columnsDiffer: text(.auditColumnsDiffer)
        case .timeBackwards(let at, let previous): text(.auditTimeBackwards, ["at": at, "previous": previous])
        case .regNoColumn(let r): text(.auditRegNoColumn, ["regNo": r])
        case .unapproved: text(.auditUnapproved)
        case .notAsProposed(let n): text(.auditNotAsProposed, ["proposal": String(n)])
        case .approvalIncomplete(let n): text(.auditApprovalIncomplete, ["proposal": String(n)])
        case .unknownProposal(let n): text(.auditUnknownProposal, ["proposal": String(n)])
        case .decidedTwice(let n): text(.auditDecidedTwice, ["proposal": String(n)])
        case .decidedByProposer(let n, let name): text(.auditDecidedByProposer, ["proposal": String(n), "name": name])
        case .amountOutOfRange(let fen): text(.auditAmountOutOfRange, ["fen": String(fen)])
        case .registeredTwice(let r): text(.auditRegisteredTwice, ["regNo": r])
        case .notRegistered(let r): text(.auditNotRegistered, ["regNo": r ?? "(none)"])
        case .forbidden(let kind, let e): text(.auditForbidden, ["kind": language == .zh ? self.kind(kind) : kind.rawValue, "reason": describe(e)])
        case .closedTwice(let m): text(.auditClosedTwice, ["month": m])
        case .wrongAnchor(let m, let hs, let hh, let ps, let ph):
            text(.auditWrongAnchor, ["month": m, "headSeq": String(hs), "headHash": hh, "previousSeq": String(ps), "previousHash": ph])
        case .wrongTotals(let m): text(.auditWrongTotals, ["month": m])
        case .reopensOpenMonth(let m): text(.auditReopensOpenMonth, ["month": m])
        case .removesMissingTarget(let n): text(.auditRemovesMissingTarget, ["name": n])
        case .defaultsMissingTarget(let n): text(.auditDefaultsMissingTarget, ["name": n])
        case .closedMonthWithoutLate(let d, let m): text(.auditClosedMonthWithoutLate, ["date": d.description, "month": m])
        case .unknownSetting(let k, let v): text(.auditUnknownSetting, ["key": k, "value": v])
        case .invalidRecord(let n): text(.auditInvalidRecord, ["name": n])
        case .unknownPolicy(let n): text(.auditUnknownPolicy, ["name": n])
        case .overpaid(let u, let p): text(.auditOverpaid, ["uscc": u, "policy": p])
        case .unknownPool(let n): text(.auditUnknownPool, ["name": n])
        case .recoveryRefused(let v): recovery(v)
        }
    }
}

extension Messages {
    /// Why a disposal or a loss claim is refused.
    public func recovery(_ v: RecoveryRule.Violation) -> String {
        switch v {
        case .notDefaulted(let s): text(.recoveryNotDefaulted, ["status": status(s)])
        case .beforeDefault(let d, let defaulted): text(.recoveryBeforeDefault, ["date": d.description, "defaultDate": defaulted.description])
        case .disposedTwice: text(.recoveryDisposedTwice)
        case .claimedTwice: text(.recoveryClaimedTwice)
        case .beforeDisposal(let d, let disposal): text(.recoveryBeforeDisposal, ["date": d.description, "disposalDate": disposal.description])
        case .notCovered(let p): text(.recoveryNotCovered, ["pool": p])
        case .principalAboveAmount: text(.recoveryPrincipal)
        case .nothingLost: text(.recoveryNothingLost)
        }
    }
}
