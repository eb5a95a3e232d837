import ArgumentParser
import Foundation
import Hummingbird
import PledgeCore
import PledgeServer
import PledgeStore

/// `pledge serve`: the ledger over HTTP for clerks, auditors and the office head.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: L("在浏览器与接口中提供台账（用户与角色见 pledge user）", "Serve the ledger over HTTP (users and roles: pledge user)."),
        discussion: L("第一行输出 `listening on http://主机:端口`。SIGTERM 或 SIGINT：停止接收新请求，处理完进行中的请求后退出（0）。命令行与服务可同时写同一台账。",
                      "The first line printed is `listening on http://HOST:PORT`. SIGTERM or SIGINT: stop accepting, finish the requests in flight, exit 0. The CLI and the server may write the same ledger at once."))
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(L("监听地址 主机:端口（默认 127.0.0.1:8080；端口 0 自动选择）", "Address HOST:PORT (default 127.0.0.1:8080; port 0 picks a free one)."), valueName: "HOST:PORT"))
    var listen = "127.0.0.1:8080"

    func run() async throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port),
              colon > listen.startIndex else {
            throw FieldError(field: "--listen", value: listen, rule: .listenAddress)
        }
        let host = String(listen[..<colon])
        guard let ledger = try global.openLedger() as? Ledger else { throw StoreError.internalError("serve needs the SQLite ledger") }
        let app = PledgeServer.application(ledger: ledger, host: host, port: port, log: { Console.err($0) }) { bound in
            Console.out("listening on http://\(host):\(bound)")
        }
        try await app.runService()
    }
}
