import ArgumentParser
import Foundation
import PledgeCore
import PledgeIO
import PledgeStore

extension Language: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}
extension ViewFormat: ExpressibleByArgument {}
extension MonthlyGrouping: ExpressibleByArgument {}
extension MoneyUnit: ExpressibleByArgument {
    /// `yuan`/`元`, `wan`/`万`/`万元`, `yi`/`亿`/`亿元`.
    public init?(argument: String) { self.init(text: argument) }
}

extension ReleaseReason: ExpressibleByArgument {
    public init?(argument: String) { guard let r = ReleaseReason.parse(argument) else { return nil }; self = r }
}

/// Options every command accepts, before or after the command name.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(L("台账文件（默认 $PLEDGE_DB，否则 ./pledge.sqlite）", "Ledger file (default: $PLEDGE_DB, else ./pledge.sqlite)."), valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp(L("显示语言 zh 或 en（默认：$LANG 以 zh 开头时为 zh）；不改变数据和 JSON 键", "Label language, zh or en (default: zh when $LANG starts with zh). Never changes data or JSON keys.")))
    var lang: Language?

    @Flag(name: .long, help: ArgumentHelp(L("只读打开台账（或 PLEDGE_READ_ONLY=1）：任何写入均被拒绝（退出码 74）", "Open the ledger read-only (also PLEDGE_READ_ONLY=1): every write is refused with exit 74.")))
    var readOnly = false

    @Option(name: .customLong("operator"), help: ArgumentHelp(L("操作人（默认 $PLEDGE_OPERATOR，否则为系统用户）", "Who is making the change (default: $PLEDGE_OPERATOR, else the OS user)."), valueName: "name"))
    var operatorName: String?

    static let environment = ProcessInfo.processInfo.environment

    var ledgerPath: String { db ?? Self.environment["PLEDGE_DB"] ?? "./pledge.sqlite" }
    /// Decided once for the process (`Console.language`), so that help and parsing errors speak it too.
    var language: Language { Console.language }
    var isReadOnly: Bool { readOnly || Self.environment["PLEDGE_READ_ONLY"] == "1" }

    /// --operator, else $PLEDGE_OPERATOR (when set and not empty), else the OS user: each validated by the same rule
    /// (`validate()` has refused a bad flag or variable; an OS user name that breaks it is recorded as `uid N`).
    var resolvedOperator: String {
        if let o = operatorName { return (try? OperatorName.validated(o, field: "--operator")) ?? o }
        if let o = Self.environment["PLEDGE_OPERATOR"], !o.isEmpty { return (try? OperatorName.validated(o, field: "PLEDGE_OPERATOR")) ?? o }
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name,
           let valid = try? OperatorName.validated(String(cString: name), field: "user") { return valid }
        return "uid \(geteuid())"
    }

    func validate() throws {
        do {
            if let o = operatorName { _ = try OperatorName.validated(o, field: "--operator") }
            if let o = Self.environment["PLEDGE_OPERATOR"], !o.isEmpty { _ = try OperatorName.validated(o, field: "PLEDGE_OPERATOR") }
        } catch let e as FieldError {
            throw ValidationError(Console.messages.describe(e))
        }
    }

    /// Seconds a writer waits for another writer's lock: $PLEDGE_BUSY_TIMEOUT, else 10.
    var busyTimeout: TimeInterval {
        Self.environment["PLEDGE_BUSY_TIMEOUT"].flatMap(TimeInterval.init).map { max(0, $0) } ?? Ledger.defaultBusyTimeout
    }

    /// Opens the existing ledger named by --db / $PLEDGE_DB.
    /// `audit`: a ledger whose migration record is damaged opens without migrating, for `audit verify` to report.
    func openLedger(audit: Bool = false) throws -> any LedgerStore {
        try Ledger.open(at: ledgerPath, readOnly: isReadOnly, operatorName: resolvedOperator, busyTimeout: busyTimeout, audit: audit)
    }

    /// Refuses before anything is opened when the user asked for read-only access.
    func requireWritable() throws {
        if isReadOnly { throw StoreError.readOnly(path: ledgerPath) }
    }
}
