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
        discussion: L("第一行输出 `listening on http://主机:端口`（TLS 时为 https）。SIGTERM 或 SIGINT：停止接收新请求，处理完进行中的请求后退出（0）。命令行与服务可同时写同一台账。",
                      "The first line printed is `listening on http://HOST:PORT` (https with TLS). SIGTERM or SIGINT: stop accepting, finish the requests in flight, exit 0. The CLI and the server may write the same ledger at once."))
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(L("监听地址 主机:端口（默认 127.0.0.1:8080；端口 0 自动选择）", "Address HOST:PORT (default 127.0.0.1:8080; port 0 picks a free one)."), valueName: "HOST:PORT"))
    var listen = "127.0.0.1:8080"
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp(L("TLS 证书链（PEM）；与 --tls-key 同用时以 https 提供服务", "TLS certificate chain (PEM); with --tls-key, serve https."), valueName: "file"))
    var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: ArgumentHelp(L("TLS 私钥（PEM）", "TLS private key (PEM)."), valueName: "file"))
    var tlsKey: String?

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError(Console.messages.text(.tlsPair)) }
    }

    func run() async throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port),
              colon > listen.startIndex else {
            throw FieldError(field: "--listen", value: listen, rule: .listenAddress)
        }
        let host = String(listen[..<colon])
        let tls = tlsCert.flatMap { cert in tlsKey.map { (cert: cert, key: $0) } }
        guard let opened = try global.openLedger() as? Ledger else { throw StoreError.internalError("serve needs the SQLite ledger") }
        let ledger = try opened.concurrentReads()
        let scheme = tls == nil ? "http" : "https"
        let uploads = UploadStore()
        let app = try PledgeServer.application(ledger: ledger, host: host, port: port, tls: tls, uploads: uploads, log: { Console.err($0) }) { bound in
            Console.out("listening on \(scheme)://\(host):\(bound)")
        }
        try await app.runService()
        // Files uploaded for a dry run and never confirmed go with the server.
        await uploads.removeAll()
    }
}
