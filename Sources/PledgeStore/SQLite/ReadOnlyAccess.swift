import Foundation

/// How a read-only command reads a ledger without leaving a file beside it that could lock its owner out.
///
/// SQLite reading a WAL-mode ledger needs its `-wal` and `-shm` files, and creates them when they are missing, owned by
/// whoever reads. Writers keep them (`SQLITE_FCNTL_PERSIST_WAL`), so a reader normally finds both and SQLite creates
/// nothing (it reads a `-shm` it may not write through heap memory). When one is missing and the reader is neither the
/// ledger's owner nor root (SQLite gives files root creates the ledger's owner), it reads a private snapshot instead:
/// the ledger and its `-wal` copied to a temporary folder, proved consistent by their unchanged size and time.
final class ReadOnlyAccess: Sendable {
    /// The copy to open instead of the ledger, or nil to open the ledger itself.
    let snapshotPath: String?
    private let folder: String?

    init(ledger path: String) throws {
        guard Self.needsSnapshot(path) else {
            snapshotPath = nil
            folder = nil
            return
        }
        let dir = try Self.makePrivateFolder()
        let copy = dir + "/ledger.sqlite"
        do {
            try Self.copyConsistently(path, to: copy)
        } catch {
            Self.remove(dir)
            throw error
        }
        folder = dir
        snapshotPath = copy
        SnapshotFolders.shared.add(dir)
    }

    deinit {
        if let folder {
            Self.remove(folder)
            SnapshotFolders.shared.remove(folder)
        }
    }

    /// True when opening `path` read-only would make SQLite create a file the ledger's owner may not be able to use.
    static func needsSnapshot(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        if geteuid() == 0 || geteuid() == info.st_uid { return false }
        guard isWALMode(path) else { return false }
        return access(path + "-wal", F_OK) != 0 || access(path + "-shm", F_OK) != 0
    }

    /// Whether the file's header says WAL (bytes 18 and 19 are 2); a rollback-journal ledger is read with locks alone.
    static func isWALMode(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 20)
        guard pread(fd, &header, 20, 0) == 20 else { return false }
        return header[18] == 2 && header[19] == 2
    }

    private static func makePrivateFolder() throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/pledge-snapshot-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw StoreError.io(path: base, detail: "cannot create a private folder for a read-only snapshot: \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    /// Copies the ledger and its `-wal` (when present), retrying while a writer changes them.
    private static func copyConsistently(_ path: String, to copy: String) throws {
        for _ in 0..<5 {
            let before = [fingerprint(path), fingerprint(path + "-wal")]
            try copyFile(path, to: copy)
            unlink(copy + "-wal")
            if before[1] != nil { try copyFile(path + "-wal", to: copy + "-wal") }
            if [fingerprint(path), fingerprint(path + "-wal")] == before { return }
            usleep(200_000)
        }
        throw StoreError.busy(path: path)
    }

    private struct Fingerprint: Equatable { var size: Int64; var seconds: Int; var nanoseconds: Int; var inode: UInt64 }

    private static func fingerprint(_ path: String) -> Fingerprint? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Fingerprint(size: Int64(info.st_size), seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec,
                           inode: UInt64(info.st_ino))
    }

    private static func copyFile(_ from: String, to: String) throws {
        let input = open(from, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard input >= 0 else { throw StoreError.io(path: from, detail: String(cString: strerror(errno))) }
        defer { close(input) }
        let output = open(to, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw StoreError.io(path: to, detail: String(cString: strerror(errno))) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = read(input, &buffer, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.io(path: from, detail: String(cString: strerror(errno)))
            }
            if n == 0 { return }
            var written = 0
            while written < n {
                let w = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, n - written) }
                if w < 0 {
                    if errno == EINTR { continue }
                    throw StoreError.io(path: to, detail: "cannot write a read-only snapshot: \(String(cString: strerror(errno)))")
                }
                written += w
            }
        }
    }

    static func remove(_ folder: String) {
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// Snapshot folders still on disk, removed at exit too (the CLI exits without unwinding on an error).
final class SnapshotFolders: @unchecked Sendable {
    static let shared = SnapshotFolders()
    private let lock = NSLock()
    private var folders: Set<String> = []

    private init() {
        atexit { SnapshotFolders.shared.removeAll() }
    }

    func add(_ folder: String) { lock.withLock { _ = folders.insert(folder) } }
    func remove(_ folder: String) { lock.withLock { _ = folders.remove(folder) } }
    private func removeAll() {
        let all = lock.withLock { folders }
        for f in all { ReadOnlyAccess.remove(f) }
    }
}
