import Foundation

/// A bounded queue of batches between a producer and a consumer thread: the producer waits while
/// `capacity` batches are queued, the consumer while none are; either side can stop the other.
final class BatchChannel<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [[Element]] = []
    private var closed = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int = 8) { self.capacity = capacity }

    /// Queues a batch; false (and nothing queued) once the consumer has cancelled.
    func put(_ batch: [Element]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    /// The producer is done: `take` returns nil once the queue is empty.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch in order, nil when closed and drained.
    func take() -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed && !cancelled { condition.wait() }
        guard !queue.isEmpty, !cancelled else { return nil }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }

    /// The consumer stops: the producer's next `put` returns false.
    func cancel() {
        condition.lock()
        cancelled = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
