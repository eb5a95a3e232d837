import ArgumentParser
import Foundation
import PledgeCore
import PledgeIO
import PledgeStore

extension ImportEncoding: ExpressibleByArgument {}
extension RegistrationExport.Format: ExpressibleByArgument {}
extension RegistrationExport.Headers: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a bank's CSV file of registrations: all rows or none.",
        discussion: """
            UTF-8 (with or without BOM) or GB18030, detected automatically. Header row required; columns by name in \
            any order, English or Chinese (reg_no/登记号, reg_date/登记日期, uscc/统一社会信用代码, enterprise/企业名称, \
            bank/质权人/贷款银行, branch/支行, amount_yuan/登记金额(元) or amount_wan/登记金额(万元), ip_type/质押物类型, \
            ip_numbers/知识产权号/专利号, prefecture/市州, park/园区, maturity/到期日, rate/年利率(%), rywq/入园惠企, \
            first_loan/首贷, insured/保险, notes/备注, status/状态, status_date/状态日期).
            A row whose 登记号 is already in the ledger with the same content is skipped; with other content it is a \
            conflict (exit 73). Any invalid row (exit 65) or conflict: nothing is written.
            Example: pledge import SampleData/registrations.csv --dry-run
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The CSV file.") var file: String
    @Option(help: "auto, utf8 or gb18030.") var encoding: ImportEncoding = .auto
    @Flag(name: .customLong("dry-run"), help: "Validate, check conflicts and print the summary; write nothing (works with --read-only).") var dryRun = false
    @Option(name: .customLong("max-errors"), help: "List at most this many problems.") var maxErrors = 100
    @Flag(name: .customLong("ignore-unknown-columns"), help: "Skip columns pledge does not know instead of refusing the file.") var ignoreUnknownColumns = false
    @Flag(name: .customLong("allow-bad-uscc"), help: "Accept USCCs whose only fault is the check character; recorded per entry.") var allowBadUSCC = false
    @Flag(help: "Rows dated in a closed period are accepted and marked late (needs --reason).") var late = false
    @Option(help: "Why --late rows are recorded in closed months, or rights pledged twice (required with --late or --allow-double-pledge).")
    var reason: String?
    @Flag(name: .customLong("allow-double-pledge"), help: "Accept rows pledging a right another registration still holds (needs --reason).")
    var allowDoublePledge = false
    @Flag(help: "Refuse rows with warnings (an amount far outside the ledger's range, a USCC known under another name).") var strict = false

    func validate() throws {
        guard maxErrors >= 1 else { throw ValidationError("--max-errors must be at least 1") }
        if late || allowDoublePledge || reason != nil { try requireReason(reason) }
    }

    func run() throws {
        // A dry run writes nothing and works on a ledger opened read-only (an auditor checking a bank's file).
        if !dryRun { try global.requireWritable() }
        let ledger = try global.openLedger()
        var options = ImportOptions()
        options.encoding = encoding
        options.dryRun = dryRun
        options.maxErrors = maxErrors
        options.ignoreUnknownColumns = ignoreUnknownColumns
        options.allowBadUSCC = allowBadUSCC
        options.late = late
        options.reason = reason?.trimmingSpaces
        options.allowDoublePledge = allowDoublePledge
        options.strict = strict
        options.language = global.language
        let bar = ProgressBar(language: global.language)
        let importer = Importer(ledger: ledger, options: options, today: CivilDate.today(), progress: bar.map { b in b.update })
        defer { bar?.finish() }
        let summary: ImportSummary
        do {
            summary = try importer.run(path: file, name: file)
        } catch {
            bar?.finish()
            throw error
        }
        bar?.finish()
        for line in summary.warnings { Console.err(line) }
        if summary.warned > 0 { Console.err(Console.messages.text(.warningsCount, ["count": String(summary.warned)])) }
        Console.out(summary.line(Console.messages) + (dryRun ? Console.messages.text(.dryRunNote) : ""))
        if !dryRun, summary.new > 0, let head = try ledger.head() { Console.out("head \(head.seq):\(head.hash)") }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every registration with its current state, as CSV that `import` reads back, or JSON.",
        discussion: "Examples: pledge export --output all.csv\n          pledge export --headers zh --unit wan --bom --output 台账.csv   (for Excel)")

    @OptionGroup var global: GlobalOptions
    @Option(help: "csv or json.") var format: RegistrationExport.Format = .csv
    @Option(help: ArgumentHelp("Write to this file (replaced atomically) instead of stdout.", valueName: "file")) var output: String?
    @Flag(help: "Start CSV with a UTF-8 BOM so Excel shows Chinese correctly.") var bom = false
    @Option(help: "CSV header language: en (reg_no, …) or zh (登记号, …; names, 是/否).") var headers: RegistrationExport.Headers = .en
    @Option(help: "CSV amount column: yuan (amount_yuan) or wan (amount_wan / 登记金额(万元)).") var unit: MoneyUnit = .yuan

    func validate() throws {
        if unit == .yi { throw ValidationError("--unit must be yuan or wan for export") }
    }

    func run() throws {
        let sink = try OutputSink(path: output, ledger: global.ledgerPath)
        do {
            let ledger = try global.openLedger()
            let count = try RegistrationExport(ledger: ledger, headers: headers, unit: unit).write(format: format, bom: bom, to: sink)
            try sink.finish()
            if let output { Console.err(global.language.pick("已导出 \(count) 笔登记到 \(output)", "exported \(count) registrations to \(output)")) }
        } catch {
            sink.abandon()
            throw error
        }
    }
}
