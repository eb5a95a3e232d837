import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeIO
import PledgeServer
import PledgeStore
import Testing

let workbookFixtures = sampleFolder.deletingLastPathComponent().appendingPathComponent("Tests/PledgeCLITests/Fixtures/xlsx")

@Suite("workbooks over HTTP: .xlsx uploads and downloads")
struct WorkbookRouteTests {
    func fixture(_ name: String) throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: workbookFixtures.appendingPathComponent(name)))
    }

    @Test("an .xlsx upload imports as the CSV would; a workbook with an error cell is refused by row and column (422), nothing written")
    func upload() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            let before = try s.head()
            try await client.execute(uri: "/api/v1/imports?name=bank.xlsx", method: .post, headers: s.headers(.clerk),
                                     body: try fixture("error-cell.xlsx")) { r in
                #expect(r.status == .unprocessableContent, "\(String(buffer: r.body))")
                let problems = json(r.body)["problems"] as? [[String: Any]] ?? []
                #expect(problems.contains { ($0["row"] as? Int) == 3 && ($0["column"] as? String) == "登记金额(万元)" && ($0["value"] as? String) == "#DIV/0!" },
                        "\(String(buffer: r.body))")
            }
            #expect(try s.head() == before)
            try await client.execute(uri: "/api/v1/imports?name=bank.xlsx", method: .post, headers: s.headers(.clerk),
                                     body: try fixture("libreoffice-sample.xlsx")) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                #expect((json(r.body)["new"] as? Int) == 2001)
            }
        }
    }

    @Test("GET /api/v1/monthly?format=xlsx: a workbook whose totals row is the ledger's; 401 without a token")
    func download() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/imports?name=bank.xlsx", method: .post, headers: s.headers(.clerk),
                                     body: try fixture("libreoffice-sample.xlsx")) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/api/v1/monthly?format=xlsx&from=2021-01&to=2025-12", method: .get, headers: [:]) { r in
                #expect(r.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/monthly?format=xlsx&from=2021-01&to=2025-12", method: .get, headers: s.headers(.auditor)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                #expect(r.headers[.contentDisposition] == "attachment; filename=\"monthly.xlsx\"")
                let path = NSTemporaryDirectory() + "/pledge-download-test-\(UUID().uuidString).xlsx"
                defer { try? FileManager.default.removeItem(atPath: path) }
                try Data(buffer: r.body).write(to: URL(fileURLWithPath: path))
                let book = try XLSXWorkbook(path: path)
                #expect(book.sheetNames.count == 2)
                var last: SheetRow?
                try book.sheet(nil).rows { row, _ in last = row; return true }
                #expect(last?.cells.first == .text("Total"), "\(String(describing: last))")
                let wan = (try s.ledger.monthlyTotals(from: YearMonth(year: 2021, month: 1)!, to: YearMonth(year: 2025, month: 12)!, by: nil,
                                                      ipType: .patent)).reduce(Fen.zero) { $0 + $1.amount }
                #expect(last?.cells[3] == .number(wan.wanString), "\(String(describing: last)) \(wan.wanString)")
            }
        }
    }
}
