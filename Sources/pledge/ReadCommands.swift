import ArgumentParser
import PledgeCore
import PledgeIO
import PledgeStore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one registration's current state.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "登记号.") var regNo: String
    @Option(help: "table or json.") var format: ReportFormat = .table

    func run() throws {
        let ledger = try global.openLedger()
        guard let stored = try ledger.registration(regNo) else { throw StoreError.registrationMissing(regNo: regNo) }
        Console.out(try RegistrationView(stored: stored, reference: try ledger.reference())
            .render(format: format, language: global.language))
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Every journal entry of one registration: seq, time, operator, kind, changes, reason.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "登记号.") var regNo: String
    @Option(help: "table or json.") var format: ReportFormat = .table

    func run() throws {
        let entries = try global.openLedger().history(regNo)
        guard !entries.isEmpty else { throw StoreError.registrationMissing(regNo: regNo) }
        Console.out(try HistoryView(entries: entries).render(format: format, language: global.language))
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports against the financing target.", subcommands: [Progress.self])

    struct Progress: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Progress against a target: achieved, percent, remaining, months left, pace needed vs trailing pace, projection.",
            discussion: "Counts non-void registrations of the target's IP type dated in the target's window and not after --as-of (default today).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Target name (default: the ledger's first target, gansu-2025).") var target: String?
        @Option(name: .customLong("as-of"), help: "Count up to this date (default today).") var asOf: String?
        @Option(help: "table or json.") var format: ReportFormat = .table

        func run() throws {
            let date = try asOf.map { try CivilDate.parse($0, field: "--as-of") } ?? CivilDate.today()
            let ledger = try global.openLedger()
            let progress = try ledger.progress(target: try ledger.target(named: target), asOf: date)
            Console.out(try ProgressReport(progress: progress)
                .render(ReportOptions(language: global.language, format: format, asOf: date)))
        }
    }
}
