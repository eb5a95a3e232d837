import ArgumentParser
import PledgeCore
import PledgeIO
import PledgeStore

struct PeriodCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "period", abstract: "Close a month (freeze its figures) or list the closed months.",
        subcommands: [Close.self, List.self])

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Freeze a month: its totals and the journal head are recorded in one entry.",
            discussion: """
                Afterwards a registration, correction, void or import row dated in that month is refused (exit 73) \
                unless --late, which is recorded in the entry and shown as a late adjustment in later reports; \
                `report monthly --as-closed` reproduces the month as it was closed.
                Example: pledge period close 2025-03
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The month, YYYY-MM (it must have ended).") var month: String

        func run() throws {
            try global.requireWritable()
            let m = try YearMonth.parse(month, field: "MONTH")
            let (entry, close) = try global.openLedger().closePeriod(m, today: CivilDate.today())
            // The close entry's own head: a copy kept outside the ledger proves the frozen figures (`audit verify --expect-head`).
            Console.out(global.language.pick(
                "已关账 \(m)：\(close.registrations) 笔，\(close.amount.wanDisplay) 万元（全部类型）",
                "closed \(m): \(close.registrations) registrations, \(close.amount.wanDisplay) 万元 (all IP types)"))
            Console.out(global.language.pick(
                "关账日志 \(entry.seq):\(entry.hash)（请在台账之外另存；audit verify --expect-head 可证明冻结数字未被改动）",
                "head \(entry.seq):\(entry.hash) (keep a copy outside the ledger; audit verify --expect-head proves the frozen figures unchanged)"))
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
