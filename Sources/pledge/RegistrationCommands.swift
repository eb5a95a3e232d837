import ArgumentParser
import PledgeCore
import PledgeIO
import PledgeStore

/// `correct --field amount`, `--field 金额`, `--field 登记金额(万元)`: `RegistrationField(named:)`.
extension RegistrationField: ExpressibleByArgument {
    public init?(argument: String) { self.init(named: argument) }
    public static var allValueStrings: [String] { allCases.map(\.argument) }
}

let flagName: @Sendable (RegistrationField) -> String = { "--" + $0.argument }

struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: L("录入一笔质押登记；显示日志序号和哈希", "Record one pledge registration; prints the entry's seq and hash."),
        discussion: L("""
            示例：pledge register --reg-no Y2024620000123 --date 2024年3月5日 --uscc 914403001922038216 \
            --enterprise 甘肃陇原新材料科技有限公司 --bank 兰州银行科技支行 --amount 2,000万 --ip 201710601862.3 --park 兰州高新区 --rywq
            日期不得晚于今天；已存在的登记号被拒绝（退出码 73）；超过 5 亿元的金额需 --confirm-amount；仍被质押的权利需 --allow-double-pledge --reason。
            """, """
            Example: pledge register --reg-no Y2024620000123 --date 2024-03-05 --uscc 914403001922038216 \
            --enterprise 甘肃陇原新材料科技有限公司 --bank 兰州银行 --amount 2,000 --unit wan --ip-type patent \
            --ip 201710601862.3 --park 兰州高新区 --rywq
            Dates after today are refused. An existing 登记号 is refused with exit 73.
            """))

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("reg-no"), help: ArgumentHelp(L("登记号，最多 40 个字符", "登记号, at most 40 characters."))) var regNo: String
    @Option(help: ArgumentHelp(L("登记日期：2024-03-05、2024/3/5 或 2024年3月5日", "Registration date: 2024-03-05, 2024/3/5 or 2024年3月5日."))) var date: String
    @Option(help: ArgumentHelp(L("出质人统一社会信用代码（18 位，校验校验位）", "统一社会信用代码 of the pledgor (18 characters, check digit verified)."))) var uscc: String
    @Option(help: ArgumentHelp(L("企业名称", "Enterprise name."))) var enterprise: String
    @Option(help: ArgumentHelp(L("贷款银行（名称或简称，见 `pledge reference banks`；可带支行）", "Lender bank (name or short name, see `pledge reference banks`)."))) var bank: String
    @Option(help: ArgumentHelp(L("支行", "Branch (支行)."))) var branch: String?
    @Option(help: ArgumentHelp(L("被担保债权数额：2,000万、0.5亿，或按 --unit 的数字；可用千位分隔符", "Registered secured amount (被担保债权数额) in --unit; thousands separators allowed."))) var amount: String
    @Option(help: ArgumentHelp(L("元/yuan（≤ 2 位小数）、万/wan（≤ 6）或 亿/yi（≤ 10）；金额自带单位（2,000万）时不需要", "元/yuan (≤ 2 decimals), 万/wan (≤ 6) or 亿/yi (≤ 10); not needed when the amount says it (2,000万)."))) var unit: MoneyUnit?
    @Option(name: .customLong("ip-type"), help: ArgumentHelp(L("专利/patent、商标/trademark、著作权/copyright 或 其他/other", "patent/专利, trademark/商标, copyright/著作权 or other/其他."))) var ipType = "patent"
    @Option(name: .customLong("ip"), parsing: .upToNextOption, help: ArgumentHelp(L("出质权利编号（专利号校验校验位）", "Pledged right numbers (patents check-digit validated)."))) var ip: [String] = []
    @Option(help: ArgumentHelp(L("园区（见 `pledge reference parks`）；决定所属市州", "Park (see `pledge reference parks`); sets the prefecture."))) var park: String?
    @Option(help: ArgumentHelp(L("市州名称或 GB/T 2260 代码", "Prefecture name or GB/T 2260 code."))) var prefecture: String?
    @Option(help: ArgumentHelp(L("到期日（债务履行期届满日），不早于登记日期", "Maturity (debt term end), not before the registration date."))) var maturity: String?
    @Option(help: ArgumentHelp(L("年利率（百分数），如 3.85", "Annual rate in percent, e.g. 3.85."))) var rate: String?
    @Option(help: ArgumentHelp(L("备注", "Notes."))) var notes: String?
    @Flag(help: ArgumentHelp(L("入园惠企", "入园惠企 action."))) var rywq = false
    @Flag(name: .customLong("first-loan"), help: ArgumentHelp(L("首贷：企业的第一笔贷款", "首贷: the enterprise's first loan."))) var firstLoan = false
    @Flag(help: ArgumentHelp(L("有质押贷款保险", "Covered by pledge-loan insurance (保险)."))) var insured = false
    @Option(name: .customLong("appraised-value"), help: ArgumentHelp(L("质押物评估价值（单位同 --unit，或自带单位）；报告据此给出质押率", "The pledged rights' appraised value (in --unit unless it says its own); reports give the pledge rate from it."))) var appraisedValue: String?
    @Option(help: ArgumentHelp(L("评估机构", "Who appraised them."))) var appraiser: String?
    @Option(help: ArgumentHelp(L("保险公司", "The insurer of the loan."))) var insurer: String?
    @Option(name: .customLong("insured-amount"), help: ArgumentHelp(L("保险金额（单位同 --unit，或自带单位）", "The amount insured (in --unit unless it says its own)."))) var insuredAmount: String?
    @Flag(help: ArgumentHelp(L("登记日期属于已关账月份（补录）；连同 --reason 记入日志", "Registration dated in a closed period; recorded in the entry with --reason."))) var late = false
    @Option(help: ArgumentHelp(L("补录或重复质押的原因（用 --late 或 --allow-double-pledge 时必填；记入日志）", "Why a --late registration is recorded in a closed month (required with --late; kept in the entry)."))) var reason: String?
    @Flag(name: .customLong("allow-bad-uscc"), help: ArgumentHelp(L("接受校验位错误的统一社会信用代码；记入日志", "Accept a USCC whose check character is wrong; recorded in the entry."))) var allowBadUSCC = false
    @Flag(name: .customLong("confirm-amount"), help: ArgumentHelp(L("确认超过 5 亿元或台账近期中位数 100 倍的金额（把万写成亿时不加此项会被拒绝）", "Take an amount above 5 亿元 or 100 times the ledger's recent median (a 万 typed as 亿 is refused without it).")))
    var confirmAmount = false
    @Flag(name: .customLong("allow-double-pledge"), help: ArgumentHelp(L("质押仍被其他登记占用的权利（登记机关不接受）；需 --reason", "Pledge a right another registration still holds (the registry refuses it); needs --reason.")))
    var allowDoublePledge = false

    func validate() throws {
        if late || allowDoublePledge || reason != nil { try requireReason(reason) }
    }

    func run() throws {
        try global.requireWritable()
        let ledger = try global.openLedger()
        var input = RegistrationInput(amountUnit: unit, allowBadUSCC: allowBadUSCC)
        input[.regNo] = regNo
        input[.regDate] = date
        input[.uscc] = uscc
        input[.enterprise] = enterprise
        input[.bank] = bank
        input[.branch] = branch
        input[.amount] = amount
        input[.ipType] = ipType
        input[.ipNumbers] = ip.joined(separator: ";")
        input[.park] = park
        input[.prefecture] = prefecture
        input[.maturity] = maturity
        input[.rate] = rate
        input[.notes] = notes
        input[.rywq] = String(rywq)
        input[.firstLoan] = String(firstLoan)
        input[.insured] = String(insured)
        (input[.appraisedValue], input[.appraiser], input[.insurer], input[.insuredAmount]) = (appraisedValue, appraiser, insurer, insuredAmount)
        let validator = RegistrationValidator(reference: try ledger.reference(), today: CivilDate.today(), fieldName: flagName)
        let registration = try validator.validate(input).get()
        let warnings = try ledger.warnings(for: registration)
        if !confirmAmount, let unusual = warnings.first(where: \.isAmount) {
            throw FieldError(field: "--amount", value: amount, rule: .unusualAmount(unusual))
        }
        let entry = try ledger.register(registration, late: late, reason: reason?.trimmingSpaces, allowDoublePledge: allowDoublePledge)
        for w in warnings where !w.isAmount {
            Console.err(global.language.pick("pledge: 警告：", "pledge: warning: ") + Console.messages.warning(w, enterprise: registration.enterprise))
        }
        receipt(global.language.pick(
            "已登记 \(registration.regNo)：\(registration.amount.wanDisplay) 万元，\(registration.bank)，\(registration.regDate)",
            "registered \(registration.regNo): \(registration.amount.wanDisplay) 万元, \(registration.bank), \(registration.regDate)"), entry)
    }
}


struct CorrectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: L("更正一个字段；原值保留在日志中", "Clerical correction of one field; the original stays in the journal."),
        discussion: L("""
            字段：登记日期、统一社会信用代码、企业名称、银行、支行、金额、质押物类型、知识产权号（以 ; 分隔）、园区、市州、到期日、年利率、入园惠企、首贷、保险、备注、评估价值、评估机构、保险公司、保险金额（或英文 date、uscc、amount …）。--value 为空则清除可选字段。
            示例：pledge correct Y2024620000123 --field 金额 --value 2,100万 --reason "银行更正金额"
            """, """
            Fields: date, uscc, enterprise, bank, branch, amount (needs --unit), ip-type, ip (';'-separated), park, \
            prefecture, maturity, rate, rywq, first-loan, insured, notes, appraised-value, appraiser, insurer, insured-amount. An \
            empty --value clears an optional field.
            Example: pledge correct Y2024620000123 --field amount --value 2,100 --unit wan --reason "银行更正金额"
            """))

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("登记号", "登记号."))) var regNo: String
    @Option(help: ArgumentHelp(L("要更正的字段（如 金额、登记日期、银行，或 amount、date、bank）", "The field to correct."))) var field: RegistrationField
    @Option(help: ArgumentHelp(L("更正后的值", "The corrected value."))) var value: String
    @Option(help: ArgumentHelp(L("金额单位：元、万或亿（yuan、wan、yi）", "Unit of an amount: yuan, wan or yi."))) var unit: MoneyUnit?
    @Option(help: ArgumentHelp(L("原因（记入日志）；必填", "Why (recorded in the journal); required."))) var reason: String?
    @Flag(help: ArgumentHelp(L("更正已关账月份的登记；记入日志", "Correction of a registration in a closed period; recorded in the entry."))) var late = false
    @Flag(name: .customLong("allow-bad-uscc"), help: ArgumentHelp(L("接受校验位错误的统一社会信用代码", "Accept a USCC whose check character is wrong."))) var allowBadUSCC = false
    @Flag(name: .customLong("confirm-amount"), help: ArgumentHelp(L("确认超过 5 亿元或台账近期中位数 100 倍的金额", "Take an amount above 5 亿元 or 100 times the ledger's recent median.")))
    var confirmAmount = false
    @Flag(name: .customLong("allow-double-pledge"), help: ArgumentHelp(L("更正后的权利仍被其他登记占用时也接受", "Accept rights another registration still holds.")))
    var allowDoublePledge = false

    func validate() throws {
        if field == .regNo { throw ValidationError(Console.messages.text(.regNoIsPermanent)) }
        try requireReason(reason)
    }

    func run() throws {
        try global.requireWritable()
        var correction = Correction(field: field, value: value, reason: reason ?? "")
        (correction.unit, correction.allowBadUSCC, correction.late) = (unit, allowBadUSCC, late)
        (correction.confirmAmount, correction.allowDoublePledge) = (confirmAmount, allowDoublePledge)
        let (entry, changes) = try correction.apply(to: regNo, on: try global.openLedger(), today: CivilDate.today(), fieldName: flagName,
                                                    valueName: "--value (\(field.argument))")
        guard !entry.isProposal else {
            for c in changes { Console.out("  " + Console.messages.change(c)) }
            return receipt("", entry)
        }
        Console.out(global.language.pick("已更正 \(regNo)：", "corrected \(regNo):"))
        for c in changes { Console.out("  " + Console.messages.change(c)) }
        Console.out("seq \(entry.seq)  hash \(entry.hash)")
    }
}

/// `void`, `release`, `default` and `extend` share this shape: a 登记号, a change, a receipt.
struct VoidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void", abstract: L("作废误录的登记；退出统计，日志保留", "Void a registration entered in error; it leaves the statistic, the journal keeps it."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("登记号", "登记号."))) var regNo: String
    @Option(help: ArgumentHelp(L("原因（记入日志）；必填", "Why (recorded in the journal); required."))) var reason: String?
    @Flag(help: ArgumentHelp(L("作废已关账月份的登记；记入日志", "Voiding a registration in a closed period; recorded in the entry."))) var late = false

    func validate() throws { try requireReason(reason) }

    func run() throws {
        try global.requireWritable()
        let entry = try global.openLedger().void(regNo, reason: (reason ?? "").trimmingSpaces, late: late)
        receipt(global.language.pick("已作废 \(regNo)", "voided \(regNo)"), entry)
    }
}

struct ReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release", abstract: L("记录登记注销；统计不变", "Record the release (注销) of a registration; the statistic keeps it."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("登记号", "登记号."))) var regNo: String
    @Option(help: ArgumentHelp(L("注销日期，不晚于今天", "Release date, not after today."))) var date: String
    @Option(help: ArgumentHelp(L("已还款/repaid 或 其他/other", "repaid or other."))) var reason: ReleaseReason = .repaid

    func run() throws {
        try global.requireWritable()
        let d = try CivilDate.parsePast(date, field: "--date", today: CivilDate.today())
        let entry = try global.openLedger().release(regNo, date: d, reason: reason)
        receipt(global.language.pick("已注销 \(regNo)（\(d)）", "released \(regNo) on \(d)"), entry)
    }
}

struct DefaultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "default", abstract: L("记录登记违约；统计不变", "Record a default on a registration; the statistic keeps it."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("登记号", "登记号."))) var regNo: String
    @Option(help: ArgumentHelp(L("违约日期，不晚于今天", "Date of default, not after today."))) var date: String

    func run() throws {
        try global.requireWritable()
        let d = try CivilDate.parsePast(date, field: "--date", today: CivilDate.today())
        let entry = try global.openLedger().markDefault(regNo, date: d)
        receipt(global.language.pick("已记录违约 \(regNo)（\(d)）", "default recorded for \(regNo) on \(d)"), entry)
    }
}

struct ExtendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend", abstract: L("记录展期；统计不变", "Extend a registration's maturity (展期); the statistic keeps it."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("登记号", "登记号."))) var regNo: String
    @Option(help: ArgumentHelp(L("新的到期日，须晚于当前到期日", "The new maturity, later than the current one."))) var maturity: String

    func run() throws {
        try global.requireWritable()
        let d = try CivilDate.parse(maturity, field: "--maturity")
        let entry = try global.openLedger().extend(regNo, maturity: d)
        receipt(global.language.pick("已展期 \(regNo) 至 \(d)", "extended \(regNo) to \(d)"), entry)
    }
}

/// A reason recorded in the journal: non-empty text without control characters.
func requireReason(_ reason: String?, flag: String = "--reason") throws {
    guard let reason else { throw ValidationError(Console.messages.describe(FieldError(field: flag, value: "", rule: .reasonRequired))) }
    if reason.trimmingSpaces.isEmpty || reason.hasControlCharacters {
        throw ValidationError(Console.messages.describe(FieldError(field: flag, value: reason,
                                                                   rule: reason.hasControlCharacters ? .controlCharacters : .reasonRequired)))
    }
}

/// What a write prints: its message and `seq N  hash H`; while the ledger requires approval, that it was proposed and
/// `proposal N  hash H` instead.
func receipt(_ message: String, _ entry: AppendedEntry) {
    if entry.isProposal {
        Console.out(Console.messages.text(.proposed, ["seq": String(entry.seq)]))
        Console.out("proposal \(entry.seq)  hash \(entry.hash)")
    } else {
        Console.out(message)
        Console.out("seq \(entry.seq)  hash \(entry.hash)")
    }
}
