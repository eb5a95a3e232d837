import ArgumentParser
import Foundation
import PledgeCore

@main
struct Pledge: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "pledge",
        abstract: L("甘肃省知识产权质押融资台账", "甘肃省知识产权质押融资台账 — the Gansu IP pledge financing ledger."),
        discussion: L("""
            记录知识产权质押登记（只追加、哈希链接的 SQLite 台账），报告融资目标进度（默认：专利质押登记融资 50 亿元，2021–2025）。
            退出码：0 正常，1 发现问题，64 用法错误，65 输入数据错误，66 文件或台账不存在，70 内部错误，73 冲突，74 读写错误或只读，75 台账忙，77 无权执行（提交人审批自己的提案）。
            """, """
            Records pledge registrations in an append-only, hash-chained SQLite ledger and reports progress \
            against the financing target (default: 专利质押登记融资 50 亿元, 2021–2025).
            Exit codes: 0 ok, 1 findings, 64 usage, 65 bad input, 66 missing file/ledger, 70 internal, \
            73 conflict, 74 I/O or read-only, 75 ledger busy, 77 not permitted (approving one's own proposal).
            """),
        version: "pledge \(version)",
        subcommands: [
            InitCommand.self, DemoCommand.self, RegisterCommand.self, CorrectCommand.self, VoidCommand.self,
            ReleaseCommand.self, DefaultCommand.self, ExtendCommand.self, ImportCommand.self, ExportCommand.self,
            ShowCommand.self, HistoryCommand.self,
            TargetCommand.self, ReportCommand.self, PeriodCommand.self, QueryCommand.self, AuditCommand.self, CheckCommand.self,
            BackupCommand.self, CopyCommand.self, ReferenceCommand.self, SettingCommand.self, UserCommand.self, ServeCommand.self,
            ProposalsCommand.self, ProposalCommand.self, ApproveCommand.self, RejectCommand.self, SubsidyCommand.self,
            PoolCommand.self, DisposeCommand.self, LossCommand.self,
        ]
    )

    @OptionGroup var global: GlobalOptions

    static func main() async {
        // A file-size limit (ulimit -f) must surface as a write error (exit 74, nothing committed), not kill us.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            // PLEDGE_TIMING=1: the command's own time on stderr (Scripts/bench separates it from start-up).
            let started = ProcessInfo.processInfo.environment["PLEDGE_TIMING"] == "1" ? DispatchTime.now() : nil
            if var async = command as? AsyncParsableCommand { try await async.run() } else { try command.run() }
            if let started {
                let ms = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
                Console.err("timing: \(String(format: "%.3f", ms)) ms")
            }
        } catch let failure as any PledgeFailure {
            Console.fail(failure)
        } catch where exitCode(for: error) == .validationFailure {
            for line in UsageFailure.lines(for: error) { Console.err(line) }
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
