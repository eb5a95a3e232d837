import Foundation
import Testing
import PledgeStore

@Suite("BatchChannel: the bounded queue between a reading and a working thread")
struct BatchChannelTests {
    @Test("batches arrive in order across threads; close drains; cancel stops the producer")
    func orderAndStop() throws {
        let channel = BatchChannel<[Int]>(capacity: 2)
        let received = BatchChannel<[Int]>(capacity: 1000)
        let done = DispatchSemaphore(value: 0)
        let consumer = Thread {
            var all: [Int] = []
            while let batch = channel.take() { all += batch }
            _ = received.put(all)
            received.close()
            done.signal()
        }
        consumer.start()
        for i in 0..<100 { #expect(channel.put([i * 3, i * 3 + 1, i * 3 + 2])) }
        channel.close()
        done.wait()
        #expect(received.take() == Array(0..<300))
        #expect(received.take() == nil)

        let stopped = BatchChannel<[Int]>(capacity: 1)
        #expect(stopped.put([1]))
        stopped.cancel()
        #expect(!stopped.put([2]), "a cancelled consumer refuses more batches instead of blocking the producer")
        #expect(stopped.take() == nil)
    }

    @Test("offer queues without waiting: full at capacity, queued again once taken, cancelled after cancel")
    func offer() {
        let channel = BatchChannel<Int>(capacity: 2)
        #expect(channel.offer(1) == .queued)
        #expect(channel.offer(2) == .queued)
        #expect(channel.offer(3) == .full)
        #expect(channel.take() == 1)
        #expect(channel.offer(3) == .queued)
        channel.close()
        #expect(channel.take() == 2)
        #expect(channel.take() == 3)
        #expect(channel.take() == nil)
        let stopped = BatchChannel<Int>(capacity: 1)
        stopped.cancel()
        #expect(stopped.offer(1) == .cancelled)
    }
}

@Suite("ByteInterner: dense ids for byte strings")
struct ByteInternerTests {
}
