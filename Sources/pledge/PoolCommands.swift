import ArgumentParser
import Foundation
import PledgeCore
import PledgeIO
import PledgeStore

/// `pledge pool set|list|contribute`, `pledge dispose`, `pledge loss`, `pledge report pool`.
struct PoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool", abstract: L("风险补偿资金池：设置、列出、注资", "Risk-compensation pools: set, list, contribute."),
        discussion: L("""
            示例：pledge pool set 兰州新区风险池 --fund 40% --bank 60% --cap-per-loan 200 --unit wan --park 兰州新区
                  pledge pool contribute 兰州新区风险池 --amount 1000 --unit wan --date 2025-01-15 --from 兰州新区财政局
                  pledge dispose Y2024620000001 --route auction --recovered 120 --unit wan --date 2025-06-30
                  pledge loss Y2024620000001 --pool 兰州新区风险池 --date 2025-07-15
            """, """
            Examples: pledge pool set 兰州新区风险池 --fund 40% --bank 60% --cap-per-loan 200 --unit wan --park 兰州新区
                      pledge pool contribute 兰州新区风险池 --amount 1000 --unit wan --date 2025-01-15 --from 兰州新区财政局
                      pledge dispose Y2024620000001 --route auction --recovered 120 --unit wan --date 2025-06-30
                      pledge loss Y2024620000001 --pool 兰州新区风险池 --date 2025-07-15
            """),
        subcommands: [Set.self, List.self, Contribute.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: L("设置（或替换）资金池：各方分担比例（合计 100%）、每笔上限、覆盖范围", "Set (or replace) a pool: the parties' shares (adding up to 100%), the cap per loan, the loans covered."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("资金池名称", "The pool's name."))) var name: String
        @Option(help: ArgumentHelp(L("资金池（政府）分担比例，如 40%", "The fund's share of a loss, e.g. 40%."))) var fund: String
        @Option(help: ArgumentHelp(L("银行分担比例（如 60%）；给银行名称则只覆盖该银行的贷款；可各给一次", "The bank's share (e.g. 60%); a bank's name instead limits the pool to its loans; each may be given once."))) var bank: [String] = []
        @Option(help: ArgumentHelp(L("保险分担比例", "The insurer's share."))) var insurer: String?
        @Option(help: ArgumentHelp(L("评估机构分担比例", "The appraiser's share."))) var appraiser: String?
        @Option(name: .customLong("cap-per-loan"), help: ArgumentHelp(L("资金池每笔最多支付", "The most the fund pays on one loan."))) var capPerLoan: String?
        @Option(help: ArgumentHelp(L("元/yuan、万/wan 或 亿/yi", "元/yuan, 万/wan or 亿/yi."))) var unit: MoneyUnit?
        @Option(help: ArgumentHelp(L("只覆盖该园区的贷款", "Cover one park's loans only."))) var park: String?
        @Option(help: ArgumentHelp(L("只覆盖该市州的贷款", "Cover one prefecture's loans only."))) var prefecture: String?

        func run() throws {
            try global.requireWritable()
            let shares = bank.filter { (try? Percent.parse($0, field: "--bank")) != nil }
            let banks = bank.filter { (try? Percent.parse($0, field: "--bank")) == nil }
            guard shares.count <= 1, banks.count <= 1 else { throw ValidationError(L("--bank 的比例和银行名称各只能给一次", "give --bank at most once as a share and once as a bank's name")) }
            let ledger = try global.openLedger()
            let reference = try ledger.reference()
            let pool = RiskPool(name: name.trimmingSpaces, fundBasisPoints: try Percent.parse(fund, field: "--fund"),
                                bankBasisPoints: try shares.first.map { try Percent.parse($0, field: "--bank") } ?? 0,
                                insurerBasisPoints: try insurer.map { try Percent.parse($0, field: "--insurer") } ?? 0,
                                appraiserBasisPoints: try appraiser.map { try Percent.parse($0, field: "--appraiser") } ?? 0,
                                capPerLoan: try capPerLoan.map { try Fen.parse(amount: $0, unit: unit, field: "--cap-per-loan") },
                                park: try park.map { try reference.requirePark($0, field: "--park").name },
                                prefectureCode: try prefecture.map { try reference.requirePrefecture($0, field: "--prefecture").code },
                                bank: try banks.first.map { try reference.requireBank($0, field: "--bank").name })
            let entry: AppendedEntry
            do { entry = try ledger.setPool(pool) } catch let e as FieldError {
                throw e.renamed(["name": L("资金池名称", "pool name"), "shares": "--fund/--bank/--insurer/--appraiser", "cap": "--cap-per-loan",
                                 "scope": "--park/--prefecture/--bank"][e.field] ?? e.field)
            }
            Console.out(PoolText.pool(pool, reference, global.language))
            Console.out("seq \(entry.seq)  hash \(entry.hash)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: L("列出资金池及其分担比例", "List the pools and their shares."))
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let ledger = try global.openLedger()
            let pools = try ledger.poolStatuses()
            guard !pools.isEmpty else { return Console.out(Console.messages.text(.noPools)) }
            let reference = try ledger.reference()
            for p in pools { Console.out(PoolText.pool(p.pool, reference, global.language)) }
        }
    }

    struct Contribute: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: L("记录向资金池的注资", "Record money paid into a pool."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("资金池名称", "The pool's name."))) var name: String
        @Option(help: ArgumentHelp(L("注资金额", "The amount paid in."))) var amount: String
        @Option(help: ArgumentHelp(L("元/yuan、万/wan 或 亿/yi", "元/yuan, 万/wan or 亿/yi."))) var unit: MoneyUnit?
        @Option(help: ArgumentHelp(L("注资日期，不晚于今天", "The date, not after today."))) var date: String
        @Option(help: ArgumentHelp(L("出资方，如 兰州新区财政局", "Who paid it in, e.g. 兰州新区财政局."))) var from: String

        func run() throws {
            try global.requireWritable()
            let fen = try Fen.parse(amount: amount, unit: unit, field: "--amount")
            guard fen.value > 0 else { throw FieldError(field: "--amount", value: amount, rule: .amountNotPositive) }
            let day = try CivilDate.parsePast(date, field: "--date", today: CivilDate.today())
            guard let source = ChangeReason.validated(from) else { throw FieldError(field: "--from", value: from, rule: .required) }
            let ledger = try global.openLedger()
            let entry = try ledger.contribute(PoolContribution(pool: name, amount: fen, date: day, from: source))
            let balance = try ledger.poolStatus(name).balance
            Console.out(Console.messages.text(.poolContributed, ["from": source, "pool": name, "amount": SubsidyReport.shown(fen), "date": day.description,
                                                                 "balance": SubsidyReport.shown(balance)]))
            Console.out("seq \(entry.seq)  hash \(entry.hash)")
        }
    }
}

extension Disposal.Route: ExpressibleByArgument {}

struct DisposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispose",
        abstract: L("记录违约登记的质物处置（协议折价、拍卖、变卖）及回收金额", "Record the disposal of a defaulted registration's pledged rights (agreement, auction, sale) and what it recovered."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("登记号", "The 登记号."))) var regNo: String
    @Option(help: ArgumentHelp(L("agreement（协议折价）、auction（拍卖）或 sale（变卖）", "agreement (协议折价), auction (拍卖) or sale (变卖)."))) var route: Disposal.Route
    @Option(help: ArgumentHelp(L("回收金额", "The amount recovered."))) var recovered: String
    @Option(help: ArgumentHelp(L("元/yuan、万/wan 或 亿/yi", "元/yuan, 万/wan or 亿/yi."))) var unit: MoneyUnit?
    @Option(help: ArgumentHelp(L("处置日期，不早于违约日期、不晚于今天", "The date: not before the default, not after today."))) var date: String

    func run() throws {
        try global.requireWritable()
        let fen = try Fen.parse(amount: recovered, unit: unit, field: "--recovered")
        let day = try CivilDate.parsePast(date, field: "--date", today: CivilDate.today())
        let entry = try global.openLedger().dispose(regNo, Disposal(route: route, recovered: fen, date: day))
        let l = global.language
        let routeName = switch route {
        case .agreement: l.pick("协议折价", "agreement")
        case .auction: l.pick("拍卖", "auction")
        case .sale: l.pick("变卖", "sale")
        }
        Console.out(Console.messages.text(.disposalRecorded, ["regNo": regNo, "route": routeName, "recovered": SubsidyReport.shown(fen), "date": day.description]))
        Console.out("seq \(entry.seq)  hash \(entry.hash)")
    }
}

struct LossCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loss",
        abstract: L("按资金池分担违约登记的损失", "Claim a defaulted registration's loss from a pool."),
        discussion: L("损失 = 本金（登记金额或 --principal）− 处置回收；资金池、保险、评估按比例四舍五入到分，银行承担其余；资金池支付不超过每笔上限和资金池余额，余额不足部分记为尚欠。",
                      "Loss = principal (the amount, or --principal) − what the disposal recovered; the fund's, insurer's and appraiser's shares are rounded half-up to the 分 and the bank bears the rest; the fund pays up to its cap per loan and its balance, and owes what the balance cannot cover."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("登记号", "The 登记号."))) var regNo: String
    @Option(help: ArgumentHelp(L("资金池名称", "The pool."))) var pool: String
    @Option(help: ArgumentHelp(L("日期，不早于违约和处置日期、不晚于今天", "The date: not before the default or the disposal, not after today."))) var date: String
    @Option(help: ArgumentHelp(L("未偿本金（默认登记金额）", "The outstanding principal (default: the registered amount)."))) var principal: String?
    @Option(help: ArgumentHelp(L("元/yuan、万/wan 或 亿/yi", "元/yuan, 万/wan or 亿/yi."))) var unit: MoneyUnit?

    func run() throws {
        try global.requireWritable()
        let p = try principal.map { try Fen.parse(amount: $0, unit: unit, field: "--principal") }
        let day = try CivilDate.parsePast(date, field: "--date", today: CivilDate.today())
        let (entry, o) = try global.openLedger().claimLoss(regNo, LossClaim(pool: pool, date: day, principal: p))
        let y = SubsidyReport.shown
        Console.out(Console.messages.text(.lossRecorded, ["regNo": regNo, "loss": y(o.loss), "fund": y(o.fundShare), "bank": y(o.bankShare),
                                                          "insurer": y(o.insurerShare), "appraiser": y(o.appraiserShare), "paid": y(o.paid), "owed": y(o.owed)]))
        Console.out("seq \(entry.seq)  hash \(entry.hash)")
    }
}

struct PoolReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: L("资金池报表：注资、支付、余额、尚欠、覆盖贷款与放大倍数；指定资金池时列出损失分担", "Pool report: contributions, payouts, balance, owed, loans covered, leverage; one pool's losses when named."),
        discussion: L("覆盖贷款：范围内状态为有效或违约的登记；放大倍数 = 覆盖金额 ÷ 注资。", "Loans covered: active or defaulted registrations in the pool's scope; leverage = covered amount ÷ contributions."))
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(L("只看这个资金池（并列出其损失分担）", "One pool only, with its losses."))) var pool: String?
    @OptionGroup var out: MoneyOutput

    func run() throws {
        let ledger = try global.openLedger()
        let pools = try pool.map { [try ledger.poolStatus($0)] } ?? ledger.poolStatuses()
        let report = PoolReport(pools: pools, detailed: pool != nil, head: try ledger.head().map { "\($0.seq):\($0.hash)" } ?? "—")
        try SubsidyText.emit(global, out, text: { try report.render(format: $0, language: global.language) },
                             workbook: { report.workbook(language: global.language) })
    }
}

enum PoolText {
    static func pool(_ p: RiskPool, _ reference: ReferenceData, _ l: Language) -> String {
        let scope = p.park ?? p.prefectureCode.map { reference.prefecture(code: $0)?.name ?? $0 } ?? p.bank ?? l.pick("全部贷款", "all loans")
        return Console.messages.text(.poolSet, ["name": p.name, "fund": Percent.text(p.fundBasisPoints), "bank": Percent.text(p.bankBasisPoints),
                                                "insurer": Percent.text(p.insurerBasisPoints), "appraiser": Percent.text(p.appraiserBasisPoints),
                                                "cap": p.capPerLoan.map { SubsidyReport.shown($0) + l.pick(" 元", " yuan") } ?? l.pick("不封顶", "none"), "scope": scope])
    }
}
