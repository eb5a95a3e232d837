import ArgumentParser
import PledgeCore
import PledgeIO
import PledgeStore

struct PeriodCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "period", abstract: "Close a month (freeze its figures), reopen one, or list the closed months.",
        subcommands: [Close.self, Reopen.self, List.self])

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Freeze a month and every earlier open one: each month's totals and the journal head are recorded in one entry.",
            discussion: """
                A month is never closed while an earlier month with registrations is open: closing 2025-12 also closes \
                2025-06 if it is still open. Afterwards a registration, correction, void or import row dated in that month is refused (exit 73) \
                unless --late, which is recorded in the entry and shown as a late adjustment in later reports; \
                `report monthly --as-closed` reproduces the month as it was closed.
                Example: pledge period close 2025-03
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The month, YYYY-MM (it must have ended).") var month: String

        func run() throws {
            try global.requireWritable()
            let m = try YearMonth.parse(month, field: "MONTH")
            let closes = try global.openLedger().closePeriod(m, today: CivilDate.today())
            for (_, close) in closes {
                Console.out(global.language.pick(
                    "已关账 \(close.month)：\(close.registrations) 笔，\(close.amount.wanDisplay) 万元（全部类型）",
                    "closed \(close.month): \(close.registrations) registrations, \(close.amount.wanDisplay) 万元 (all IP types)"))
            }
            // The last close entry's own head: a copy kept outside the ledger proves the frozen figures (`audit verify --expect-head`).
            let entry = closes.last!.entry
            Console.out(global.language.pick(
                "关账日志 \(entry.seq):\(entry.hash)（请在台账之外另存；audit verify --expect-head 可证明冻结数字未被改动）",
                "head \(entry.seq):\(entry.hash) (keep a copy outside the ledger; audit verify --expect-head proves the frozen figures unchanged)"))
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a closed month again, and every later closed month: an administrator's act, journaled with its reason.",
            discussion: """
                The frozen figures stay in the journal; the month's registrations can then be changed without --late. \
                Close it again with `period close`.
                Example: pledge period reopen 2025-03 --reason "人民银行通知补报 3 月数据"
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The month, YYYY-MM.") var month: String
        @Option(help: "Why (recorded in the journal); required.") var reason: String?

        func validate() throws { try requireReason(reason) }

        func run() throws {
            try global.requireWritable()
            let m = try YearMonth.parse(month, field: "MONTH")
            for (entry, reopened) in try global.openLedger().reopenPeriod(m, reason: (reason ?? "").trimmingSpaces) {
                receipt(global.language.pick("已重新开账 \(reopened)", "reopened \(reopened)"), entry)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List closed months with their frozen totals and journal heads.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "table or json.") var format: ViewFormat = .table

        func run() throws {
            let periods = try global.openLedger().closedPeriods()
            Console.out(try PeriodListing(periods: periods).render(format: format, language: global.language))
        }
    }
}
