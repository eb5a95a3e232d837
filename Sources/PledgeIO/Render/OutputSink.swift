import Foundation
import PledgeCore

/// Where long output goes: stdout, or a file replaced atomically (written beside it, then renamed).
/// Buffers writes so streaming a million rows costs few system calls.
public final class OutputSink {
    private let fd: Int32
    private let finalPath: String?
    private let tempPath: String?
    private var buffer: [UInt8] = []
    /// Output to a terminal has its control characters escaped (`String.terminalSafe`); files get the bytes as they are.
    private var toTerminal = false

    /// Output kept in memory (a server's response): `text` once finished.
    public init() {
        fd = -1
        finalPath = nil
        tempPath = nil
    }

    private var kept: [UInt8] = []
    /// What an in-memory sink holds.
    public var text: String { String(decoding: kept + buffer, as: UTF8.self) }

    /// `path` nil writes to stdout. `ledger`: the ledger the command reads; an output path that is it or one of its
    /// SQLite files is refused before anything is opened for writing. The file is created 0600, as ledgers are.
    public init(path: String?, ledger: String? = nil) throws {
        guard let path else {
            fd = STDOUT_FILENO
            finalPath = nil
            tempPath = nil
            toTerminal = isatty(STDOUT_FILENO) == 1
            return
        }
        if let ledger { try Self.refuseLedgerFiles(path, ledger: ledger) }
        let temp = path + ".pledge-tmp-\(getpid())"
        let f = open(temp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard f >= 0 else { throw OutputError(path: path, detail: String(cString: strerror(errno))) }
        fd = f
        finalPath = path
        tempPath = temp
    }

    /// Refuses (exit 74) an output path that names the ledger, its `-wal`, `-shm` or `-journal`: by its resolved path
    /// (through symbolic links) or as the same file (a hard link).
    public static func refuseLedgerFiles(_ path: String, ledger: String) throws {
        let protected = ["", "-wal", "-shm", "-journal"].map { ledger + $0 }
        let target = resolved(path)
        var out = stat()
        let outExists = stat(path, &out) == 0
        for file in protected {
            var info = stat()
            let sameFile = outExists && stat(file, &info) == 0 && info.st_dev == out.st_dev && info.st_ino == out.st_ino
            if sameFile || resolved(file) == target {
                throw OutputError(path: path, detail: "it is the ledger or one of its files (\(file)); choose another output file")
            }
        }
    }

    /// The absolute path with symbolic links resolved; for a file not there yet, its folder's resolved path and its name.
    static func resolved(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        guard let real = realpath(folder, nil) else { return url.standardizedFileURL.path }
        defer { free(real) }
        return String(cString: real) + "/" + url.lastPathComponent
    }

    /// Writes a whole text (a rendered report).
    public static func write(_ text: String, to path: String?, ledger: String?) throws {
        let sink = try OutputSink(path: path, ledger: ledger)
        do {
            try sink.write(text)
            try sink.finish()
        } catch {
            sink.abandon()
            throw error
        }
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Appends bytes that `fill` writes straight into the buffer (a CSV record, say), without a String between.
    public func write(_ fill: (inout [UInt8]) -> Void) throws {
        fill(&buffer)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// `whole`: write everything; otherwise a terminal's output is written up to its last line break, so that no
    /// character is cut in two before it is escaped.
    func flush(whole: Bool = false) throws {
        if fd < 0 { kept += buffer; buffer.removeAll(keepingCapacity: true); return }
        var rest: [UInt8] = []
        if toTerminal {
            if !whole, let lastBreak = buffer.lastIndex(of: 10) {
                rest = Array(buffer[(lastBreak + 1)...])
                buffer.removeSubrange((lastBreak + 1)...)
            }
            let safe = String(decoding: buffer, as: UTF8.self).terminalSafe
            if !safe.utf8.elementsEqual(buffer) { buffer = Array(safe.utf8) }
        }
        defer { buffer.append(contentsOf: rest) }
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: finalPath ?? "stdout", detail: String(cString: strerror(errno)))
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes; for a file, syncs and renames it into place.
    public func finish() throws {
        try flush(whole: true)
        guard let finalPath, let tempPath else { return }
        defer { close(fd) }
        guard fsync(fd) == 0, rename(tempPath, finalPath) == 0 else {
            let detail = String(cString: strerror(errno))
            unlink(tempPath)
            throw OutputError(path: finalPath, detail: detail)
        }
    }

    /// Removes a half-written file after a failure.
    public func abandon() {
        guard let tempPath else { return }
        close(fd)
        unlink(tempPath)
    }
}

public struct OutputError: PledgeFailure {
    public var path: String
    public var detail: String
    public var category: FailureCategory { .io }
    public var description: String { "cannot write \(path): \(detail); nothing was written there" }
}
