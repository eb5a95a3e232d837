import ArgumentParser
import Foundation
import PledgeCore
import PledgeIO
import PledgeStore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: L("证明台账未被改动：显示日志头部，或全面校验", "Prove the ledger was not altered: print the journal head, or verify everything."),
        subcommands: [Head.self, Verify.self])

    struct Head: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: L("以 SEQ:HASH 显示日志头部", "Print the journal head as SEQ:HASH."))
        @OptionGroup var global: GlobalOptions
        func run() throws {
            guard let head = try global.openLedger().head() else { return Console.out("0:\(CanonicalEntry.genesisHash)") }
            Console.out("\(head.seq):\(head.hash)")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: L("从第 1 条起重算哈希链，用日志重建全部投影并比对；有问题时退出码 1", "Re-hash the journal from entry 1, rebuild every projection from it and compare. Exit 1 on any finding."),
            discussion: L("""
                --expect-head SEQ:HASH（如关账或之前 `audit head` 显示的头部；哈希前 8 位以上即可）还证明日志仍完整包含该条，并显示 `head matches`。可在 --read-only 下使用。
                """, """
                --expect-head SEQ:HASH (e.g. the head a closed period or an earlier `audit head` printed; the hash's first \
                8 or more hex digits are enough) also proves the journal still holds that entry unchanged, and says \
                `head matches`. Works on a --read-only ledger.
                """))
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("expect-head"), help: ArgumentHelp(L("日志必须仍包含的头部", "A head the journal must still contain."), valueName: "SEQ:HASH")) var expectHead: String?

        func validate() throws {
            if let e = expectHead, Self.parseHead(e) == nil {
                throw ValidationError(Console.messages.describe(FieldError(field: "--expect-head", value: e, rule: .headPrefix)))
            }
        }

        static func parseHead(_ s: String) -> (Int64, String)? {
            let parts = s.split(separator: ":")
            guard parts.count == 2, let seq = Int64(parts[0]), seq > 0, (8...64).contains(parts[1].count),
                  parts[1].allSatisfy({ $0.isHexDigit && $0.isASCII }) else { return nil }
            return (seq, parts[1].lowercased())
        }

        func run() throws {
            let ledger = try global.openLedger(audit: true)
            let report = try ledger.verify(expectHead: expectHead.flatMap(Self.parseHead))
            let l = global.language
            let head = report.head.map { "\($0.seq):\($0.hash)" } ?? "0:\(CanonicalEntry.genesisHash)"
            if report.isClean {
                Console.out(l.pick("校验通过：\(report.entries) 条日志，哈希链完整，所有投影与日志重建结果一致",
                                   "verified: \(report.entries) entries, the hash chain holds, every projection equals its rebuild from the journal"))
                Console.out("head \(head)")
                if let expectHead, let (seq, _) = Self.parseHead(expectHead) {
                    Console.out(l.pick("head matches：日志仍包含 \(expectHead)（seq \(seq)），未被改动", "head matches: the journal still holds \(expectHead) (seq \(seq)) unchanged"))
                }
                return
            }
            for f in report.findings { Console.out(Console.messages.describe(f)) }
            Console.out(l.pick("校验失败：\(report.findings.count) 项问题", "verification failed: \(report.findings.count) findings")
                        + (report.firstBadSeq.map { l.pick("；首个异常日志 seq \($0)", "; first bad entry: seq \($0)") } ?? ""))
            throw ExitCode(1)
        }
    }
}

extension DataQualityFinding.Rule: ExpressibleByArgument {}
extension FindingsListing.Format: ExpressibleByArgument {}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: L("数据质量检查：重复质押、到期日超过专利期限或早于登记日、到期未注销、疑似重复、校验位例外", "Data-quality findings: double pledges, maturity past the patent term or before registration, matured loans not released, likely duplicates, USCC overrides."),
        discussion: L("""
            每项问题都有编号（如 double-pledge:ZL201710601862.3）；`pledge check ack 编号 --reason 结论` 记录该问题已复核，此后显示为已复核。全部已复核（或没有问题）时退出码 0，否则 1。
            示例：pledge check --rule double-pledge --format csv --output 重复质押.csv
                  pledge check ack double-pledge:ZL201710601862.3 --reason "已核实：前一笔已于 2024-05 注销"
            """, """
            Each finding has an id (e.g. double-pledge:ZL201710601862.3); `pledge check ack ID --reason R` journals that it \
            was reviewed, and it is shown as reviewed from then on. Exit 0 when every finding is reviewed (or none is \
            found), 1 when any is not.
            Examples: pledge check --rule double-pledge --format csv --output 重复质押.csv
                      pledge check ack double-pledge:ZL201710601862.3 --reason "已核实：前一笔已于 2024-05 注销"
            """),
        subcommands: [List.self, Ack.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: L("列出问题（默认）", "List the findings (the default)."))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("只列此规则（可重复）：", "Only this rule (repeatable): ") + DataQualityFinding.Rule.allCases.map(\.rawValue).joined(separator: ", "),
                                   valueName: "rule")) var rule: [DataQualityFinding.Rule] = []
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json, xlsx }
        @Option(help: ArgumentHelp(L("table（表格）、csv、json 或 xlsx（Excel 工作簿，需 --output）", "table, csv, json or xlsx (an Excel workbook; needs --output)."))) var format: Format = .table
        @Option(name: .customLong("as-of"), help: ArgumentHelp(L("判断是否到期的日期（默认今天）", "The day loans are matured by (default today)."))) var asOf: String?
        @Option(help: ArgumentHelp(L("写入此文件，而不是标准输出", "Write to this file instead of stdout."), valueName: "file")) var output: String?
        @Flag(help: ArgumentHelp(L("CSV 以 UTF-8 BOM 开头（供 Excel 使用）", "Start CSV with a UTF-8 BOM for Excel."))) var bom = false

        func validate() throws {
            if format == .xlsx && output == nil { throw ValidationError(Console.messages.text(.xlsxNeedsOutput)) }
        }

        func run() throws {
            let day = try asOf.map { try CivilDate.parse($0, field: "--as-of") } ?? CivilDate.today()
            let sink = format == .xlsx ? nil : try OutputSink(path: output, ledger: global.ledgerPath)
            let unreviewed: Int
            do {
                let ledger = try global.openLedger()
                let findings = try ledger.dataQualityFindings(asOf: day).filter { rule.isEmpty || rule.contains($0.rule) }
                let listing = FindingsListing(findings: findings, reviews: try ledger.findingReviews())
                unreviewed = findings.count { listing.reviews[$0.id] == nil }
                if let sink, let textFormat = FindingsListing.Format(rawValue: format.rawValue) {
                    if bom && textFormat == .csv { try sink.write("\u{FEFF}") }
                    try sink.write(try listing.render(format: textFormat, language: global.language))
                } else if let output {
                    let head = try ledger.head().map { "\($0.seq):\($0.hash)" } ?? "—"
                    try XLSXWriter.write(listing.workbook(language: global.language, asOf: day, head: head), to: output, ledger: global.ledgerPath)
                }
            } catch { sink?.abandon(); throw error }
            try sink?.finish()
            if unreviewed > 0 { throw ExitCode(1) }
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: L("记录某项问题已复核及结论：此后显示为已复核，不会隐藏", "Journal that a finding was reviewed, and why: it is shown as reviewed, never hidden."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("问题编号，即 `pledge check` 显示的编号", "The finding's id, as `pledge check` prints it."))) var finding: String
        @Option(help: ArgumentHelp(L("复核结论（记入日志）；必填", "What the review found (recorded in the journal); required."))) var reason: String?

        func validate() throws { try requireReason(reason) }

        func run() throws {
            try global.requireWritable()
            let ledger = try global.openLedger()
            guard try ledger.dataQualityFindings(asOf: CivilDate.today()).contains(where: { $0.id == finding }) else {
                throw FieldError(field: "FINDING", value: finding, rule: .unknownFinding)
            }
            let entry = try ledger.acknowledge(finding: finding, reason: (reason ?? "").trimmingSpaces)
            receipt(global.language.pick("已记录复核 \(finding)", "review recorded for \(finding)"), entry)
        }
    }
}

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: L("在线生成一致的台账副本（新文件，0600），并对副本执行 `audit verify`", "Consistent online copy of the live ledger to a new 0600 file, then `audit verify` on the copy."),
        discussion: L("不覆盖已有文件（退出码 74）。示例：pledge backup /backup/gansu-2025-12-31.sqlite", "Refuses to overwrite an existing file (exit 74). Example: pledge backup /backup/gansu-2025-12-31.sqlite"))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("新文件", "The new file."))) var file: String

    func run() throws {
        try OutputSink.refuseLedgerFiles(file, ledger: global.ledgerPath)
        let ledger = try global.openLedger()
        let copy = try ledger.backup(to: file)
        let report = try copy.verify()
        let head = report.head.map { "\($0.seq):\($0.hash)" } ?? "0"
        guard report.isClean else {
            for f in report.findings { Console.err(Console.messages.describe(f)) }
            Console.err(global.language.pick("备份已写入 \(file)，但校验未通过", "the backup \(file) was written but does not verify"))
            throw ExitCode(1)
        }
        Console.out(global.language.pick("已备份到 \(file)（0600），校验通过：\(report.entries) 条日志", "backed up to \(file) (0600) and verified: \(report.entries) entries"))
        Console.out("head \(head)")
    }
}

extension RegistrationStatus: ExpressibleByArgument {}
extension IPType: ExpressibleByArgument {}

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: L("按条件列出登记及合计；不加条件则列出全部登记", "List registrations matching filters, with totals. No filter: every registration, all dates, types and statuses."),
        discussion: L("""
            园区和银行可写名称、别名或唯一前缀（兰州高新、工行）；前缀对应多个时列出候选。
            示例：pledge --read-only query --park 兰州高新区 --from 2025-01-01 --to 2025-12-31 --format csv --output park.csv
            """, """
            Park and bank match a name, an alias or a unique prefix (兰州高新, 工行); an ambiguous prefix lists the candidates.
            Example: pledge --read-only query --park 兰州高新区 --from 2025-01-01 --to 2025-12-31 --format csv --output park.csv
            """))
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(L("园区名称、别名或唯一前缀", "Park name, alias or unique prefix."))) var park: String?
    @Option(help: ArgumentHelp(L("银行名称、别名或唯一前缀", "Bank name, alias or unique prefix."))) var bank: String?
    @Option(help: ArgumentHelp(L("市州名称或 GB/T 2260 代码", "Prefecture name or GB/T 2260 code."))) var prefecture: String?
    @Option(help: ArgumentHelp(L("企业统一社会信用代码", "Enterprise USCC."), valueName: "uscc")) var enterprise: String?
    @Option(name: .customLong("enterprise-name"), help: ArgumentHelp(L("企业名称包含此文字", "Enterprise names containing this text."))) var enterpriseName: String?
    @Option(help: ArgumentHelp(L("支行名称包含此文字", "Branches (支行) containing this text."))) var branch: String?
    @Option(name: .customLong("min-amount"), help: ArgumentHelp(L("金额不低于：500万、1亿、300000元（只写数字按万元）", "At least this amount: 500万, 1亿, 300000元 (a plain number is 万元)."))) var minAmount: String?
    @Option(help: ArgumentHelp(L("登记日期不早于该日", "Registered on or after this date."))) var from: String?
    @Option(help: ArgumentHelp(L("登记日期不晚于该日", "Registered on or before this date."))) var to: String?
    @Option(help: ArgumentHelp(L("active（有效）、released（已注销）、defaulted（违约）或 void（作废）", "active, released, defaulted or void."))) var status: RegistrationStatus?
    @Flag(help: ArgumentHelp(L("只列入园惠企登记", "Only 入园惠企 registrations."))) var rywq = false
    @Option(name: .customLong("ip-type"), help: ArgumentHelp(L("patent（专利）、trademark（商标）、copyright（著作权）或 other（其他）", "patent, trademark, copyright or other."))) var ipType: IPType?
    @Option(help: ArgumentHelp(L("最多列出这么多条（合计仍覆盖全部匹配）", "List at most this many (totals still cover all matches)."))) var limit: Int?
    @Option(help: ArgumentHelp(L("table（表格）、csv、json 或 xlsx（Excel 工作簿，需 --output）", "table, csv, json or xlsx (an Excel workbook; needs --output)."))) var format: ReportOutputOptions.Format = .table
    @Option(help: ArgumentHelp(L("写入此文件，而不是标准输出", "Write to this file instead of stdout."), valueName: "file")) var output: String?
    @Flag(help: ArgumentHelp(L("CSV 以 UTF-8 BOM 开头（供 Excel 使用）", "Start CSV with a UTF-8 BOM for Excel."))) var bom = false

    func validate() throws {
        if format == .html { throw ValidationError(Console.messages.text(.queryFormat)) }
        if format == .xlsx && output == nil { throw ValidationError(Console.messages.text(.xlsxNeedsOutput)) }
    }

    func run() throws {
        if format == .xlsx, let output {
            try OutputSink.refuseLedgerFiles(output, ledger: global.ledgerPath)
            let ledger = try global.openLedger()
            let reference = try ledger.reference()
            try QueryListing(ledger: ledger, query: try filters().query(reference) { "--" + $0 }, reference: reference)
                .writeWorkbook(to: output, ledgerPath: global.ledgerPath, language: global.language)
            return
        }
        let sink = try OutputSink(path: output, ledger: global.ledgerPath)
        let ledger: any LedgerStore
        do { ledger = try global.openLedger() } catch { sink.abandon(); throw error }
        do { try list(ledger, to: sink) } catch { sink.abandon(); throw error }
        try sink.finish()
    }

    private func list(_ ledger: any LedgerStore, to sink: OutputSink) throws {
        let reference = try ledger.reference()
        let q = try filters().query(reference) { "--" + $0 }
        try QueryListing(ledger: ledger, query: q, reference: reference).write(format: format.report, language: global.language, bom: bom, to: sink)
    }

    private func filters() -> QueryFilters {
        var f = QueryFilters()
        (f.park, f.bank, f.prefecture, f.enterprise, f.enterpriseName, f.branch) = (park, bank, prefecture, enterprise, enterpriseName, branch)
        (f.minAmount, f.from, f.to, f.status, f.rywq, f.ipType, f.limit) = (minAmount, from, to, status, rywq, ipType, limit)
        return f
    }
}
