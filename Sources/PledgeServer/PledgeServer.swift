import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import PledgeCore
import PledgeIO
import PledgeStore

/// What every request carries between the middleware and the routes: the signed-in user, when there is one.
public struct PledgeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: UserAccount?
    /// Signed in by the session cookie (not a bearer token): every POST then needs the session's CSRF token.
    var session: (cookie: String, csrf: String)?
    /// The language of the answer: `?lang=`, then the `pledge_lang` cookie, then `Accept-Language`.
    var language: Language = .zh
    /// The journal head (`SEQ:HASH`) read with the user: a report answered for this head may be answered again.
    var head: String?
    public init(source: Source) { coreContext = .init(source: source) }
    /// Uploads up to 50 MB (CONTRACT); larger bodies get 413.
    public var maxUploadSize: Int { PledgeServer.maxBody }

    /// A path parameter as typed (`/users/新人`, percent-decoded).
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }
}

/// `pledge serve`: the ledger over HTTP. Routes call the same store operations and reports as the CLI.
public enum PledgeServer {
    public static let maxBody = 50 * 1024 * 1024

    /// The application on `ledger`, listening on `host:port` (port 0: a free one), over TLS when `tls` names a PEM
    /// certificate chain and its private key; `onRunning` gets the bound port.
    public static func application(ledger: Ledger, host: String, port: Int, tls: (cert: String, key: String)? = nil,
                                   uploads: UploadStore = UploadStore(), log: @escaping @Sendable (String) -> Void,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        var logger = Logger(label: "pledge")
        logger.logLevel = .error
        var server = HTTPServerBuilder.http1()
        if let tls { server = try .tls(.http1(), tlsConfiguration: try tlsConfiguration(cert: tls.cert, key: tls.key)) }
        return Application(
            router: router(ledger: ledger, uploads: uploads, log: log),
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "pledge"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// The server's TLS settings from PEM files; a file that is missing or not PEM of its kind is a `FieldError` naming
    /// the option.
    static func tlsConfiguration(cert: String, key: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(cert) } catch { throw FieldError(field: "--tls-cert", value: cert, rule: .tlsFile(detail: "\(error)")) }
        guard !chain.isEmpty else { throw FieldError(field: "--tls-cert", value: cert, rule: .tlsFile(detail: "no certificate")) }
        let privateKey: NIOSSLPrivateKey
        do { privateKey = try NIOSSLPrivateKey(file: key, format: .pem) } catch { throw FieldError(field: "--tls-key", value: key, rule: .tlsFile(detail: "\(error)")) }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
    }

    /// The routes, for `application` and for in-process tests.
    public static func router(ledger: Ledger, uploads: UploadStore = UploadStore(), log: @escaping @Sendable (String) -> Void) -> Router<PledgeRequestContext> {
        let router = Router(context: PledgeRequestContext.self)
        let sessions = SessionStore(), answers = AnswerCache()
        router.add(middleware: SecurityHeaders())
        router.add(middleware: Authentication(ledger: ledger, sessions: sessions, log: log))
        router.get("/healthz") { _, _ in "ok" }
        APIRoutes(ledger: ledger, uploads: uploads, answers: answers).register(on: router.group("api/v1"))
        WebPages(ledger: ledger, sessions: sessions, uploads: uploads).register(on: router)
        return router
    }

    /// Runs `body` (a blocking ledger call) off the server's event loops.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// The language of the response: `?lang=zh|en`, the `pledge_lang` cookie, else Chinese when the client prefers it
    /// (`Accept-Language: zh…`), else English.
    static func language(_ request: Request) -> Language {
        if let l = request.uri.queryParameters["lang"].flatMap({ Language(rawValue: String($0)) }) { return l }
        if let l = request.cookies["pledge_lang"].flatMap({ Language(rawValue: $0.value) }) { return l }
        return (request.headers[.acceptLanguage] ?? "").lowercased().hasPrefix("zh") ? .zh : .en
    }
}

/// Who asks, and one line per request on stderr (method, path, status, milliseconds, user; never a body, a password or
/// a token). `Authorization: Bearer TOKEN` names the token's user; a wrong token, or a disabled user's, is 401. Else the
/// session cookie names a signed-in user, and then a POST (but the sign-in itself) must carry the session's CSRF token,
/// as the form field `csrf` or the header `X-CSRF-Token`: 403 otherwise, before any handler runs.
struct Authentication: RouterMiddleware {
    typealias Context = PledgeRequestContext
    let ledger: Ledger
    let sessions: SessionStore
    let log: @Sendable (String) -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now()
        var context = context
        var request = request
        context.language = PledgeServer.language(request)
        func line(_ status: Int) {
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
            log("\(request.method) \(request.uri.path) \(status) \(String(format: "%.1f", ms)) ms \(context.user?.user.name ?? "-")")
        }
        do {
            if let header = request.headers[.authorization] {
                let token = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces) : ""
                let hash = Credentials.tokenHash(token)
                guard !token.isEmpty else { throw ServerFailure.unauthenticated }
                let (user, head) = try await PledgeServer.blocking { [ledger] in try ledger.userAndHead(tokenHash: hash) }
                guard let user, !user.user.disabled else { throw ServerFailure.unauthenticated }
                context.user = user
                context.head = head
            } else if let cookie = request.cookies[SessionStore.cookieName]?.value, let session = await sessions.session(cookie: cookie),
                      let user = try await PledgeServer.blocking({ [ledger] in try ledger.user(named: session.user)?.account }), !user.user.disabled {
                context.user = user
                context.session = (cookie, session.csrf)
                if request.method == .post, request.uri.path != "/login" {
                    var token = request.headers[HTTPField.Name("X-CSRF-Token")!]
                    let type = request.headers[.contentType] ?? ""
                    if token == nil, type.hasPrefix("application/x-www-form-urlencoded") {
                        token = Form(try await request.collectBody(upTo: context.maxUploadSize))["csrf"]
                    } else if token == nil, type.lowercased().hasPrefix("multipart/form-data") {
                        let body = try await request.collectBody(upTo: context.maxUploadSize)
                        token = (try? MultipartForm(contentType: type, body: body))??.fields["csrf"]
                    }
                    guard token == session.csrf else { throw ServerFailure(.forbidden, "the form is stale or forged (CSRF); nothing was written") }
                }
            }
            let response = try await next(request, context)
            line(response.status.code)
            return response
        } catch let e as HTTPResponseError {
            line(e.status.code)
            throw e
        } catch {
            line(500)
            throw error
        }
    }
}

/// The headers every answer carries (no inline script, no sniffing, no framing), and every refusal as JSON: an
/// unknown path is 404 JSON, an oversized body 413 JSON.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = PledgeRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        func secure(_ r: inout Response) {
            r.headers[.contentSecurityPolicy] = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
            r.headers[.xContentTypeOptions] = "nosniff"
            r.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
            r.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let e as ServerFailure {
            response = try e.response(from: request, context: context)
        } catch let e as HTTPResponseError {
            response = try ServerFailure(e.status, e.status.reasonPhrase.lowercased()).response(from: request, context: context)
        }
        secure(&response)
        return response
    }
}

/// Reports already answered, by journal head, request and language: every write appends an entry, so an answer for an
/// unchanged head and day is the same answer. Bounded: emptied when it holds 256.
actor AnswerCache {
    private var answers: [String: String] = [:]
    private var day = CivilDate.today()

    /// The answer kept for `key` today (reports as of today change with the day).
    func answer(_ key: String) -> String? {
        if CivilDate.today() != day { (answers, day) = ([:], CivilDate.today()) }
        return answers[key]
    }

    func keep(_ answer: String, for key: String) {
        if answers.count >= 256 { answers = [:] }
        answers[key] = answer
    }
}
