import Foundation

/// A bounded queue of batches between a producer and a consumer thread: the producer waits while
/// `capacity` batches are queued, the consumer while none are; either side can stop the other.
/// The workbook import's parser and `audit verify`'s journal reader each run behind one.
public final class BatchChannel<Batch>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var closed = false
    private var cancelled = false
    private let capacity: Int

    public init(capacity: Int = 8) { self.capacity = capacity }

    public enum Offer: Sendable { case queued, full, cancelled }

    /// Queues a batch unless `capacity` are waiting (the producer can do other work and offer it again).
    public func offer(_ batch: Batch) -> Offer {
        condition.lock()
        defer { condition.unlock() }
        guard !cancelled else { return .cancelled }
        guard queue.count < capacity else { return .full }
        queue.append(batch)
        condition.broadcast()
        return .queued
    }

    /// Queues a batch; false (and nothing queued) once the consumer has cancelled.
    public func put(_ batch: Batch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    /// The producer is done: `take` returns nil once the queue is empty.
    public func close() { update { closed = true } }

    /// The next batch in order, nil when closed and drained, or cancelled.
    public func take() -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed && !cancelled { condition.wait() }
        guard !queue.isEmpty, !cancelled else { return nil }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }

    /// The consumer stops: the producer's next `put` returns false.
    public func cancel() { update { cancelled = true; queue.removeAll() } }

    private func update(_ change: () -> Void) {
        condition.lock()
        change()
        condition.broadcast()
        condition.unlock()
    }
}
