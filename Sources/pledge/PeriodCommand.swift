import ArgumentParser
import PledgeCore
import PledgeIO
import PledgeStore

struct PeriodCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "period", abstract: L("关账（冻结当月数字）、重新开账，或列出已关账月份", "Close a month (freeze its figures), reopen one, or list the closed months."),
        subcommands: [Close.self, Reopen.self, List.self])

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: L("关账该月及此前所有未关账月份：每月的汇总和日志头部记为一条日志", "Freeze a month and every earlier open one: each month's totals and the journal head are recorded in one entry."),
            discussion: L("""
                某月之前还有未关账月份时会一并关账：关账 2025-12 时 2025-06 若未关账也会关账。此后日期属于该月的登记、更正、作废或导入行被拒绝（退出码 73），除非加 --late 和 --reason（记入日志，此后报表中显示为补录）；`report monthly --as-closed` 重现关账时的数字。
                示例：pledge period close 2025-03
                """, """
                A month is never closed while an earlier month with registrations is open: closing 2025-12 also closes \
                2025-06 if it is still open. Afterwards a registration, correction, void or import row dated in that month is refused (exit 73) \
                unless --late, which is recorded in the entry and shown as a late adjustment in later reports; \
                `report monthly --as-closed` reproduces the month as it was closed.
                Example: pledge period close 2025-03
                """))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("月份，YYYY-MM（须已结束）", "The month, YYYY-MM (it must have ended)."))) var month: String

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
            abstract: L("重新开账该月及其后所有已关账月份：管理员操作，连同原因记入日志", "Open a closed month again, and every later closed month: an administrator's act, journaled with its reason."),
            discussion: L("""
                冻结的数字保留在日志中；重新开账后该月的登记无需 --late 即可更改。用 `period close` 再次关账。
                示例：pledge period reopen 2025-03 --reason "人民银行通知补报 3 月数据"
                """, """
                The frozen figures stay in the journal; the month's registrations can then be changed without --late. \
                Close it again with `period close`.
                Example: pledge period reopen 2025-03 --reason "人民银行通知补报 3 月数据"
                """))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("月份，YYYY-MM", "The month, YYYY-MM."))) var month: String
        @Option(help: ArgumentHelp(L("原因（记入日志）；必填", "Why (recorded in the journal); required."))) var reason: String?

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
        static let configuration = CommandConfiguration(abstract: L("列出已关账月份及其冻结的汇总和日志头部", "List closed months with their frozen totals and journal heads."))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("table（表格）或 json", "table or json."))) var format: ViewFormat = .table

        func run() throws {
            let periods = try global.openLedger().closedPeriods()
            Console.out(try PeriodListing(periods: periods).render(format: format, language: global.language))
        }
    }
}
