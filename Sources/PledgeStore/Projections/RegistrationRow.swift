import GRDB
import PledgeCore

/// A `registrations` row read and written by position.
extension RegistrationState {
    /// Every column after the key (`reg_no`), in `cells` order.
    static let valueColumns = """
        reg_date, ip_type, uscc, uscc_override, enterprise, bank, branch, amount_fen, ip_numbers, park,
        prefecture_code, maturity, rate, rywq, first_loan, insured, notes, status, status_date, late, created_seq, updated_seq,
        appraised_value_fen, appraiser, insurer, insured_amount_fen, defaulted_on
        """
    static let columns = "reg_no, " + valueColumns

    /// A row selected as `columns`, read by position (by name, GRDB hashes each column's name: a third of `export`).
    init(row: SQLRow) throws {
        func date(_ s: String?) throws -> CivilDate? {
            guard let s else { return nil }
            guard let d = try? CivilDate.parse(s) else { throw LedgerDataError("registrations has a bad date \(s)") }
            return d
        }
        let regNo: String = row[0]
        guard let ipType = IPType(rawValue: row[2]),
              let status = RegistrationStatus(rawValue: row[18]),
              let regDate = try date(row[1]) else {
            throw LedgerDataError("registrations row \(regNo) is unreadable")
        }
        let registration = Registration(
            regNo: regNo, regDate: regDate, uscc: row[3], usccOverride: row[4],
            enterprise: row[5], bank: row[6], branch: row[7], amount: Fen(row[8]),
            ipType: ipType, ipNumbers: Registration.ipNumbers(joined: row[9]), park: row[10],
            prefectureCode: row[11], maturity: try date(row[12]), rate: row[13],
            rywq: row[14], firstLoan: row[15], insured: row[16], notes: row[17], appraisedValue: (row[23] as Int64?).map(Fen.init),
            appraiser: row[24], insurer: row[25], insuredAmount: (row[26] as Int64?).map(Fen.init))
        self.init(registration: registration, status: status, statusDate: try date(row[19]), defaultedOn: try date(row[27]), late: row[20],
                  createdSeq: row[21], updatedSeq: row[22])
    }

    /// The row's values in `columns` order, as the projector writes them.
    var cells: [DatabaseValue] {
        let r = registration
        let values: [(any DatabaseValueConvertible)?] = [
            r.regNo, r.regDate.description, r.ipType.rawValue, r.uscc, r.usccOverride, r.enterprise, r.bank,
            r.branch, r.amount.value, r.ipNumbers.joined(separator: ";"), r.park, r.prefectureCode,
            r.maturity?.description, r.rate, r.rywq, r.firstLoan, r.insured, r.notes, status.rawValue,
            statusDate?.description, late, createdSeq, updatedSeq, r.appraisedValue?.value, r.appraiser, r.insurer, r.insuredAmount?.value,
            defaultedOn?.description]
        return values.map { $0?.databaseValue ?? .null }
    }

    var arguments: SQLArguments { SQLArguments(values: cells) }
    /// `cells` without the key, in `valueColumns` order.
    var valueArguments: SQLArguments { SQLArguments(values: cells.dropFirst()) }

    static func fetch(_ db: any SQLSession, regNo: String) throws -> RegistrationState? {
        try SQLRow.fetchOne(db, sql: "SELECT \(columns) FROM registrations WHERE reg_no = ?", arguments: [regNo])
            .map { try RegistrationState(row: $0) }
    }
}
