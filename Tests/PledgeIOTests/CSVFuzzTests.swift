import Foundation
import Testing
import PledgeCore
@testable import PledgeIO

@Suite("Fuzzing the CSV reader")
struct CSVFuzzTests {
    /// Random byte soups rich in quotes, separators and broken UTF-8: the reader returns records or a typed
    /// error, never crashes or loops, and agrees with itself across chunk sizes.
    @Test("random bytes: typed errors only, same result for any chunk size")
    func randomBytes() throws {
        var g = SeededGenerator(seed: 99)
        let pieces: [[UInt8]] = [[0x22], [0x2C], [0x0A], [0x0D], [0x0D, 0x0A], Array("甘".utf8), [0xC4], [0xE7, 0x94], [0xFF], [0x00],
                                 Array("ab".utf8), [0xEF, 0xBB, 0xBF], [0x22, 0x22]]
        for _ in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<g.int(0...60) { bytes += g.pick(pieces) }
            func outcome(_ chunk: Int) -> String {
                do { return "\(try readCSV(bytes, chunkSize: chunk).map(\.fields))" } catch let e as CSVReadError { return "\(e)" } catch {
                    Issue.record("untyped \(error)")
                    return ""
                }
            }
            let whole = outcome(1 << 16)
            #expect(outcome(1) == whole, "\(bytes)")
            #expect(outcome(3) == whole, "\(bytes)")
        }
    }
}
