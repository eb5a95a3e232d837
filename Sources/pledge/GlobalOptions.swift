import ArgumentParser
import Foundation
import PledgeCore
import PledgeIO
import PledgeStore

extension Language: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}
extension ViewFormat: ExpressibleByArgument {}
extension MonthlyGrouping: ExpressibleByArgument {}
extension MoneyUnit: ExpressibleByArgument {}
extension ReleaseReason: ExpressibleByArgument {}

/// Options every command accepts, before or after the command name.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Ledger file (default: $PLEDGE_DB, else ./pledge.sqlite).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: "Label language, zh or en (default: zh when $LANG starts with zh). Never changes data or JSON keys.")
    var lang: Language?

    @Flag(name: .long, help: "Open the ledger read-only (also PLEDGE_READ_ONLY=1): every write is refused with exit 74.")
    var readOnly = false

    @Option(name: .customLong("operator"), help: ArgumentHelp("Who is making the change (default: $PLEDGE_OPERATOR, else the OS user).", valueName: "name"))
    var operatorName: String?

    static let environment = ProcessInfo.processInfo.environment

    var ledgerPath: String { db ?? Self.environment["PLEDGE_DB"] ?? "./pledge.sqlite" }
    var language: Language { lang ?? Language.fromEnvironment(Self.environment["LANG"]) }
    var isReadOnly: Bool { readOnly || Self.environment["PLEDGE_READ_ONLY"] == "1" }

    var resolvedOperator: String {
        if let o = operatorName ?? Self.environment["PLEDGE_OPERATOR"], !o.trimmingSpaces.isEmpty { return o.trimmingSpaces }
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return Self.environment["USER"] ?? "unknown"
    }

    func validate() throws {
        if let o = operatorName, o.hasControlCharacters || o.trimmingSpaces.isEmpty || o.count > 100 {
            throw ValidationError("--operator must be 1 to 100 characters without control characters")
        }
    }

    /// Seconds a writer waits for another writer's lock: $PLEDGE_BUSY_TIMEOUT, else 10.
    var busyTimeout: TimeInterval {
        Self.environment["PLEDGE_BUSY_TIMEOUT"].flatMap(TimeInterval.init).map { max(0, $0) } ?? Ledger.defaultBusyTimeout
    }

    /// Opens the existing ledger named by --db / $PLEDGE_DB.
    func openLedger() throws -> Ledger {
        try Ledger.open(at: ledgerPath, readOnly: isReadOnly, operatorName: resolvedOperator, busyTimeout: busyTimeout)
    }

    /// Refuses before anything is opened when the user asked for read-only access.
    func requireWritable() throws {
        if isReadOnly { throw StoreError.readOnly(path: ledgerPath) }
    }
}
