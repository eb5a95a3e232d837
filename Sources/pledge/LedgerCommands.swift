import ArgumentParser
import PledgeCore
import PledgeIO
import PledgeStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: L("新建台账（0600），含甘肃市州、园区、银行和默认目标", "Create a new ledger (mode 0600) with Gansu's prefectures, parks, banks and the default target."),
        discussion: L("不覆盖已有文件（退出码 73）。默认目标：gansu-2025，专利质押 50 亿元，2021-01-01 … 2025-12-31。", "Refuses to overwrite an existing file (exit 73). Default target: gansu-2025, 50 亿元 of patent pledges, 2021-01-01 … 2025-12-31."))

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.requireWritable()
        let ledger = try Ledger.create(at: global.ledgerPath, operatorName: global.resolvedOperator)
        let reference = ReferenceData.shipped()
        let entries = try ledger.initialize(reference: reference)
        let l = global.language
        let head = entries.last!
        Console.out(l.pick(
            "已创建台账 \(ledger.path)：\(reference.prefectures.count) 个市州、\(reference.parks.count) 个园区、\(reference.banks.count) 家银行；默认目标 \(Target.gansu2025.name)（专利 50 亿元，2021-01-01 … 2025-12-31）",
            "created ledger \(ledger.path): \(reference.prefectures.count) prefectures, \(reference.parks.count) parks, \(reference.banks.count) banks; default target \(Target.gansu2025.name) (patents, 50 亿元, 2021-01-01 … 2025-12-31)"))
        Console.out("head \(head.seq):\(head.hash)")
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: L("新建并填入逼真示例数据的台账（同一种子登记相同；生命周期事件记到今天）", "Create a new ledger filled with realistic sample data (the same registrations for the same seed; lifecycle events up to today)."))

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(L("生成的登记笔数", "Number of registrations to generate."))) var loans = 800
    @Option(help: ArgumentHelp(L("随机种子：同一种子生成相同台账", "Seed of the generator: the same seed gives the same ledger."))) var seed: UInt64 = 1

    func validate() throws {
        guard (1...5_000_000).contains(loans) else { throw ValidationError("--loans must be between 1 and 5,000,000") }
    }

    func run() throws {
        try global.requireWritable()
        let ledger = try Ledger.create(at: global.ledgerPath, operatorName: global.resolvedOperator)
        let reference = ReferenceData.shipped()
        _ = try ledger.initialize(reference: reference)
        let entries = try DemoData(reference: reference, today: CivilDate.today()).fill(ledger, count: loans, seed: seed)
        let head = try ledger.head()!
        Console.out(global.language.pick(
            "已创建示例台账 \(ledger.path)：\(loans) 笔登记，\(entries) 条日志（种子 \(seed)）",
            "created sample ledger \(ledger.path): \(loans) registrations, \(entries) journal entries (seed \(seed))"))
        Console.out("head \(head.seq):\(head.hash)")
    }
}

struct TargetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target", abstract: L("设置、列出、删除融资目标，或选择默认目标", "Set, list, remove financing targets, or choose the default one."),
        subcommands: [Set.self, List.self, Remove.self, Default.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: L("设置（或替换）目标：金额、统计窗口和质押物类型", "Set (or replace) a target: amount, window and IP type."),
            discussion: L("示例：pledge target set lanzhou-2026 --amount 8亿 --from 2026-01-01 --to 2026-12-31 --ip-type patent", "Example: pledge target set lanzhou-2026 --amount 8 --unit yi --from 2026-01-01 --to 2026-12-31 --ip-type patent"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("目标名称", "Target name."))) var name: String
        @Option(help: ArgumentHelp(L("目标金额：50亿、8,000万，或按 --unit 的数字", "Target amount: 50亿, 8,000万, or a number in --unit."))) var amount: String
        @Option(help: ArgumentHelp(L("元/yuan、万/wan 或 亿/yi（金额自带单位时不需要）", "元/yuan, 万/wan or 亿/yi (not needed when the amount says it)."))) var unit: MoneyUnit?
        @Option(help: ArgumentHelp(L("统计窗口首日", "First day of the window."))) var from: String
        @Option(help: ArgumentHelp(L("统计窗口末日", "Last day of the window."))) var to: String
        @Option(name: .customLong("ip-type"), help: ArgumentHelp(L("patent、trademark、copyright、other 或 all（默认 all）", "patent, trademark, copyright, other or all (default all)."))) var ipType = "all"
        @Option(help: ArgumentHelp(L("只统计该园区的登记（名称、别名或唯一前缀）", "Count one park's registrations only (name, alias or unique prefix)."))) var park: String?
        @Option(help: ArgumentHelp(L("只统计该市州的登记（名称或代码）", "Count one prefecture's registrations only (name or code)."))) var prefecture: String?

        func validate() throws {
            if park != nil && prefecture != nil {
                throw ValidationError(L("--park 与 --prefecture 只能选一个", "give --park or --prefecture, not both"))
            }
        }

        func run() throws {
            try global.requireWritable()
            let fen = try Fen.parse(amount: amount, unit: unit, field: "--amount")
            let fromDate = try CivilDate.parse(from, field: "--from")
            let toDate = try CivilDate.parse(to, field: "--to")
            let type = ipType.lowercased() == "all" || ipType == "全部" ? nil : try IPType.parse(ipType, field: "--ip-type")
            let ledger = try global.openLedger()
            let reference = try ledger.reference()
            let parkName = try park.map { try reference.requirePark($0, field: "--park").name }
            let prefectureCode = try prefecture.map { try reference.requirePrefecture($0, field: "--prefecture").code }
            let target: Target
            do {
                target = try Target.validated(name: name, amount: fen, from: fromDate, to: toDate, ipType: type, park: parkName, prefectureCode: prefectureCode)
            } catch let e as FieldError {
                let flags = [Target.Field.name.rawValue: L("目标名称", "target name"), Target.Field.amount.rawValue: "--amount", Target.Field.to.rawValue: "--to"]
                throw e.renamed(flags[e.field] ?? e.field)
            }
            let entry = try ledger.setTarget(target)
            let scope: String = parkName ?? prefectureCode.flatMap { reference.prefecture(code: $0)?.name } ?? ""
            let l = global.language
            let typeName = target.ipType.map { l.pick($0.chineseName, $0.rawValue) } ?? l.pick("全部类型", "all IP types")
            let summary = [target.amount.wanDisplay + " 万元", "\(target.from) … \(target.to)", typeName] + (scope.isEmpty ? [] : [scope])
            Console.out(l.pick("目标 \(target.name) 已设置：", "target \(target.name) set: ") + summary.joined(separator: l.pick("，", ", ")))
            Console.out("seq \(entry.seq)  hash \(entry.hash)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: L("列出目标及报表默认使用的目标", "List the targets and which one reports use by default."))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("table（表格）或 json", "table or json."))) var format: ViewFormat = .table

        func run() throws {
            let ledger = try global.openLedger()
            let targets = try ledger.targets()
            let chosen = targets.isEmpty ? nil : try ledger.target(named: nil).name
            Console.out(try TargetListing(targets: targets, defaultName: chosen).render(format: format, language: global.language))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: L("不再统计某个目标；日志保留它及删除原因", "Stop reporting on a target; the journal keeps it and why."),
            discussion: L("默认目标不能删除：先用 `target default 名称` 选择另一个默认目标。", "The default target cannot be removed: choose another default first (`target default NAME`)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("目标名称", "Target name."))) var name: String
        @Option(help: ArgumentHelp(L("原因（记入日志）；必填", "Why (recorded in the journal); required."))) var reason: String?

        func validate() throws { try requireReason(reason) }

        func run() throws {
            try global.requireWritable()
            let ledger = try global.openLedger()
            if try ledger.target(named: nil).name == name && ledger.targets().contains(where: { $0.name == name }) {
                throw FieldError(field: L("目标名称", "target name"), value: name, rule: .defaultTargetRemoved)
            }
            receipt(global.language.pick("已删除目标 \(name)", "removed target \(name)"), try ledger.removeTarget(name, reason: (reason ?? "").trimmingSpaces))
        }
    }

    struct Default: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: L("选择未指定 --target 时报表使用的目标", "Choose the target reports use when --target is not given."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("目标名称", "Target name."))) var name: String

        func run() throws {
            try global.requireWritable()
            receipt(global.language.pick("默认目标为 \(name)", "default target: \(name)"), try global.openLedger().setDefaultTarget(name))
        }
    }
}

struct ReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference", abstract: L("列出台账接受的名称：市州、园区、银行（含别名）", "List the names the ledger accepts: prefectures, parks, banks (with aliases)."))

    enum List: String, ExpressibleByArgument, CaseIterable { case prefectures, parks, banks }

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("prefectures（市州）、parks（园区）或 banks（银行）", "prefectures, parks or banks."))) var list: List

    func run() throws {
        let reference = try global.openLedger().reference()
        Console.out(ReferenceListing(reference: reference).render(list.rawValue, language: global.language))
    }
}

struct SettingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: L("台账设置（记入日志）", "The ledger's settings (journaled)."),
        subcommands: [Set.self, AmountConfirm.self], aliases: ["setting"])

    enum Key: String, ExpressibleByArgument, CaseIterable { case approval }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: L("设置 approval：required（录入须经另一人审批）或 off", "Set approval: required (every registration change needs a second person's approval) or off."),
            discussion: L("""
                示例：pledge settings set approval required
                需要审批时，register、correct、void、release、default、extend 和 import 只提交提案（显示 proposal N），经 pledge approve N 批准后才计入。关闭审批不影响待审批的提案。
                """, """
                Example: pledge settings set approval required
                While required, register, correct, void, release, default, extend and import record a proposal (printing proposal N) \
                that counts once `pledge approve N` approves it. Turning approval off leaves pending proposals pending.
                """))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("设置名：approval", "The setting: approval."))) var key: Key
        @Argument(help: ArgumentHelp(L("required（需要审批）或 off", "required or off."))) var value: String

        func run() throws {
            let setting = try ApprovalSetting.parse(value, field: "VALUE")
            try global.requireWritable()
            let words = setting == .required ? global.language.pick("需要审批", "required") : global.language.pick("不需要审批", "off")
            receipt(Console.messages.text(.approvalNow, ["setting": words]), try global.openLedger().setApproval(setting))
        }
    }

    struct AmountConfirm: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "amount-confirm",
            abstract: L("设置需 --confirm-amount 的金额门槛（默认 5 亿元）", "Set the amount above which a registration needs --confirm-amount (default 5 亿元)."),
            discussion: L("示例：pledge setting amount-confirm 3亿", "Example: pledge setting amount-confirm 3亿"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("金额：3亿、50,000万（只写数字按万元）", "The amount: 3亿, 50,000万 (a plain number is 万元)."))) var amount: String

        func run() throws {
            try global.requireWritable()
            let fen = try Fen.parse(amount: amount, unit: MoneyUnit.split(amount).unit ?? .wan, field: "AMOUNT")
            guard fen.value > 0 else { throw FieldError(field: "AMOUNT", value: amount, rule: .amountNotPositive) }
            receipt(global.language.pick("超过 \(fen.wanDisplay) 万元的登记须加 --confirm-amount", "registrations above \(fen.wanDisplay) 万元 need --confirm-amount"),
                    try global.openLedger().setAmountConfirmLimit(fen))
        }
    }
}
