import ArgumentParser
import Foundation
import PledgeCore
import PledgeIO
import PledgeStore

extension ImportEncoding: ExpressibleByArgument {}
/// `export --format`: the library's text formats, or an Excel workbook.
enum ExportFormat: String, ExpressibleByArgument, CaseIterable { case csv, json, xlsx }
extension RegistrationExport.Headers: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: L("导入银行报送的登记文件（CSV 或 Excel .xlsx）：全部导入或全部不导入", "Load a bank's file of registrations (CSV or Excel .xlsx): all rows or none."),
        discussion: L("""
            UTF-8（有无 BOM 均可）或 GB18030，自动识别。须有表头行；列按名称识别，顺序不限，中英文均可（登记号、登记日期、统一社会信用代码、企业名称、质权人/贷款银行、支行、登记金额(元) 或 登记金额(万元)、质押物类型、知识产权号/专利号、市州、园区、到期日、年利率(%)、入园惠企、首贷、保险、备注、状态、状态日期、评估价值、评估机构、保险公司、保险金额；评估价值和保险金额与登记金额同单位）。
            登记号已在台账中且内容相同的行跳过；内容不同即为冲突（退出码 73）。有任何无效行（65）或冲突：不写入任何内容。
            Excel 工作簿（.xlsx）：默认读第一个工作表（--sheet 指定），表头上方的标题行自动跳过（--header-row 指定表头行）；日期单元格、数字单元格均可。
            示例：pledge import SampleData/registrations.csv --dry-run
                  pledge import 兰州银行-11月.xlsx --sheet 质押台账
            """, """
            UTF-8 (with or without BOM) or GB18030, detected automatically. Header row required; columns by name in \
            any order, English or Chinese (reg_no/登记号, reg_date/登记日期, uscc/统一社会信用代码, enterprise/企业名称, \
            bank/质权人/贷款银行, branch/支行, amount_yuan/登记金额(元) or amount_wan/登记金额(万元), ip_type/质押物类型, \
            ip_numbers/知识产权号/专利号, prefecture/市州, park/园区, maturity/到期日, rate/年利率(%), rywq/入园惠企, \
            first_loan/首贷, insured/保险, notes/备注, status/状态, status_date/状态日期, appraised_value/评估价值, appraiser/评估机构, \
            insurer/保险公司, insured_amount/保险金额).
            A row whose 登记号 is already in the ledger with the same content is skipped; with other content it is a \
            conflict (exit 73). Any invalid row (exit 65) or conflict: nothing is written.
            Excel workbooks (.xlsx): the first sheet unless --sheet names one; title rows above the header are skipped             (--header-row gives the header's row); date cells and number cells are read as such.
            Examples: pledge import SampleData/registrations.csv --dry-run
                      pledge import bank-november.xlsx --sheet 质押台账
            """))

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("CSV 文件或 .xlsx 工作簿", "The CSV file or .xlsx workbook."))) var file: String
    @Option(help: ArgumentHelp(L("工作簿中要读的工作表（默认第一个）", "The workbook's sheet to read (default: the first)."))) var sheet: String?
    @Option(name: .customLong("header-row"), help: ArgumentHelp(L("表头所在行（默认：CSV 为第 1 行；工作簿为前几行中第一个列名齐全的行）", "The header's row (default: row 1 of a CSV file; in a workbook, the first of its first rows that names the required columns).")))
    var headerRow: Int?
    @Option(help: ArgumentHelp(L("auto（自动）、utf8 或 gb18030", "auto, utf8 or gb18030."))) var encoding: ImportEncoding = .auto
    @Flag(name: .customLong("dry-run"), help: ArgumentHelp(L("校验并检查冲突、打印汇总，不写入任何内容（可与 --read-only 同用）", "Validate, check conflicts and print the summary; write nothing (works with --read-only)."))) var dryRun = false
    @Option(name: .customLong("max-errors"), help: ArgumentHelp(L("最多列出这么多个问题", "List at most this many problems."))) var maxErrors = 100
    @Flag(name: .customLong("ignore-unknown-columns"), help: ArgumentHelp(L("跳过未知列，而不是拒绝整个文件", "Skip columns pledge does not know instead of refusing the file."))) var ignoreUnknownColumns = false
    @Flag(name: .customLong("allow-bad-uscc"), help: ArgumentHelp(L("接受仅校验位错误的统一社会信用代码；逐条记入日志", "Accept USCCs whose only fault is the check character; recorded per entry."))) var allowBadUSCC = false
    @Flag(help: ArgumentHelp(L("接受日期属于已关账月份的行并标为补录（需 --reason）", "Rows dated in a closed period are accepted and marked late (needs --reason)."))) var late = false
    @Option(help: ArgumentHelp(L("补录或重复质押的原因（用 --late 或 --allow-double-pledge 时必填）", "Why --late rows are recorded in closed months, or rights pledged twice (required with --late or --allow-double-pledge).")))
    var reason: String?
    @Flag(name: .customLong("allow-double-pledge"), help: ArgumentHelp(L("接受质押仍被其他登记占用之权利的行（需 --reason）", "Accept rows pledging a right another registration still holds (needs --reason).")))
    var allowDoublePledge = false
    @Flag(help: ArgumentHelp(L("拒绝有警告的行（金额远超台账常见范围、同一信用代码另有企业名称）", "Refuse rows with warnings (an amount far outside the ledger's range, a USCC known under another name)."))) var strict = false

    func validate() throws {
        guard maxErrors >= 1 else { throw ValidationError(Console.messages.text(.maxErrorsTooSmall)) }
        if let headerRow, headerRow < 1 {
            throw ValidationError(Console.messages.describe(FieldError(field: "--header-row", value: String(headerRow), rule: .atLeast(1))))
        }
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
        options.sheet = sheet
        options.headerRow = headerRow
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
        if let proposal = summary.proposal {
            Console.out(Console.messages.text(.proposed, ["seq": String(proposal)]))
            Console.out("proposal \(proposal)")
        } else if !dryRun, summary.new > 0, let head = try ledger.head() { Console.out("head \(head.seq):\(head.hash)") }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: L("导出全部登记及当前状态：可再导入的 CSV，或 JSON", "Write every registration with its current state, as CSV that `import` reads back, or JSON."),
        discussion: L("示例：pledge export --headers zh --unit wan --bom --output 台账.csv（供 Excel 使用）", "Examples: pledge export --output all.csv\n          pledge export --headers zh --unit wan --bom --output 台账.csv   (for Excel)"))

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(L("csv、json 或 xlsx（Excel 工作簿，需 --output）", "csv, json or xlsx (an Excel workbook; needs --output)."))) var format: ExportFormat = .csv
    @Option(help: ArgumentHelp(L("写入此文件（原子替换），而不是标准输出", "Write to this file (replaced atomically) instead of stdout."), valueName: "file")) var output: String?
    @Flag(help: ArgumentHelp(L("CSV 以 UTF-8 BOM 开头，Excel 才能正确显示中文", "Start CSV with a UTF-8 BOM so Excel shows Chinese correctly."))) var bom = false
    @Option(help: ArgumentHelp(L("CSV 表头语言：en（reg_no…）或 zh（登记号…；名称、是/否）", "CSV header language: en (reg_no, …) or zh (登记号, …; names, 是/否)."))) var headers: RegistrationExport.Headers = .en
    @Option(help: ArgumentHelp(L("CSV 金额列：yuan（元）或 wan（万元）", "CSV amount column: yuan (amount_yuan) or wan (amount_wan / 登记金额(万元))."))) var unit: MoneyUnit = .yuan

    func validate() throws {
        if unit == .yi { throw ValidationError(Console.messages.text(.exportUnit)) }
        if format == .xlsx && output == nil { throw ValidationError(Console.messages.text(.xlsxNeedsOutput)) }
    }

    func run() throws {
        if format == .xlsx, let output {
            try OutputSink.refuseLedgerFiles(output, ledger: global.ledgerPath)
            let count = try RegistrationExport(ledger: try global.openLedger(), headers: headers, unit: unit)
                .writeWorkbook(to: output, ledgerPath: global.ledgerPath, language: global.language)
            return Console.err(global.language.pick("已导出 \(count) 笔登记到 \(output)", "exported \(count) registrations to \(output)"))
        }
        let sink = try OutputSink(path: output, ledger: global.ledgerPath)
        do {
            let ledger = try global.openLedger()
            let count = try RegistrationExport(ledger: ledger, headers: headers, unit: unit).write(format: format == .json ? .json : .csv, bom: bom, to: sink)
            try sink.finish()
            if let output { Console.err(global.language.pick("已导出 \(count) 笔登记到 \(output)", "exported \(count) registrations to \(output)")) }
        } catch {
            sink.abandon()
            throw error
        }
    }
}
