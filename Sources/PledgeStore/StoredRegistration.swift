import GRDB
import PledgeCore

/// A row of `registrations`: the registration's current fields plus its lifecycle state.
public struct StoredRegistration: Sendable, Equatable {
    public var registration: Registration
    public var status: RegistrationStatus
    /// Date of release or default.
    public var statusDate: CivilDate?
    public var late: Bool
    public var createdSeq: Int64
    public var updatedSeq: Int64

    public init(registration: Registration, status: RegistrationStatus, statusDate: CivilDate?, late: Bool,
                createdSeq: Int64, updatedSeq: Int64) {
        self.registration = registration
        self.status = status
        self.statusDate = statusDate
        self.late = late
        self.createdSeq = createdSeq
        self.updatedSeq = updatedSeq
    }
}

extension StoredRegistration {
    /// Every column after the key (`reg_no`), in `cells` order.
    static let valueColumns = """
        reg_date, ip_type, uscc, uscc_override, enterprise, bank, branch, amount_fen, ip_numbers, park,
        prefecture_code, maturity, rate, rywq, first_loan, insured, notes, status, status_date, late, created_seq, updated_seq
        """
    static let columns = "reg_no, " + valueColumns

    init(row: Row) throws {
        func date(_ s: String?) throws -> CivilDate? {
            guard let s else { return nil }
            guard let d = try? CivilDate.parse(s) else { throw LedgerDataError("registrations has a bad date \(s)") }
            return d
        }
        let regNo: String = row["reg_no"]
        guard let ipType = IPType(rawValue: row["ip_type"]),
              let status = RegistrationStatus(rawValue: row["status"]),
              let regDate = try date(row["reg_date"]) else {
            throw LedgerDataError("registrations row \(regNo) is unreadable")
        }
        let numbers: String = row["ip_numbers"]
        registration = Registration(
            regNo: regNo, regDate: regDate, uscc: row["uscc"], usccOverride: row["uscc_override"],
            enterprise: row["enterprise"], bank: row["bank"], branch: row["branch"], amount: Fen(row["amount_fen"]),
            ipType: ipType, ipNumbers: Registration.ipNumbers(joined: numbers), park: row["park"],
            prefectureCode: row["prefecture_code"], maturity: try date(row["maturity"]), rate: row["rate"],
            rywq: row["rywq"], firstLoan: row["first_loan"], insured: row["insured"], notes: row["notes"])
        self.status = status
        statusDate = try date(row["status_date"])
        late = row["late"]
        createdSeq = row["created_seq"]
        updatedSeq = row["updated_seq"]
    }

    /// The row's values in `columns` order, as the projector writes them.
    var cells: [DatabaseValue] {
        let r = registration
        let values: [(any DatabaseValueConvertible)?] = [
            r.regNo, r.regDate.description, r.ipType.rawValue, r.uscc, r.usccOverride, r.enterprise, r.bank,
            r.branch, r.amount.value, r.ipNumbers.joined(separator: ";"), r.park, r.prefectureCode,
            r.maturity?.description, r.rate, r.rywq, r.firstLoan, r.insured, r.notes, status.rawValue,
            statusDate?.description, late, createdSeq, updatedSeq]
        return values.map { $0?.databaseValue ?? .null }
    }

    var arguments: StatementArguments { StatementArguments(cells) }
    /// `cells` without the key, in `valueColumns` order.
    var valueArguments: StatementArguments { StatementArguments(cells.dropFirst()) }

    static func fetch(_ db: Database, regNo: String) throws -> StoredRegistration? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(columns) FROM registrations WHERE reg_no = ?"), arguments: [regNo])
            .map { try StoredRegistration(row: $0) }
    }
}
