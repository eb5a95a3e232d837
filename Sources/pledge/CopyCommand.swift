import ArgumentParser
import Foundation
import PledgeCore
import PledgeIO
import PledgeStore

struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: L("把一个台账的日志逐条重放到新的空台账，结束于相同的 head SEQ:HASH", "Replay one ledger's journal, entry by entry, into a new empty ledger that ends at the same head SEQ:HASH."),
        discussion: L("""
            先校验源台账，再在一个事务中重放每条日志（时间、操作人不变）并带上用户的登录凭据，最后校验新台账。不覆盖已有台账（退出码 73）。
            示例：pledge copy --from pledge.sqlite --to /data/pledge-copy.sqlite
            """, """
            Verifies the source, replays every entry in one transaction (each keeps its time and operator) with the users' \
            sign-in credentials, then verifies the copy. Never writes into an existing ledger (exit 73).
            Example: pledge copy --from pledge.sqlite --to /data/pledge-copy.sqlite
            """))

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(L("源台账", "The ledger to copy."), valueName: "db")) var from: String
    @Option(help: ArgumentHelp(L("新台账（不能已存在）", "The new ledger (must not exist)."), valueName: "db")) var to: String

    func run() throws {
        if global.isReadOnly { throw StoreError.readOnly(path: to) }
        let source = try Ledger.open(at: from, readOnly: true, operatorName: global.resolvedOperator, busyTimeout: global.busyTimeout)
        let sourceReport = try source.verify()
        guard sourceReport.isClean else {
            for f in sourceReport.findings { Console.err(Console.messages.describe(f)) }
            Console.err(Console.messages.text(.copySourceFails, ["from": from]))
            throw ExitCode(1)
        }
        let target: Ledger
        do {
            target = try Ledger.create(at: to, operatorName: global.resolvedOperator, busyTimeout: global.busyTimeout)
        } catch StoreError.ledgerExists(let path) {
            throw StoreError.notEmpty(path: path)
        }
        let report: AuditReport
        do {
            _ = try target.replay(from: source, progress: nil)
            report = try target.verify()
        } catch {
            // A half-written copy is worse than none.
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(to + suffix) }
            throw error
        }
        let head = report.head.map { "\($0.seq):\($0.hash)" } ?? "0"
        let sourceHead = sourceReport.head.map { "\($0.seq):\($0.hash)" } ?? "0"
        guard report.isClean, head == sourceHead else {
            for f in report.findings { Console.err(Console.messages.describe(f)) }
            throw StoreError.internalError("the copy \(to) ends at \(head), not at the source's head \(sourceHead)")
        }
        Console.out(Console.messages.text(.copied, ["entries": String(report.entries), "from": from, "to": to]))
        Console.out("head \(head)")
    }
}
