import Foundation
import PledgeIO
import PledgeStore

/// An import's progress, one line on stderr redrawn in place; only when stderr is a terminal. While rows are read:
/// a bar, rows, rows per second and the reading time left. Then the step that completes the load: a first load of a
/// million rows spends about as long building indexes and checking as reading, and a bar standing at 100 % would
/// look hung.
final class ProgressBar {
    private let started = Date()
    private let language: Language
    private var drawn = false
    private var lastDraw = Date.distantPast
    private var rows = 0

    init?(language: Language) {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        self.language = language
    }

    func update(_ progress: ImportProgress) {
        let now = Date()
        let elapsed = now.timeIntervalSince(started)
        switch progress {
        case .reading(let bytes, let total, let rows):
            self.rows = rows
            // Every batch reports; ten redraws a second are enough.
            guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            let fraction = total > 0 ? min(1, Double(bytes) / Double(total)) : 0
            let rate = elapsed > 0 ? Double(rows) / elapsed : 0
            let left = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            draw(String(format: "%@ %3.0f%%  ", bar, fraction * 100)
                 + language.pick(String(format: "%d 行  %.0f 行/秒  读取剩余约 %.0f 秒", rows, rate, left),
                                 String(format: "%d rows  %.0f rows/s  reading: ~%.0fs left", rows, rate, left)))
        case .finishing(let step):
            draw(language.pick("已载入 \(rows) 行，\(Self.chinese(step))…（已用 \(Int(elapsed)) 秒）",
                               "\(rows) rows loaded; \(step)… (\(Int(elapsed))s so far)"))
        }
        lastDraw = now
    }

    static func chinese(_ step: LoadStep) -> String {
        switch step {
        case .writingProjections: "写入汇总与派生表"
        case .buildingIndex(let n, let count): "建立索引 \(n)/\(count)"
        case .checkingForeignKeys: "检查外键"
        case .checkingChain: "检查日志哈希链"
        case .committing: "提交（写入磁盘）"
        }
    }

    /// Clears the line: the summary follows on stdout.
    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }

    private func draw(_ line: String) {
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
        drawn = true
    }
}
