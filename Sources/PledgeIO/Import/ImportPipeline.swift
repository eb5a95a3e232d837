import Foundation
import PledgeCore
import PledgeStore

/// A CSV row after parsing and validation, ready for the database thread.
enum PreparedRow {
    case valid(Registration, lifecycle: LedgerEvent?, row: Int, regDateText: String)
    /// The problems of one invalid row.
    case invalid([ImportProblem])
    /// The file cannot be read past this point (unterminated quote, bad bytes): one problem, then stop.
    case unreadable(ImportProblem)
}

/// Reads and validates rows on a second thread while the caller writes the previous ones to SQLite
/// (DESIGN.md "Measured facts": parsing and validation overlap the inserts). Rows arrive in file order,
/// in batches; the producer stops early when the consumer cancels.
final class ImportPipeline: @unchecked Sendable {
    struct Batch {
        var rows: [PreparedRow] = []
        var bytesConsumed: Int64 = 0
    }

    private let channel = BatchChannel<Batch>(capacity: 8)
    /// Set by the producer before it closes the channel (the channel's lock orders the two).
    private var failure: Error?
    private let done = DispatchSemaphore(value: 0)
    static let batchSize = 512

    /// Starts the producer: `produce` hands each prepared row and the bytes read so far to `emit`, which answers false
    /// when the producer must stop (the consumer cancelled, or the row was unreadable).
    init(_ produce: @escaping @Sendable (_ emit: (PreparedRow, Int64) -> Bool) throws -> Void) {
        let thread = Thread { [self] in
            defer { channel.close(); done.signal() }
            var batch = Batch()
            var open = true
            do {
                try produce { row, bytes in
                    guard open else { return false }
                    batch.rows.append(row)
                    batch.bytesConsumed = bytes
                    if case .unreadable = row { open = false; return false }
                    if batch.rows.count >= Self.batchSize {
                        guard channel.put(batch) else { open = false; return false }
                        batch = Batch()
                    }
                    return true
                }
                _ = channel.put(batch)
            } catch {
                failure = error
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The next batch in file order; nil when the producer is done. Rethrows a producer failure.
    func take() throws -> Batch? {
        if let batch = channel.take() { return batch }
        if let failure { throw failure }
        return nil
    }

    /// Stops the producer and waits for it; call on every way out (the file closes after this).
    func finish() {
        channel.cancel()
        done.wait()
    }
}
