/// Scratch memory a layer reuses from batch to batch (im2col columns, per-thread
/// partial gradients). Raw pointers, so that parallel parts can each write their own
/// region without Swift's exclusivity checks on a shared array.
final class Workspace {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init() {
        pointer = Self.allocate(1)
        capacity = 1
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    /// Cache-line aligned, as the vector kernels like their panels.
    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(1, count))
    }

    /// At least `count` floats (contents undefined after growing).
    @discardableResult
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            UnsafeMutableRawPointer(pointer).deallocate()
            pointer = Self.allocate(count)
            capacity = count
        }
        return pointer
    }

    /// Gives the memory back when a big inference batch left it large.
    func shrink(to count: Int) {
        if capacity > count * 2 {
            UnsafeMutableRawPointer(pointer).deallocate()
            pointer = Self.allocate(count)
            capacity = max(1, count)
        }
    }
}

extension Array where Element == Float {
    /// The array's memory as a pointer for parallel code. Valid only while the array is
    /// neither resized nor copied — use it inside a `withUnsafe…` scope's lifetime.
    @inline(__always)
    mutating func mutablePointer<R>(_ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }

    @inline(__always)
    func pointer<R>(_ body: (UnsafePointer<Float>) -> R) -> R {
        withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

extension Array where Element == Float {
    /// An array whose every element the caller will write before reading (layer
    /// outputs): skips zero-filling memory that is overwritten anyway.
    init(uninitializedCount count: Int) {
        self.init(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}

/// Like `Workspace`, for indices (max pooling's winners).
final class IndexWorkspace {
    private(set) var pointer = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private(set) var capacity = 1

    deinit { pointer.deallocate() }

    /// At least `count` indices (contents undefined after growing).
    func reserve(_ count: Int) -> UnsafeMutablePointer<Int32> {
        if count > capacity {
            pointer.deallocate()
            pointer = .allocate(capacity: count)
            capacity = count
        }
        return pointer
    }
}
