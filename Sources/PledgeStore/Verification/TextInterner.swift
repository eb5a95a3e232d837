#if canImport(Glibc)
import Glibc
#endif

/// One `String` for each distinct text read: the enterprise, bank or park of a million registrations is stored once,
/// and equal texts compare by their storage address (`String.sameBytes`). Looked up by bytes, so a text already seen
/// costs no allocation.
final class TextInterner {
    private var texts: [String] = []
    /// Open addressing: 0 is empty, otherwise the index in `texts` plus one.
    private var slots = [Int32](repeating: 0, count: 1024)
    private var hashes = [UInt32](repeating: 0, count: 1024)

    func text(_ bytes: UnsafeRawBufferPointer) -> String? {
        let h = Self.hash(bytes)
        let mask = slots.count - 1
        var i = Int(h) & mask
        while slots[i] != 0 {
            if hashes[i] == h, texts[Int(slots[i]) - 1].sameBytes(bytes) { return texts[Int(slots[i]) - 1] }
            i = (i + 1) & mask
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        texts.append(s)
        slots[i] = Int32(texts.count)
        hashes[i] = h
        if texts.count * 2 > slots.count { grow() }
        return s
    }

    private func grow() {
        let old = (slots, hashes)
        slots = [Int32](repeating: 0, count: old.0.count * 2)
        hashes = [UInt32](repeating: 0, count: old.0.count * 2)
        let mask = slots.count - 1
        for (k, slot) in old.0.enumerated() where slot != 0 {
            var i = Int(old.1[k]) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = slot
            hashes[i] = old.1[k]
        }
    }

    /// FNV-1a over the bytes: short texts, no seed needed (a collision costs a comparison, never a wrong answer).
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }
}
