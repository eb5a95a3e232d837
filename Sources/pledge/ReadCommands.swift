import ArgumentParser
import Foundation
import PledgeCore
import PledgeIO
import PledgeStore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: L("显示一笔登记的当前状态", "Show one registration's current state."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("登记号", "登记号."))) var regNo: String
    @Option(help: ArgumentHelp(L("table（表格）或 json", "table or json."))) var format: ViewFormat = .table

    func run() throws {
        let ledger = try global.openLedger()
        guard let stored = try ledger.registration(regNo) else { throw StoreError.registrationMissing(regNo: regNo) }
        Console.out(try RegistrationView(stored: stored, reference: try ledger.reference())
            .render(format: format, language: global.language))
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: L("一笔登记的全部日志：序号、时间、操作人、类型、变更、原因", "Every journal entry of one registration: seq, time, operator, kind, changes, reason."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("登记号", "登记号."))) var regNo: String
    @Option(help: ArgumentHelp(L("table（表格）或 json", "table or json."))) var format: ViewFormat = .table

    func run() throws {
        let entries = try global.openLedger().history(regNo)
        guard !entries.isEmpty else { throw StoreError.registrationMissing(regNo: regNo) }
        Console.out(try HistoryView(entries: entries).render(format: format, language: global.language))
    }
}

/// Where and how a report is written.
struct ReportOutputOptions: ParsableArguments {
    /// The library's report formats, or an Excel workbook (written by the report's `workbook`).
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json, html, xlsx
        var report: ReportFormat { ReportFormat(rawValue: rawValue) ?? .table }
    }
    @Option(help: ArgumentHelp(L("table、csv、json、html（含图表的独立网页）或 xlsx（Excel 工作簿，需 --output）", "table, csv, json, html (one self-contained page with a chart) or xlsx (an Excel workbook; needs --output)."))) var format: Format = .table
    @Option(help: ArgumentHelp(L("把报表写入此文件，而不是标准输出", "Write the report to this file instead of stdout."), valueName: "file")) var output: String?
    @Flag(help: ArgumentHelp(L("CSV 以 UTF-8 BOM 开头，Excel 才能正确显示中文", "Start CSV with a UTF-8 BOM so Excel shows Chinese correctly."))) var bom = false

    func options(_ global: GlobalOptions, _ ledger: any LedgerStore, asOf: CivilDate) throws -> ReportOptions {
        ReportOptions(language: global.language, format: format.report, asOf: asOf,
                      journalHead: try ledger.head().map { "\($0.seq):\($0.hash)" })
    }

    /// Refuses an output file that is the ledger or one of its files; call before the ledger is opened.
    func check(_ global: GlobalOptions) throws {
        if format == .xlsx && output == nil { throw ValidationError(Console.messages.text(.xlsxNeedsOutput)) }
        if let output { try OutputSink.refuseLedgerFiles(output, ledger: global.ledgerPath) }
    }

    /// Writes the report: its workbook with `--format xlsx`, else its text (`render`).
    func emit(_ options: ReportOptions, _ global: GlobalOptions, workbook: (ReportOptions) -> [SheetTable], render: (ReportOptions) throws -> String) throws {
        if format == .xlsx, let output { return try XLSXWriter.write(workbook(options), to: output, ledger: global.ledgerPath) }
        try emit(try render(options), global)
    }

    /// Writes the report to stdout, or replaces the output file atomically (a new file is 0600).
    func emit(_ text: String, _ global: GlobalOptions) throws {
        guard let output else { return Console.out(text) }
        try OutputSink.write(text, to: output, ledger: global.ledgerPath)
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: L("融资目标报表", "Reports against the financing target."), subcommands: [Progress.self, Monthly.self, Annual.self, SubsidyReportCommand.self, PoolReportCommand.self])

    enum AnnualGrouping: String, ExpressibleByArgument, CaseIterable {
        case park, prefecture, bank, rywq
        var dimension: GroupDimension {
            switch self {
            case .park: .park
            case .prefecture: .prefecture
            case .bank: .bank
            case .rywq: .rywq
            }
        }
    }

    struct Annual: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: L("每年（及每个分组）一行，含同比增长；✓ 表示增长 20 % 以上", "One row per year (and group) with its growth against the previous year; ✓ marks 20 % growth or more."),
            discussion: L("""
                统计目标质押物类型（--ip-type all：全部类型）的未作废登记，按自然年。
                示例：pledge --lang zh report annual --by park --format csv --bom --output 园区年度增长.csv
                """, """
                Counts non-void registrations of the target's IP type (--ip-type all: every type), by calendar year.
                Example: pledge --lang zh report annual --by park --format csv --bom --output 园区年度增长.csv
                """))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("园区 park、市州 prefecture、银行 bank 或入园惠企 rywq", "park, prefecture, bank or rywq."))) var by: AnnualGrouping?
        @Option(help: ArgumentHelp(L("按哪个目标的质押物类型统计（默认：默认目标）", "Target whose IP type is counted (default: the default target)."))) var target: String?
        @Option(name: .customLong("ip-type"), help: ArgumentHelp(L("patent、trademark、copyright、other 或 all（默认：目标的类型）", "patent, trademark, copyright, other or all (default: the target's)."))) var ipType: String?
        @OptionGroup var output: ReportOutputOptions

        func run() throws {
            try output.check(global)
            let ledger = try global.openLedger()
            let type: IPType? = try ipType.map { $0.lowercased() == "all" || $0 == "全部" ? nil : try IPType.parse($0, field: "--ip-type") }
                ?? ledger.target(named: target).ipType
            let dimension = by?.dimension ?? .all
            let report = AnnualReport(totals: try ledger.annualTotals(by: dimension, ipType: type), grouping: dimension, ipType: type,
                                      reference: try ledger.reference())
            try output.emit(try output.options(global, ledger, asOf: CivilDate.today()), global, workbook: report.workbook) { try report.render($0, bom: output.bom) }
        }
    }

    struct Progress: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: L("目标进度：已完成、完成率、尚差、剩余月数、所需月均与近12个月月均、预测", "Progress against a target: achieved, percent, remaining, months left, pace needed vs trailing pace, projection."),
            discussion: L("统计目标质押物类型、登记日期在统计窗口内且不晚于 --as-of（默认今天）的未作废登记。", "Counts non-void registrations of the target's IP type dated in the target's window and not after --as-of (default today)."))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("目标名称（默认：默认目标，初始为 gansu-2025）", "Target name (default: the ledger's first target, gansu-2025)."))) var target: String?
        @Option(name: .customLong("as-of"), help: ArgumentHelp(L("统计截至该日（默认今天）", "Count up to this date (default today)."))) var asOf: String?
        @OptionGroup var output: ReportOutputOptions

        func run() throws {
            let date = try asOf.map { try CivilDate.parse($0, field: "--as-of") } ?? CivilDate.today()
            try output.check(global)
            let ledger = try global.openLedger()
            let t = try ledger.target(named: target)
            let progress = try ledger.progress(target: t, asOf: date)
            let details = try ledger.progressDetails(target: t, asOf: date)
            let months = output.format == .html || output.format == .xlsx
                ? try ledger.monthlyTotals(from: t.from.yearMonth, to: min(t.to, date).yearMonth, by: nil, ipType: t.ipType) : []
            var report = ProgressReport(progress: progress, details: details, months: months)
            report.setPending(try ledger.pendingRegistrations())
            try output.emit(try output.options(global, ledger, asOf: date), global, workbook: report.workbook) { try report.render($0, bom: output.bom) }
        }
    }

    struct Monthly: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: L("按月统计：笔数、金额、累计、目标完成率；含合计行", "Month rows of the statistic: count, amount, cumulative toward the target, % of target; a totals row."),
            discussion: L("""
                --from/--to 默认为目标的统计窗口。不加 --by ip-type 时只统计目标的质押物类型。累计列从窗口内 --from 之前的金额起算，因此目标完成率即为进度。
                示例：pledge report monthly --from 2025-01 --to 2025-12 --by park --format csv --bom --output 2025-园区.csv
                """, """
                --from/--to default to the target's window. Without --by ip-type only the target's IP type is counted. \
                The cumulative column starts with what the window holds before --from, so % of target is progress toward the target.
                Example: pledge report monthly --from 2025-01 --to 2025-12 --by park --format csv --bom --output 2025-parks.csv
                """))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("目标名称（默认：默认目标）", "Target name (default: the ledger's first target)."))) var target: String?
        @Option(help: ArgumentHelp(L("起始月份，YYYY-MM", "First month, YYYY-MM."))) var from: String?
        @Option(help: ArgumentHelp(L("截止月份，YYYY-MM", "Last month, YYYY-MM."))) var to: String?
        @Option(help: ArgumentHelp(L("每月按市州、园区、银行、质押物类型、入园惠企或普惠（单笔 1,000 万元以下）拆分", "Split each month by prefecture, park, bank, ip-type, rywq or puhui (普惠: under 1,000 万元 each)."))) var by: MonthlyGrouping?
        @Flag(name: .customLong("as-closed"), help: ArgumentHelp(L("已关账月份按关账时的数字（不含补录）：即当时报送的报表", "Closed months as they were when closed (late entries excluded): the report as it was sent."))) var asClosed = false
        @OptionGroup var output: ReportOutputOptions

        func run() throws {
            try output.check(global)
            let ledger = try global.openLedger()
            let report = try MonthlyReport.make(ledger, target: target, from: from, to: to, by: by, asClosed: asClosed) { "--" + $0 }
            try output.emit(try output.options(global, ledger, asOf: CivilDate.today()), global, workbook: report.workbook) { try report.render($0, bom: output.bom) }
        }
    }
}
