import Foundation
import PledgeCore

/// A CSV row after parsing and validation, ready for the database thread.
enum PreparedRow {
    case valid(Registration, lifecycle: LedgerEvent?, row: Int, regDateText: String)
    /// Problem lines for one invalid row.
    case invalid([String])
    /// The file cannot be read past this point (unterminated quote, bad bytes): one line, then stop.
    case unreadable(String)
}

/// Reads and validates rows on a second thread while the caller writes the previous ones to SQLite
/// (DESIGN.md "Measured facts": parsing and validation overlap the inserts). Rows arrive in file order,
/// in batches; the producer stops early when the consumer cancels.
final class ImportPipeline: @unchecked Sendable {
    struct Batch {
        var rows: [PreparedRow] = []
        var bytesConsumed: Int64 = 0
    }

    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var finished = false
    private var cancelled = false
    private var failure: Error?
    private let done = DispatchSemaphore(value: 0)
    static let batchSize = 512
    static let maxQueued = 8

    /// Starts the producer: `next` returns the next prepared row (nil at the end) and the bytes read so far.
    init(_ next: @escaping @Sendable () throws -> (PreparedRow, Int64)?) {
        let thread = Thread { [self] in
            defer { done.signal() }
            var batch = Batch()
            do {
                while let (row, bytes) = try next() {
                    batch.rows.append(row)
                    batch.bytesConsumed = bytes
                    if case .unreadable = row { break }
                    if batch.rows.count >= Self.batchSize {
                        guard put(batch) else { return }
                        batch = Batch()
                    }
                }
                _ = put(batch)
            } catch {
                condition.lock()
                failure = error
                condition.unlock()
            }
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func put(_ batch: Batch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= Self.maxQueued && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    /// The next batch in file order; nil when the producer is done. Rethrows a producer failure.
    func take() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished { condition.wait() }
        if !queue.isEmpty {
            let b = queue.removeFirst()
            condition.broadcast()
            return b
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the producer and waits for it; call on every way out (the file closes after this).
    func finish() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }
}
