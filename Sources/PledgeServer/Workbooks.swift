import Foundation
import Hummingbird
import PledgeCore
import PledgeIO
import PledgeStore

extension APIRoutes {
    /// A report as an .xlsx download (`?format=xlsx`): written by the CLI's `XLSXWriter` into a private temporary
    /// folder, answered as its bytes, removed.
    func workbook(_ context: PledgeRequestContext, name: String,
                  _ sheets: @escaping @Sendable (Ledger, Messages, ReportOptions) throws -> [SheetTable]) async throws -> Response {
        guard let user = context.user else { throw ServerFailure.unauthenticated }
        guard user.user.role.allows(.read) else { throw ServerFailure.forbidden }
        let m = Messages(context.language, http: true)
        do {
            let bytes = try await PledgeServer.blocking { [ledger] in
                let options = ReportOptions(language: m.language, format: .json, asOf: CivilDate.today(),
                                            journalHead: try ledger.head().map { "\($0.seq):\($0.hash)" })
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-download-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
                defer { try? FileManager.default.removeItem(at: folder) }
                let path = folder.appendingPathComponent(name).path
                try XLSXWriter.write(try sheets(ledger, m, options), to: path, ledger: nil)
                return try Data(contentsOf: URL(fileURLWithPath: path))
            }
            return Response(status: .ok, headers: [.contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                                   .contentDisposition: "attachment; filename=\"\(name)\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch {
            throw ServerFailure.from(error, m)
        }
    }
}
