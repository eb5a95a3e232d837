/// A registration as the ledger holds it now: its current fields and its place in the lifecycle. One row of
/// `registrations`; the state `Lifecycle` moves and `ProjectionDelta` counts.
public struct RegistrationState: Sendable, Equatable {
    public var registration: Registration
    public var status: RegistrationStatus
    /// Date of release or default.
    public var statusDate: CivilDate?
    /// The date it defaulted, kept when it is released afterwards (a subsidy's days end at the first of the two).
    public var defaultedOn: CivilDate?
    /// A change to it was recorded as a late adjustment to a closed month.
    public var late: Bool
    /// The first and the last entry that shaped it.
    public var createdSeq: Int64
    public var updatedSeq: Int64

    public init(registration: Registration, status: RegistrationStatus = .active, statusDate: CivilDate? = nil,
                defaultedOn: CivilDate? = nil, late: Bool, createdSeq: Int64, updatedSeq: Int64) {
        self.registration = registration
        self.status = status
        self.statusDate = statusDate
        self.defaultedOn = defaultedOn
        self.late = late
        self.createdSeq = createdSeq
        self.updatedSeq = updatedSeq
    }

    /// A registration as its `register` entry creates it.
    public static func registered(_ r: Registration, seq: Int64, late: Bool) -> RegistrationState {
        RegistrationState(registration: r, late: late, createdSeq: seq, updatedSeq: seq)
    }
}
