import Foundation
import Glibc
import Testing
@testable import DigitLabIO

/// Safe writes (issue 12, classes 2 and 3): every typo is one line, nothing but the named
/// file is ever written, links and special files are never replaced or followed.
@Suite(.serialized) struct AtomicFileTests {
    /// A fresh folder; each test works relative to it (the current directory is
    /// process-wide, so these tests use absolute paths except where `.` is the point).
    final class Folder {
        let path = NSTemporaryDirectory() + "digitlab-atomic-\(UUID().uuidString)"
        init() { try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func contents(_ sub: String = "") -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: path + sub)) ?? []).sorted()
        }
        func read(_ name: String) -> String? {
            FileManager.default.contents(atPath: path + "/" + name).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    func error(_ path: String, policy: WritePolicy = .anywhere) -> String {
        do { try AtomicFile.write(Array("new".utf8), to: path, policy: policy); return "written" } catch { return error.description }
    }

    @Test func typedMistakesAreOneLineEach() {
        let home = getenv("HOME").map { String(cString: $0) } ?? "/home/NAME"
        #expect(error("") == "\"\": no file name given — name the file to write, such as outputs/NAME")
        #expect(error(".") == ".: names a folder, not a file — add a file name, such as ./NAME")
        #expect(error("..") == "..: names a folder, not a file — add a file name, such as ../NAME")
        #expect(error("outputs/.") == "outputs/.: names a folder, not a file — add a file name, such as outputs/./NAME")
        #expect(error("./") == "./: ends with `/`, so it names a folder — add a file name, such as ./NAME")
        #expect(error("outputs/") == "outputs/: ends with `/`, so it names a folder — add a file name, such as outputs/NAME")
        #expect(error("~") == "~: DigitLab does not expand `~` (only a shell does) — write the folder in full (your home folder is \(home)); for a file named like this, write ./~")
        #expect(error("~/m.safetensors").hasPrefix("~/m.safetensors: DigitLab does not expand `~`"))
        #expect(error("a\0b") == "a\0b: the name contains a NUL character")
        #expect(error("/nonexistent/dir/m.safetensors") == "/nonexistent/dir/m.safetensors: folder /nonexistent/dir does not exist — create it first, or choose another folder")
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent"), "a missing folder is never created")
        #expect(error("/etc/passwd/x") == "/etc/passwd/x: /etc/passwd is not a folder (a part of the path is a file)")
        let longName = String(repeating: "n", count: 240)
        #expect(error("/tmp/" + longName) == "/tmp/\(longName.prefix(55))…\(longName.suffix(59)): the file name is too long (240 bytes; at most 231)")
        #expect(error("/tmp/" + String(repeating: "n", count: 300) + "/x").contains("is too long (300 bytes; at most 255 per name)"))
    }

    /// A folder that is a link to nowhere is said to be one: "folder outputs does not
    /// exist" misled when `ls` shows outputs right there.
    @Test func aFolderLinkedToNowhereIsSaidToBeALink() throws {
        let f = Folder()
        try FileManager.default.createSymbolicLink(atPath: f.path + "/outputs", withDestinationPath: "gone")
        #expect(error(f.path + "/outputs/read-x.png") == "\(f.path)/outputs/read-x.png: folder \(f.path)/outputs is a symbolic link to gone, which does not exist — create that folder, remove the link, or choose another folder")
        #expect(f.contents() == ["outputs"], "nothing is written or created")
        #expect(!FileManager.default.fileExists(atPath: f.path + "/gone"))
    }

    /// `save model` into a path 30,000 folders deep overflowed the stack (recursive
    /// folder creation). Now: too long, one line, nothing created.
    @Test func aPathThirtyThousandFoldersDeepIsTooLong() {
        let f = Folder()
        let deep = f.path + "/" + Array(repeating: "a", count: 30_000).joined(separator: "/") + "/m.safetensors"
        let line = error(deep)
        #expect(line.hasSuffix(": the path is too long (\(deep.utf8.count) bytes; Linux allows 4095, and 255 per name)"), "\(line)")
        #expect(line.count < 250, "one short line, the path elided")
        #expect(f.contents().isEmpty)
        // Under the length limit but deeper than what exists: the folder is missing.
        let medium = f.path + "/" + Array(repeating: "a", count: 1000).joined(separator: "/") + "/m"
        #expect(error(medium).hasSuffix("does not exist — create it first, or choose another folder"))
        #expect(f.contents().isEmpty)
    }

    @Test func anExistingFolderIsNotAFileName() {
        let f = Folder()
        try? FileManager.default.createDirectory(atPath: f.path + "/sub", withIntermediateDirectories: false)
        #expect(error(f.path + "/sub") == "\(f.path)/sub: is a folder — give a file name inside it, such as \(f.path)/sub/NAME")
    }

    @Test func specialFilesAndLinksAreNeverReplaced() throws {
        let f = Folder()
        // A FIFO and a device: rename would have replaced them.
        #expect(mkfifo(f.path + "/fifo", 0o644) == 0)
        #expect(error(f.path + "/fifo") == "\(f.path)/fifo: is a FIFO (named pipe) — DigitLab replaces only regular files; choose another name")
        #expect(error("/dev/null") == "/dev/null: is a device — DigitLab replaces only regular files; choose another name")
        // A symbolic link to a file elsewhere: neither the link nor its target changes.
        try "precious".write(toFile: f.path + "/target", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: f.path + "/link", withDestinationPath: f.path + "/target")
        #expect(error(f.path + "/link") == "\(f.path)/link: is a symbolic link — DigitLab never replaces links (the write could land somewhere else); remove it or choose another name")
        #expect(f.read("target") == "precious")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: f.path + "/link") == f.path + "/target")
        #expect(f.contents() == ["fifo", "link", "target"], "no temporary file left")
    }

    /// Another user plants symbolic links at the temporary names: the writer must not
    /// follow them (O_EXCL|O_NOFOLLOW) and must try another name.
    @Test func plantedLinksAtTheTemporaryNameAreNotFollowed() throws {
        let f = Folder()
        try "precious".write(toFile: f.path + "/victim", atomically: false, encoding: .utf8)
        let pid = getpid()
        for s in ["00000001", "00000002"] {
            try FileManager.default.createSymbolicLink(atPath: f.path + "/m.safetensors.tmp-\(pid)-\(s)", withDestinationPath: f.path + "/victim")
        }
        var suffixes = ["1", "2", "3"].makeIterator()
        try AtomicFile.write(Array("model".utf8), to: f.path + "/m.safetensors", policy: .anywhere) { suffixes.next()! }
        #expect(f.read("victim") == "precious")
        #expect(f.read("m.safetensors") == "model")
        #expect(f.contents() == ["m.safetensors", "m.safetensors.tmp-\(pid)-00000001", "m.safetensors.tmp-\(pid)-00000002", "victim"])
    }

    /// A killed writer's temporary file goes; nothing else does: not a link of the same
    /// pattern (nor its target), not another name, not a live process's file.
    @Test func staleTemporariesAreRemovedAndNothingElse() throws {
        let f = Folder()
        try "precious".write(toFile: f.path + "/victim", atomically: false, encoding: .utf8)
        let dead: Int32 = 4_194_000 // above any pid in use here
        try "stale".write(toFile: f.path + "/m.tmp-\(dead)-0000abcd", atomically: false, encoding: .utf8)
        try "old-style".write(toFile: f.path + "/m.tmp-\(dead)", atomically: false, encoding: .utf8)
        try "mine".write(toFile: f.path + "/m.tmp-\(dead)-notours", atomically: false, encoding: .utf8)
        try "other".write(toFile: f.path + "/n.tmp-\(dead)-0000abcd", atomically: false, encoding: .utf8)
        try "live".write(toFile: f.path + "/m.tmp-1-0000abcd", atomically: false, encoding: .utf8) // pid 1 runs
        try FileManager.default.createSymbolicLink(atPath: f.path + "/m.tmp-\(dead)-0000beef", withDestinationPath: f.path + "/victim")
        try AtomicFile.write(Array("m".utf8), to: f.path + "/m")
        #expect(f.contents() == ["m", "m.tmp-1-0000abcd", "m.tmp-\(dead)-0000beef", "m.tmp-\(dead)-notours", "n.tmp-\(dead)-0000abcd", "victim"])
        #expect(f.read("victim") == "precious")
    }

    @Test func missingFoldersAreNotCreatedExceptTheOutputFolder() throws {
        let f = Folder()
        #expect(error(f.path + "/new/m.safetensors") == "\(f.path)/new/m.safetensors: folder \(f.path)/new does not exist — create it first, or choose another folder")
        try AtomicFile.write(Array("png".utf8), to: f.path + "/outputs/c.png", policy: .anywhere.creating(f.path + "/outputs"))
        #expect(f.read("outputs/c.png") == "png")
        // Only that folder, one level: not a sub-folder, not missing parents.
        #expect(error(f.path + "/outputs/sub/c.png", policy: .anywhere.creating(f.path + "/outputs")).hasSuffix("does not exist — create it first, or choose another folder"))
        #expect(error(f.path + "/a/outputs/c.png", policy: .anywhere.creating(f.path + "/a/outputs")).hasPrefix("\(f.path)/a/outputs/c.png: cannot create the folder"))
        #expect(f.contents() == ["outputs"])
    }

    @Test func replacingKeepsPermissionsAndLeavesNoTemporaryFile() throws {
        let f = Folder()
        try AtomicFile.write(Array("one".utf8), to: f.path + "/m")
        #expect(chmod(f.path + "/m", 0o600) == 0)
        try AtomicFile.write(Array("two".utf8), to: f.path + "/m")
        var info = stat()
        #expect(stat(f.path + "/m", &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(f.read("m") == "two" && f.contents() == ["m"])
    }

    /// A lesson may write only under outputs/: `..`, other folders and links that lead
    /// out are refused, naming the flag the caller supplies. (Absolute paths here: the
    /// current folder is shared with the tests running beside these; a relative path is
    /// made absolute from it and checked the same way.)
    @Test func aLessonCannotEscapeItsFolder() throws {
        let f = Folder()
        let root = f.path + "/outputs"
        let lesson = WritePolicy.under(root, hint: "run the lesson with --allow-writes to let it write elsewhere")
        let refusal = ": not written: only files under \(root)/ may be written here (relative paths that stay inside it) — run the lesson with --allow-writes to let it write elsewhere"
        try AtomicFile.write(Array("ok".utf8), to: root + "/a.png", policy: lesson) // outputs/ is created
        try AtomicFile.write(Array("ok".utf8), to: root + "/./b.png", policy: lesson)
        try AtomicFile.write(Array("ok".utf8), to: root + "/../outputs/c.png", policy: lesson)
        for escape in ["/x", "/outputs/../x", "/outputs/../../x", "/outputs", "/outputs/./../y", "/outputsx/y"] {
            #expect(error(f.path + escape, policy: lesson) == f.path + escape + refusal, "\(escape)")
        }
        #expect(error("/tmp/x", policy: lesson) == "/tmp/x" + refusal)
        #expect(error("../../../../../../../../tmp/x", policy: lesson) == "../../../../../../../../tmp/x" + refusal)
        // A link inside outputs/ that leads out.
        try FileManager.default.createDirectory(atPath: f.path + "/elsewhere", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: f.path + "/elsewhere")
        #expect(error(root + "/link/x", policy: lesson) == root + "/link/x" + refusal)
        #expect(error(root + "/link/../x", policy: lesson) == root + "/link/../x" + refusal)
        try FileManager.default.removeItem(atPath: root + "/link")
        #expect(f.contents("/elsewhere").isEmpty)
        #expect(f.contents("/outputs") == ["a.png", "b.png", "c.png"])
        #expect(f.contents() == ["elsewhere", "outputs"])
        // outputs/ itself a link (the attacker review): the fence would move with it.
        try FileManager.default.removeItem(atPath: root)
        try FileManager.default.createSymbolicLink(atPath: root, withDestinationPath: f.path + "/elsewhere")
        #expect(error(root + "/x.png", policy: lesson) == root + "/x.png" + refusal)
        #expect(f.contents("/elsewhere").isEmpty)
    }

    /// The lexical check resolves `..` from the current folder, as the kernel will.
    @Test func relativePathsAreResolvedFromTheCurrentFolder() {
        let here = FileManager.default.currentDirectoryPath
        let policy = WritePolicy.under("outputs")
        #expect((try? policy.checkLexically("outputs/a.png")) != nil)
        #expect((try? policy.checkLexically("./outputs/sub/../a.png")) != nil)
        #expect((try? policy.checkLexically(here + "/outputs/a.png")) != nil)
        for bad in ["../outputs/a.png", "outputs/../a.png", "outputs", "a.png", "/tmp/outputs/a.png"] {
            #expect((try? policy.checkLexically(bad)) == nil, "\(bad)")
        }
    }
}
