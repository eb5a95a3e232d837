import ArgumentParser
import Foundation
import PledgeCore
import PledgeIO
import PledgeStore

/// `pledge subsidy policy set|list`, `subsidy compute`, `subsidy pay`; `report subsidy` is below.
struct SubsidyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subsidy", abstract: L("贴息：政策、测算与支付", "Interest subsidies (贴息): policies, what is due, payments."),
        discussion: L("""
            贴息 = 当年利息 × 贴息比例，各四舍五入到分；当年利息 = 金额 × 年利率 ÷ 100 × 天数 ÷ 365，天数为当年内登记日（含）至注销日、违约日或到期日（不含，取最早者，否则次年 1 月 1 日）之间的天数。每户全年合计不超过上限。
            示例：pledge subsidy policy set 2025贴息 --share 50% --cap 50 --unit wan --year 2025 --only rywq
                  pledge subsidy compute --policy 2025贴息
                  pledge subsidy pay 91620100MA71234567 --policy 2025贴息 --amount 12000 --unit yuan --date 2025-12-20
            """, """
            Subsidy = interest in the year × share, each rounded half-up to the 分; interest = amount × rate ÷ 100 × days ÷ 365, the days \
            of the year from the registration date (inclusive) to the release, default or maturity date (exclusive, the earliest; \
            else 1 January of the next year). Each enterprise's total for the year is capped.
            Examples: pledge subsidy policy set 2025贴息 --share 50% --cap 50 --unit wan --year 2025 --only rywq
                      pledge subsidy compute --policy 2025贴息
                      pledge subsidy pay 91620100MA71234567 --policy 2025贴息 --amount 12000 --unit yuan --date 2025-12-20
            """),
        subcommands: [Policy.self, Compute.self, Pay.self])

    struct Policy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy", abstract: L("设置或列出贴息政策", "Set or list subsidy policies."), subcommands: [Set.self, List.self])

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: L("设置（或替换）贴息政策", "Set (or replace) a subsidy policy."))
            @OptionGroup var global: GlobalOptions
            @Argument(help: ArgumentHelp(L("政策名称", "The policy's name."))) var name: String
            @Option(help: ArgumentHelp(L("贴息比例，如 50%", "The share of the interest paid, e.g. 50%."))) var share: String
            @Option(help: ArgumentHelp(L("每户每年上限（省略：不封顶）", "The most one enterprise receives in the year (omitted: no cap)."))) var cap: String?
            @Option(help: ArgumentHelp(L("元/yuan、万/wan 或 亿/yi", "元/yuan, 万/wan or 亿/yi."))) var unit: MoneyUnit?
            @Option(help: ArgumentHelp(L("贴息年度", "The year subsidised."))) var year: Int
            @Option(help: ArgumentHelp(L("只限 rywq（入园惠企）或 first-loan（首贷）", "Only rywq (入园惠企) or first-loan loans."))) var only: SubsidyPolicy.Only?
            @Option(name: .customLong("ip-type"), help: ArgumentHelp(L("只限该质押物类型", "Only this IP type."))) var ipType: String?

            func run() throws {
                try global.requireWritable()
                let policy = SubsidyPolicy(name: name.trimmingSpaces, year: year, shareBasisPoints: try Percent.parse(share, field: "--share"),
                                           cap: try cap.map { try Fen.parse(amount: $0, unit: unit, field: "--cap") },
                                           only: only, ipType: try ipType.map { try IPType.parse($0, field: "--ip-type") })
                let ledger = try global.openLedger()
                let entry = try { () throws -> AppendedEntry in
                    do { return try ledger.setSubsidyPolicy(policy) } catch let e as FieldError {
                        throw e.renamed(["name": L("政策名称", "policy name"), "year": "--year", "share": "--share", "cap": "--cap"][e.field] ?? e.field)
                    }
                }()
                Console.out(SubsidyText.policy(policy, global.language))
                Console.out("seq \(entry.seq)  hash \(entry.hash)")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: L("列出贴息政策", "List the subsidy policies."))
            @OptionGroup var global: GlobalOptions
            @Option(help: ArgumentHelp(L("table（表格）或 json", "table or json."))) var format: ViewFormat = .table

            func run() throws {
                let policies = try global.openLedger().subsidyPolicies()
                let l = global.language
                switch format {
                case .json:
                    struct Item: Encodable { var name: String, year: Int, shareBasisPoints: Int, capFen: Int64?, only: String?, ipType: String?, seq: Int64 }
                    let items: [Item] = policies.map { p, seq in
                        Item(name: p.name, year: p.year, shareBasisPoints: p.shareBasisPoints, capFen: p.cap?.value, only: p.only?.rawValue,
                             ipType: p.ipType?.rawValue, seq: seq)
                    }
                    Console.out(try JSONOutput.render(["policies": items]))
                case .table:
                    guard !policies.isEmpty else { return Console.out(Console.messages.text(.noSubsidyPolicies)) }
                    for (p, _) in policies { Console.out(SubsidyText.policy(p, l)) }
                }
            }
        }
    }

    struct Compute: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: L("按企业和贷款列出应贴息额（封顶前后）", "What a policy owes, per enterprise and loan, before and after the cap."))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("贴息政策名称", "The subsidy policy."))) var policy: String
        @Option(help: ArgumentHelp(L("只看这家企业（统一社会信用代码）", "One enterprise only (its USCC)."))) var enterprise: String?
        @OptionGroup var out: MoneyOutput

        func run() throws {
            let uscc = try enterprise.map { try USCC($0, field: "--enterprise", allowBadCheck: true).text }
            let report = try SubsidyText.report(global, policy: policy, uscc: uscc)
            try SubsidyText.emit(global, out,
                                 text: { try report.renderLoans(format: $0, language: global.language) },
                                 workbook: { report.loanWorkbook(language: global.language) })
        }
    }

    struct Pay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: L("记录向企业支付的贴息（不得超过尚欠额）", "Record a subsidy paid to an enterprise (no more than is outstanding)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("企业的统一社会信用代码", "The enterprise's USCC."))) var enterprise: String
        @Option(help: ArgumentHelp(L("贴息政策名称", "The subsidy policy."))) var policy: String
        @Option(help: ArgumentHelp(L("支付金额", "The amount paid."))) var amount: String
        @Option(help: ArgumentHelp(L("元/yuan、万/wan 或 亿/yi", "元/yuan, 万/wan or 亿/yi."))) var unit: MoneyUnit?
        @Option(help: ArgumentHelp(L("支付日期，不晚于今天", "The payment date, not after today."))) var date: String

        func run() throws {
            try global.requireWritable()
            let uscc = try USCC(enterprise, field: L("统一社会信用代码", "USCC"), allowBadCheck: true).text
            let fen = try Fen.parse(amount: amount, unit: unit, field: "--amount")
            guard fen.value > 0 else { throw FieldError(field: "--amount", value: amount, rule: .amountNotPositive) }
            let day = try CivilDate.parsePast(date, field: "--date", today: CivilDate.today())
            let ledger = try global.openLedger()
            let entry = try ledger.paySubsidy(SubsidyPayment(policy: policy, uscc: uscc, amount: fen, date: day))
            let left = try ledger.subsidyStatement(policy: policy, uscc: uscc).enterprises.first?.outstanding ?? .zero
            Console.out(Console.messages.text(.subsidyPaymentRecorded, ["policy": policy, "uscc": uscc, "amount": SubsidyReport.shown(fen),
                                                                        "date": day.description, "outstanding": SubsidyReport.shown(left)]))
            Console.out("seq \(entry.seq)  hash \(entry.hash)")
        }
    }
}

/// `report subsidy`: due, paid and outstanding per enterprise, park or bank.
struct SubsidyReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subsidy",
        abstract: L("贴息报表：按企业、园区或银行的应贴息、已支付、尚欠", "Subsidy report: due, paid and outstanding per enterprise, park or bank."),
        discussion: L("企业的封顶后应贴息额和已付款按登记顺序（日期，再按登记号）分摊到其各笔贷款，再按园区或银行汇总。",
                      "An enterprise's capped due and its payments are allocated to its loans in registration order (date, then 登记号), then summed per park or bank."))
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(L("贴息政策名称", "The subsidy policy."))) var policy: String
    @Option(help: ArgumentHelp(L("enterprise（默认）、park 或 bank", "enterprise (default), park or bank."))) var by: SubsidyReport.Grouping = .enterprise
    @OptionGroup var out: MoneyOutput

    func run() throws {
        let ledger = try global.openLedger()
        let report = SubsidyGroupReport(totals: try ledger.subsidyTotals(policy: policy, by: by),
                                        head: try ledger.head().map { "\($0.seq):\($0.hash)" } ?? "—")
        try SubsidyText.emit(global, out,
                             text: { try report.render(format: $0, language: global.language) },
                             workbook: { report.workbook(language: global.language) })
    }
}

extension SubsidyReport.Format: ExpressibleByArgument {}
extension SubsidyReport.Grouping: ExpressibleByArgument {}
extension SubsidyPolicy.Only: ExpressibleByArgument {}

enum SubsidyText {
    static func policy(_ p: SubsidyPolicy, _ l: Language) -> String {
        var only = ""
        if let o = p.only { only += l.pick(o == .rywq ? "，仅入园惠企" : "，仅首贷", o == .rywq ? ", 入园惠企 only" : ", first loans only") }
        if let t = p.ipType { only += l.pick("，仅\(t.chineseName)", ", \(t.rawValue) only") }
        return Console.messages.text(.subsidyPolicySet, ["name": p.name, "year": String(p.year), "share": Percent.text(p.shareBasisPoints),
                                                         "cap": p.cap.map { SubsidyReport.shown($0) + l.pick(" 元", " yuan") } ?? l.pick("不封顶", "none"),
                                                         "only": only])
    }

    static func report(_ global: GlobalOptions, policy: String, uscc: String?) throws -> SubsidyReport {
        let ledger = try global.openLedger()
        let statement = try ledger.subsidyStatement(policy: policy, uscc: uscc)
        return SubsidyReport(statement: statement, head: try ledger.head().map { "\($0.seq):\($0.hash)" } ?? "—")
    }

    static func emit(_ global: GlobalOptions, _ out: MoneyOutput, text: (SubsidyReport.Format) throws -> String, workbook: () -> [SheetTable]) throws {
        let (format, output, bom) = (out.format, out.output, out.bom)
        if format == .xlsx, let output { return try XLSXWriter.write(workbook(), to: output, ledger: global.ledgerPath) }
        let sink = try OutputSink(path: output, ledger: global.ledgerPath)
        do {
            if bom && format == .csv { try sink.write("\u{FEFF}") }
            try sink.write(try text(format))
        } catch { sink.abandon(); throw error }
        try sink.finish()
    }
}

/// `--format`, `--output` and `--bom` of the subsidy and pool reports.
struct MoneyOutput: ParsableArguments {
    @Option(help: ArgumentHelp(L("table、csv、json、html 或 xlsx（需 --output）", "table, csv, json, html or xlsx (needs --output)."))) var format: SubsidyReport.Format = .table
    @Option(help: ArgumentHelp(L("写入此文件，而不是标准输出", "Write to this file instead of stdout."), valueName: "file")) var output: String?
    @Flag(help: ArgumentHelp(L("CSV 以 UTF-8 BOM 开头（供 Excel 使用）", "Start CSV with a UTF-8 BOM for Excel."))) var bom = false

    func validate() throws {
        if format == .xlsx && output == nil { throw ValidationError(Console.messages.text(.xlsxNeedsOutput)) }
    }
}
