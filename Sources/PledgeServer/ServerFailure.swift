import Foundation
import Hummingbird
import PledgeCore
import PledgeIO
import PledgeStore

/// A refused request: its status and a JSON body in the words the CLI uses (`Messages`), never a stack or a secret.
struct ServerFailure: HTTPResponseError {
    var status: HTTPResponse.Status
    var body: [String: any Sendable]

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        body = ["error": message]
    }

    init(_ status: HTTPResponse.Status, body: [String: any Sendable]) {
        self.status = status
        self.body = body
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static let unauthenticated = ServerFailure(.unauthorized, "sign in, or send Authorization: Bearer TOKEN")
    static let forbidden = ServerFailure(.forbidden, "your role does not allow this; nothing was written")
    static func notFound(_ what: String) -> ServerFailure { ServerFailure(.notFound, what) }

    /// Every broken rule of a form or body, one object each (field, value, rule), as the CLI lists them.
    static func invalid(_ errors: [FieldError], _ m: Messages) -> ServerFailure {
        ServerFailure(.unprocessableContent, body: ["errors": errors.map { ["field": $0.field, "value": $0.value, "rule": m.rule($0.rule)] }])
    }

    /// A library failure mapped to its status: bad input 422, a conflict 409, a missing registration 404, busy 503.
    static func from(_ error: any Error, _ m: Messages) -> any Error {
        switch error {
        case let e as ServerFailure: return e
        case let e as InvalidRegistration: return invalid(e.errors, m)
        case let e as FieldError: return invalid([e], m)
        case let e as StoreError:
            switch e {
            case .registrationMissing, .userMissing, .proposalMissing: return ServerFailure(.notFound, m.describe(e))
            default: break
            }
            return ServerFailure(status(e.category), m.describe(e))
        case let e as any PledgeFailure: return ServerFailure(status(e.category), m.describe(e))
        case let e as HTTPResponseError: return e
        default: return ServerFailure(.internalServerError, "internal error")
        }
    }

    static func status(_ c: FailureCategory) -> HTTPResponse.Status {
        switch c {
        case .usage: .badRequest
        case .badInput: .unprocessableContent
        case .missing: .notFound
        case .conflict: .conflict
        case .busy: .serviceUnavailable
        case .forbidden: .forbidden
        case .io, .internal: .internalServerError
        }
    }
}
