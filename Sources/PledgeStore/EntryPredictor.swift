import PledgeCore
import Synchronization

/// The journal entry a new registration gets when every valid row before it in the file is new too: its payload
/// and chained hash, built on the import's parsing thread so that the database thread only inserts them.
public struct PredictedEntry: @unchecked Sendable {
    let seq: Int64
    let prevHash: String
    let hash: String
    let payload: [UInt8]
}

/// Predicts the entries of an import's rows in file order (`ImportSession.predictor`). The database thread uses a
/// prediction only when its seq and previous hash are the journal's head at that moment; the first time they
/// are not (a row unchanged, conflicting or with a status event), it builds the entry itself, as for every row
/// after: the prediction is an optimisation, never trusted.
public final class EntryPredictor: Sendable {
    /// Set by either thread when the journal has left the predicted chain: predicting further is wasted work.
    private let diverged = Atomic<Bool>(false)
    private let state: Mutex<State>

    private struct State {
        var seq: Int64
        var hash: String
        let at: String
        let operatorName: String
        var payload = CanonicalRegisterPayload()
    }

    /// Whether the predicted entries are late adjustments.
    let late: Bool

    init(headSeq: Int64, headHash: String, at: String, operatorName: String, late: Bool) {
        self.late = late
        state = Mutex(State(seq: headSeq, hash: headHash, at: at, operatorName: operatorName))
    }

    /// The entry `r` gets if it is new and every predicted row before it was; nil once the chain has diverged.
    /// Call from one thread, in file order, for every valid row.
    public func next(_ r: Registration) -> PredictedEntry? {
        guard !diverged.load(ordering: .relaxed) else { return nil }
        return state.withLock { s in
            let seq = s.seq + 1
            let payload = s.payload.build(seq: seq, at: s.at, operator: s.operatorName, late: late, registration: r)
            let hash = CanonicalEntry.hash(prevHash: s.hash, payload: payload)
            defer { (s.seq, s.hash) = (seq, hash) }
            return PredictedEntry(seq: seq, prevHash: s.hash, hash: hash, payload: payload)
        }
    }

    /// Stops predicting: the journal will not follow the predicted chain (a row appends another entry as well).
    public func stop() {
        diverged.store(true, ordering: .relaxed)
    }

    var isStopped: Bool { diverged.load(ordering: .relaxed) }
}
