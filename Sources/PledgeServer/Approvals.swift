import Foundation
import Hummingbird
import PledgeCore
import PledgeIO
import PledgeStore

/// The API of approvals (CONTRACT "Approvals"): proposals listed and shown to anyone signed in; approved or rejected by
/// a checker or an admin who did not make them (403 otherwise); the setting changed by an admin.
extension APIRoutes {
    func registerApprovals(on api: RouterGroup<PledgeRequestContext>) {
        api.get("proposals") { request, context in
            let q = request.uri.queryParameters
            let status = q["status"].map(String.init), proposer = q["proposer"].map(String.init)
            return try await answer(request, context, .read) { l, m in
                let s = try status.map { text in
                    guard let s = ProposalStatus(rawValue: text) else { throw FieldError(field: "status", value: text, rule: .proposalStatus) }
                    return s
                }
                return (try ProposalListing(proposals: try l.proposals(status: s, proposer: proposer)).render(format: .json, language: m.language), .ok)
            }
        }
        api.get("proposals/:n") { request, context in
            let n = try Self.number(context)
            return try await answer(request, context, .read) { l, m in
                guard let record = try l.proposal(n) else { throw StoreError.proposalMissing(seq: n) }
                return (try ProposalView(record: record).render(format: .json, language: m.language, reference: try l.reference()), .ok)
            }
        }
        api.post("proposals/:n/approve") { request, context in
            let n = try Self.number(context)
            return try await answer(request, context, .approve) { l, _ in
                let (approval, applied) = try l.approve(n)
                return (try JSONOutput.render(Decided(proposal: n, status: ProposalStatus.approved.rawValue, seq: approval.seq,
                                                      entries: applied.map(\.seq), head: Self.head(applied.last ?? approval))), .ok)
            }
        }
        api.post("proposals/:n/reject") { request, context in
            let n = try Self.number(context)
            let body = try await request.body.collect(upTo: 1 << 20)
            return try await answer(request, context, .approve) { l, _ in
                let reason = try Self.object(Data(buffer: body))["reason"]?.trimmingSpaces ?? ""
                guard !reason.isEmpty else { throw FieldError(field: "reason", value: reason, rule: .reasonRequired) }
                let entry = try l.reject(n, reason: reason)
                return (try JSONOutput.render(Decided(proposal: n, status: ProposalStatus.rejected.rawValue, seq: entry.seq, entries: [],
                                                      head: Self.head(entry))), .ok)
            }
        }
        api.post("settings/approval") { request, context in
            let body = try await request.body.collect(upTo: 1 << 20)
            return try await answer(request, context, .administer) { l, _ in
                let value = try Self.object(Data(buffer: body))["value"] ?? ""
                let entry = try l.setApproval(try ApprovalSetting.parse(value, field: "value"))
                return (try JSONOutput.render(Appended(seq: entry.seq, hash: entry.hash)), .ok)
            }
        }
    }

    struct Decided: Encodable { var proposal: Int64, status: String, seq: Int64, entries: [Int64], head: String }

    static func head(_ e: AppendedEntry) -> String { "\(e.seq):\(e.hash)" }

    /// The proposal's number in the path; 404 when it is not one.
    static func number(_ context: PledgeRequestContext) throws -> Int64 {
        let text = try context.pathParameter("n")
        guard let n = Int64(text), n > 0 else { throw ServerFailure(.notFound, "no proposal \(text)") }
        return n
    }
}
