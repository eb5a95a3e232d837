/// Gives each distinct byte string a small dense integer without building a String: the keys of the
/// quick pass's aggregates (months, banks, parks, USCCs, names) are looked up once per row.
struct ByteInterner {
    private var arena: [UInt8] = []
    /// Start and end in `arena` of each id, and its hash.
    private var spans: [(start: Int, end: Int, hash: Int)] = []
    /// Open addressing: id + 1, or 0 for an empty slot. The size is a power of two, at most half full.
    private var slots = [Int32](repeating: 0, count: 1024)

    var count: Int { spans.count }

    mutating func id(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        let hash = hasher.finalize()
        let mask = slots.count - 1
        var i = hash & mask
        while slots[i] != 0 {
            let id = Int(slots[i] - 1)
            let span = spans[id]
            if span.hash == hash, span.end - span.start == bytes.count,
               arena.withUnsafeBufferPointer({ a in UnsafeBufferPointer(rebasing: a[span.start..<span.end]).elementsEqual(bytes) }) {
                return Int32(id)
            }
            i = (i + 1) & mask
        }
        let id = Int32(spans.count)
        spans.append((arena.count, arena.count + bytes.count, hash))
        arena.append(contentsOf: bytes)
        slots[i] = id + 1
        if spans.count * 2 > slots.count { grow() }
        return id
    }

    mutating func id(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { id($0) }
    }

    func string(_ id: Int32) -> String {
        let span = spans[Int(id)]
        return String(decoding: arena[span.start..<span.end], as: UTF8.self)
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (id, span) in spans.enumerated() {
            var i = span.hash & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = Int32(id + 1)
        }
    }
}
