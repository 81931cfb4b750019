import Glibc
import Synchronization

/// Splits work over the machine's cores with a fixed, deterministic partition.
///
/// DigitLab parallelises by splitting each batch (or each weight matrix) into
/// `Parallel.threads` parts and calls OpenBLAS single-threaded inside each part — never
/// both, since nested thread pools fight over two cores. Parts are fixed by index, and
/// partial sums are reduced in index order, so a run repeats bit for bit for a given
/// thread count.
///
/// The helpers are persistent threads that spin briefly between jobs: a parallel region
/// costs about a microsecond, which matters when an MLP step takes 200 µs.
public enum Parallel {
    /// How many parts work is split into (1 = everything on the calling thread).
    public static var threads: Int {
        get { pool.threads }
        set { pool.resize(max(1, min(newValue, 64))) }
    }

    /// Runs `body(part)` for part in 0..<threads: part 0 on the calling thread, the rest
    /// on the helpers; returns when all are done. Safe to call from several threads
    /// (tests run concurrently): a caller that finds the helpers busy runs all parts.
    public static func forEachPart(_ body: (Int) -> Void) {
        pool.run(body)
    }

    /// The half-open range of `0..<count` that `part` of `parts` covers.
    @inline(__always)
    public static func range(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        (count * part / parts)..<(count * (part + 1) / parts)
    }

    /// Runs `body` over slices of `0..<count`, in parallel when `count` is big enough to
    /// be worth it.
    public static func forEachSlice(count: Int, minimumPerPart: Int = 4096, _ body: (Range<Int>) -> Void) {
        let parts = min(threads, max(1, count / max(1, minimumPerPart)))
        if parts <= 1 { body(0..<count); return }
        forEachPart { p in if p < parts { body(range(p, of: parts, count: count)) } }
    }

    static let pool = WorkerPool()
}

/// A tiny fork-join pool: one job at a time, spin-then-sleep helpers.
final class WorkerPool: @unchecked Sendable {
    private(set) var threads = 1
    /// About a millisecond of polling before a helper sleeps. Shorter (20 µs was tried)
    /// lets helpers fall asleep during the serial moments of a training step, and each
    /// wake-up then costs a futex call and tens of µs of scheduling: mlp epochs varied
    /// between 0.32 and 0.47 s. Idle at the prompt, helpers still sleep.
    static let spinsBeforeSleep = 1_000_000
    private let generation = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private var job: ((Int) -> Void)?
    private var mutex = pthread_mutex_t()
    private var wake = pthread_cond_t()
    private var helpers: [pthread_t] = []
    private let stopRequested = Atomic<Bool>(false)
    private let busy = Atomic<Bool>(false)

    init() {
        BLAS.useSingleThread()
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&wake, nil)
        resize(2)
    }

    func resize(_ n: Int) {
        guard n != threads || helpers.count != n - 1 else { return }
        // Wait for any running job, then stop the old helpers and start n - 1 new ones.
        while !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {}
        defer { busy.store(false, ordering: .releasing) }
        stopRequested.store(true, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(&mutex); pthread_cond_broadcast(&wake); pthread_mutex_unlock(&mutex)
        for h in helpers { pthread_join(h, nil) }
        helpers = []
        stopRequested.store(false, ordering: .sequentiallyConsistent)
        threads = n
        for index in 1..<max(1, n) {
            // The helper must know which job it has already seen *now*, not when its
            // thread happens to start, or a job posted in between would be missed.
            let box = Unmanaged.passRetained(HelperStart(pool: self, index: index,
                                                         seen: generation.load(ordering: .acquiring)))
            var handle = pthread_t()
            pthread_create(&handle, nil, { raw in
                let start = Unmanaged<HelperStart>.fromOpaque(raw!).takeRetainedValue()
                start.pool.helperLoop(index: start.index, seen: start.seen)
                return nil
            }, box.toOpaque())
            helpers.append(handle)
        }
    }

    func run(_ body: (Int) -> Void) {
        // One job at a time. A second caller (another thread, or a nested call) runs
        // every part itself: the same partition, so the same numbers, just slower.
        guard threads > 1, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for part in 0..<threads { body(part) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { escapable in
            job = escapable
            pending.store(threads - 1, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            pthread_mutex_lock(&mutex); pthread_cond_broadcast(&wake); pthread_mutex_unlock(&mutex)
            escapable(0)
            while pending.load(ordering: .acquiring) > 0 { spinPause() }
            job = nil
        }
    }

    private func helperLoop(index: Int, seen initial: Int) {
        var seen = initial
        while true {
            // Spin a little (the next batch's job usually comes within microseconds),
            // then sleep until woken.
            var spins = 0
            while generation.load(ordering: .acquiring) == seen && !stopRequested.load(ordering: .relaxed) {
                spins += 1
                if spins < Self.spinsBeforeSleep { spinPause(); continue }
                pthread_mutex_lock(&mutex)
                while generation.load(ordering: .acquiring) == seen && !stopRequested.load(ordering: .relaxed) {
                    pthread_cond_wait(&wake, &mutex)
                }
                pthread_mutex_unlock(&mutex)
            }
            if stopRequested.load(ordering: .relaxed) { return }
            seen = generation.load(ordering: .acquiring)
            job?(index)
            pending.subtract(1, ordering: .releasing)
        }
    }
}

private final class HelperStart {
    let pool: WorkerPool
    let index: Int
    let seen: Int
    init(pool: WorkerPool, index: Int, seen: Int) { self.pool = pool; self.index = index; self.seen = seen }
}

/// A busy-wait step. (x86's PAUSE would be kinder to a hyper-threaded sibling, but
/// Swift has no portable spelling for it; the spin is short either way.)
@inline(__always) private func spinPause() {}
