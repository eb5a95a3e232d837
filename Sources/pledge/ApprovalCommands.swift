import ArgumentParser
import PledgeCore
import PledgeIO
import PledgeStore

extension ProposalStatus: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.trimmingSpaces.lowercased() {
        case "pending", "待审批": self = .pending
        case "approved", "已批准": self = .approved
        case "rejected", "已驳回": self = .rejected
        default: return nil
        }
    }
}

struct ProposalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proposals", abstract: L("列出待审批、已批准和已驳回的提案", "List proposals: pending, approved, rejected."),
        discussion: L("示例：pledge proposals --status pending", "Example: pledge proposals --status pending"))
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(L("pending（待审批）、approved（已批准）或 rejected（已驳回）；默认全部", "pending, approved or rejected; all by default."))) var status: ProposalStatus?
    @Option(help: ArgumentHelp(L("只列出此人提交的提案", "Only the proposals this person made."))) var proposer: String?
    @Option(help: ArgumentHelp(L("table（表格）或 json", "table or json."))) var format: ViewFormat = .table

    func run() throws {
        let proposals = try global.openLedger().proposals(status: status, proposer: proposer)
        Console.out(try ProposalListing(proposals: proposals).render(format: format, language: global.language))
    }
}

struct ProposalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proposal", abstract: L("显示一个提案：每条变更，新登记的内容或更正前 → 后", "Show one proposal: each change, a new registration's fields or a correction before → after."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("提案编号", "The proposal's number."))) var number: Int64
    @Option(help: ArgumentHelp(L("table（表格）或 json", "table or json."))) var format: ViewFormat = .table

    func run() throws {
        let ledger = try global.openLedger()
        guard let record = try ledger.proposal(number) else { throw StoreError.proposalMissing(seq: number) }
        Console.out(try ProposalView(record: record).render(format: format, language: global.language, reference: try ledger.reference()))
    }
}

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: L("批准提案：按提交的内容写入（须由提交人以外的人执行）", "Approve a proposal: its changes are written as proposed (not by the person who proposed it)."),
        discussion: L("""
            批准时按当时的台账重新校验（已关账月份、冲突、状态）；任何问题都不写入，提案保持待审批（退出码 73）。提交人本人批准：退出码 77。
            示例：pledge --operator 李审核 approve 12
            """, """
            The changes are checked against the ledger as it is now (closed months, conflicts, state); any refusal writes nothing \
            and the proposal stays pending (exit 73). The proposer approving: exit 77.
            Example: pledge --operator checker approve 12
            """))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("提案编号", "The proposal's number."))) var number: Int64

    func run() throws {
        try global.requireWritable()
        let (approval, applied) = try global.openLedger().approve(number)
        Console.out(Console.messages.text(.approvedProposal, ["seq": String(number), "changes": String(applied.count)]))
        Console.out("seq \(approval.seq)…\(applied.last?.seq ?? approval.seq)  hash \(applied.last?.hash ?? approval.hash)")
    }
}

struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: L("驳回提案，并说明原因（须由提交人以外的人执行）", "Reject a proposal, and why (not by the person who proposed it)."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("提案编号", "The proposal's number."))) var number: Int64
    @Option(help: ArgumentHelp(L("原因（记入日志）；必填", "Why (recorded in the journal); required."))) var reason: String?

    func validate() throws { try requireReason(reason) }

    func run() throws {
        try global.requireWritable()
        let entry = try global.openLedger().reject(number, reason: (reason ?? "").trimmingSpaces)
        receipt(Console.messages.text(.rejectedProposal, ["seq": String(number)]), entry)
    }
}
