import PledgeCore

/// What `audit verify` found, as a value: the entry, row or schema object and what is wrong with it. The CLI and the
/// server word it (PledgeIO's catalog).
public enum AuditFinding: Sendable, Equatable {
    /// Something wrong with journal entry `seq`.
    case entry(Int64, EntryProblem)
    /// A table's row, named by its key as shown, against the journal's replay.
    case row(table: String, key: String, RowProblem)
    /// A schema object (table, index, trigger) against what the migrations create.
    case schema(SchemaProblem, type: String, name: String, sql: String?)
    /// The migration record is not the known list.
    case migrations(recorded: [String], known: [String])
    /// The journal's amounts add up beyond an Int64 of fen.
    case totalsBeyondInt64
    /// `--expect-head`'s entry is gone.
    case expectedHeadGone(seq: Int64, hash: String, lastSeq: Int64)

    public enum EntryProblem: Sendable, Equatable {
        case seqGap(expected: Int64)
        case brokenLink
        case hashMismatch
        case columnType
        case notExpectedHead(hash: String, expected: String)
        case unreadable
        case notCanonical
        case columnsDiffer
        case timeBackwards(at: String, previous: String)
        case regNoColumn(regNo: String)
        case amountOutOfRange(fen: Int64)
        case registeredTwice(regNo: String)
        case notRegistered(regNo: String?)
        case forbidden(kind: EntryKind, LifecycleError)
        case closedTwice(month: String)
        case wrongAnchor(month: String, headSeq: Int64, headHash: String, previousSeq: Int64, previousHash: String)
        case wrongTotals(month: String)
        case reopensOpenMonth(month: String)
        case removesMissingTarget(name: String)
        case defaultsMissingTarget(name: String)
        case closedMonthWithoutLate(date: CivilDate, month: String)
        case unknownSetting(key: String, value: String)
        /// A registration change while the ledger required approval, outside any approval.
        case unapproved
        /// An entry written by the approval of `proposal` that is not the change it proposed.
        case notAsProposed(proposal: Int64)
        /// The approval of `proposal` is not followed by all of its changes.
        case approvalIncomplete(proposal: Int64)
        case unknownProposal(proposal: Int64)
        case decidedTwice(proposal: Int64)
        /// Approved or rejected by the person who proposed it.
        case decidedByProposer(proposal: Int64, name: String)
        /// A policy or pool no command would record (a share or cap out of range).
        case invalidRecord(name: String)
        case unknownPolicy(name: String)
        /// A subsidy payment beyond what the policy owed the enterprise when it was paid.
        case overpaid(uscc: String, policy: String)
        case unknownPool(name: String)
        /// A disposal or loss claim the rules refuse (not defaulted, before the default, twice, …).
        case recoveryRefused(RecoveryRule.Violation)
    }

    public enum RowProblem: Sendable, Equatable {
        case missing
        case extra
        /// Each differing column: its name, the ledger's value and the journal's, as shown.
        case differs([Difference])
    }

    public struct Difference: Sendable, Equatable {
        public var column: String, ledger: String, journal: String
    }

    public enum SchemaProblem: Sendable, Equatable { case missing, changed, extra }

    /// The entry it names, if any (the first bad seq of a report).
    public var seq: Int64? {
        if case .entry(let seq, _) = self { return seq }
        return nil
    }
}
