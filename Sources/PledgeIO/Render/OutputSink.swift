import Foundation
import PledgeCore

/// Where long output goes: stdout, or a file replaced atomically (written beside it, then renamed).
/// Buffers writes so streaming a million rows costs few system calls.
public final class OutputSink {
    private let fd: Int32
    private let finalPath: String?
    private let tempPath: String?
    private var buffer: [UInt8] = []

    /// `path` nil writes to stdout.
    public init(path: String?) throws {
        guard let path else {
            fd = STDOUT_FILENO
            finalPath = nil
            tempPath = nil
            return
        }
        let temp = path + ".pledge-tmp-\(getpid())"
        let f = open(temp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
        guard f >= 0 else { throw OutputError(path: path, detail: String(cString: strerror(errno))) }
        fd = f
        finalPath = path
        tempPath = temp
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

    func flush() throws {
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
        try flush()
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
