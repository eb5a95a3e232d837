/// A growable buffer of trivial values that a batch owns; handed to the checker thread with the batch.
final class GrowableBuffer<Element: BitwiseCopyable> {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always)
    private func reserve(_ n: Int) {
        if count + n > capacity { grow(n) }
    }

    private func grow(_ n: Int) {
        capacity = max(count + n, capacity * 2)
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
    }

    func append(_ value: Element) {
        reserve(1)
        (base + count).initialize(to: value)
        count += 1
    }

    func append(_ a: Element, _ b: Element) {
        reserve(2)
        (base + count).initialize(to: a)
        (base + count + 1).initialize(to: b)
        count += 2
    }
}

extension GrowableBuffer<UInt8> {
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let from = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: from, byteCount: bytes.count)
        count += bytes.count
    }
}
