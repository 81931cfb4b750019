import CKernels
import Glibc
import Synchronization

/// Splits work into a fixed number of chunks that whichever thread is free claims.
///
/// Every parallel loop in DigitLab cuts its work into chunks whose number and bounds
/// depend only on the work (the batch, the layer's shape) — never on the thread count.
/// Threads claim chunks one at a time, so a thread the operating system puts aside
/// simply claims fewer; and anything summed over chunks is kept per chunk and added in
/// chunk order. Together: the same seed gives the same bits with 1, 2, 3 or 8 threads,
/// and a busy core slows a step down by at most the chunk it holds.
///
///     Parallel.forEachChunk(8) { chunk, worker in … }   // worker picks per-thread scratch
public enum Parallel {
    /// How many threads run chunks (1 = everything on the calling thread).
    public static var threads: Int {
        get { pool.threads }
        set { pool.resize(max(1, min(newValue, maxThreads))) }
    }

    /// More threads than this are refused: each needs its own scratch memory.
    public static let maxThreads = 64

    /// Runs `body(chunk, worker)` for every chunk in `0..<chunks` and returns when all are
    /// done. `worker` (in `0..<threads`) names the thread running the chunk, so that a
    /// chunk can use that thread's scratch memory; results must depend only on `chunk`.
    /// Safe to call from several threads at once (tests do): a caller that finds the
    /// pool busy runs every chunk itself, in order — the same numbers, just slower.
    public static func forEachChunk(_ chunks: Int, _ body: (_ chunk: Int, _ worker: Int) -> Void) {
        pool.run(chunks, body)
    }

    /// How many chunks of `grain` items cover `count` items.
    @inline(__always)
    public static func chunkCount(_ count: Int, grain: Int) -> Int {
        max(1, (count + grain - 1) / max(1, grain))
    }

    /// The items of chunk `index` when `count` items are cut into chunks of `grain`.
    @inline(__always)
    public static func chunk(_ index: Int, grain: Int, count: Int) -> Range<Int> {
        min(count, index * grain)..<min(count, (index + 1) * grain)
    }

    /// Runs `body` over slices of `0..<count`, `grain` items each: for elementwise work,
    /// where any split gives the same numbers.
    public static func forEachSlice(count: Int, grain: Int = 16_384, _ body: (Range<Int>) -> Void) {
        let chunks = chunkCount(count, grain: grain)
        if chunks <= 1 || threads == 1 { body(0..<count); return }
        forEachChunk(chunks) { c, _ in body(chunk(c, grain: grain, count: count)) }
    }

    static let pool = WorkerPool()
}

/// A fork-join pool: one job at a time; helpers claim its chunks with a compare-and-swap
/// on one word that holds the job's number, its chunk count and the next chunk.
///
/// Waiting is polite. A helper waiting for the next job polls with a PAUSE for a few
/// microseconds, then with `sched_yield` (so another program on its core runs), and
/// after `helperSleepAfter` blocks on a condition variable: idle at the prompt, DigitLab
/// uses no CPU. The caller waiting for the last chunks does the same, but blocks sooner
/// (`callerBlockAfter`): on a busy machine the chunk it waits for may belong to a thread
/// the scheduler has put aside, and a blocked caller frees its core for that thread.
final class WorkerPool: @unchecked Sendable {
    private(set) var threads = 1

    /// Polls with PAUSE for this long before polling with `sched_yield`.
    static let pauseNanoseconds = 5_000
    /// A helper sleeps after this long without work. Steps of a small network leave
    /// gaps of tens of microseconds between parallel loops; waking a sleeping thread
    /// costs about as much again, so helpers stay awake across a step.
    static let helperSleepAfter = 300_000
    /// The caller blocks after waiting this long for other threads' chunks.
    static let callerBlockAfter = 60_000

    // The job word: job number in bits 40..<62, chunk count in 20..<40, next chunk in 0..<20.
    private static let countBits = 20, chunkMask = (1 << 20) - 1, jobMask = (1 << 22) - 1
    private let word = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let callerBlocked = Atomic<Bool>(false)
    private let stopRequested = Atomic<Bool>(false)
    private let busy = Atomic<Bool>(false)
    private var jobNumber = 0
    private var job: ((Int, Int) -> Void)?
    fileprivate var helpers: [pthread_t] = []
    private var mutex = pthread_mutex_t(), wake = pthread_cond_t()
    private var doneMutex = pthread_mutex_t(), done = pthread_cond_t()

    init() {
        // Layer outputs are fresh arrays every step (a few MB for a CNN). Above glibc's
        // default threshold each one is an mmap, and each page is zeroed by the kernel on
        // first touch: 5-10% of a step. Keep such blocks in the heap for reuse instead.
        dl_keep_freed_memory()
        pthread_mutex_init(&mutex, nil); pthread_cond_init(&wake, nil)
        pthread_mutex_init(&doneMutex, nil); pthread_cond_init(&done, nil)
        resize(2)
    }

    /// CPUs this process may run on (its affinity mask: `taskset` and cpusets count).
    static var availableCPUs: Int { Int(dl_available_cpus()) }

    func resize(_ n: Int) {
        // More threads than CPUs would only take turns on them (and a spinning one takes
        // a turn from a working one): as OpenMP's dynamic mode does, run at most one
        // thread per CPU. Chunks do not depend on the thread count, so neither do results.
        let helperCount = min(n, Self.availableCPUs) - 1
        guard n != threads || helpers.count != helperCount else { return }
        // Wait for any running job, then stop the old helpers and start n - 1 new ones.
        while !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged { sched_yield() }
        defer { busy.store(false, ordering: .releasing) }
        stopRequested.store(true, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(&mutex); pthread_cond_broadcast(&wake); pthread_mutex_unlock(&mutex)
        for h in helpers { pthread_join(h, nil) }
        helpers = []
        stopRequested.store(false, ordering: .sequentiallyConsistent)
        threads = n
        for index in 1..<max(1, helperCount + 1) {
            let start = Unmanaged.passRetained(HelperStart(pool: self, index: index))
            var handle = pthread_t()
            pthread_create(&handle, nil, { raw in
                let start = Unmanaged<HelperStart>.fromOpaque(raw!).takeRetainedValue()
                start.pool.helperLoop(worker: start.index)
                return nil
            }, start.toOpaque())
            helpers.append(handle)
        }
    }

    func run(_ chunks: Int, _ body: (Int, Int) -> Void) {
        guard chunks > 0 else { return }
        precondition(chunks <= Self.chunkMask, "too many chunks")
        // One job at a time. A second caller (another thread, or a nested call) runs
        // every chunk itself.
        guard !helpers.isEmpty, chunks > 1,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for c in 0..<chunks { body(c, 0) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { escapable in
            job = escapable
            finished.store(0, ordering: .relaxed)
            jobNumber = (jobNumber + 1) & Self.jobMask
            word.store(jobNumber << 40 | chunks << Self.countBits, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(&mutex); pthread_cond_broadcast(&wake); pthread_mutex_unlock(&mutex)
            }
            work(worker: 0, job: jobNumber)
            waitForChunks(chunks)
            job = nil
        }
    }

    /// Claims the next chunk of job `number`, or nil when it has none left (or is over).
    @inline(__always)
    private func claim(job number: Int) -> (chunk: Int, count: Int)? {
        var w = word.load(ordering: .acquiring)
        while true {
            let next = w & Self.chunkMask, count = (w >> Self.countBits) & Self.chunkMask
            guard w >> 40 == number, next < count else { return nil }
            let (exchanged, original) = word.compareExchange(expected: w, desired: w + 1, ordering: .acquiringAndReleasing)
            if exchanged { return (next, count) }
            w = original
        }
    }

    /// Runs chunks of job `number` until none is left. The job closure is read only
    /// after a chunk was claimed: until that chunk is finished, the caller cannot move
    /// on to another job.
    private func work(worker: Int, job number: Int) {
        while let (chunk, count) = claim(job: number) {
            job!(chunk, worker)
            if finished.add(1, ordering: .acquiringAndReleasing).newValue == count,
               callerBlocked.load(ordering: .sequentiallyConsistent) {
                pthread_mutex_lock(&doneMutex); pthread_cond_signal(&done); pthread_mutex_unlock(&doneMutex)
            }
        }
    }

    private func waitForChunks(_ chunks: Int) {
        var polls = 0
        let start = monotonicNanoseconds()
        while finished.load(ordering: .acquiring) < chunks {
            polls += 1
            guard polls & 15 == 0 else { dl_cpu_relax(); continue }
            let waited = monotonicNanoseconds() - start
            if waited > Self.callerBlockAfter {
                pthread_mutex_lock(&doneMutex)
                callerBlocked.store(true, ordering: .sequentiallyConsistent)
                while finished.load(ordering: .sequentiallyConsistent) < chunks { pthread_cond_wait(&done, &doneMutex) }
                callerBlocked.store(false, ordering: .relaxed)
                pthread_mutex_unlock(&doneMutex)
                return
            }
            if waited > Self.pauseNanoseconds { sched_yield() }
        }
    }

    private func helperLoop(worker: Int) {
        var seen = word.load(ordering: .acquiring) >> 40
        while waitForJob(after: &seen) { work(worker: worker, job: seen) }
    }

    /// Waits until a job other than `seen` is posted (true) or the pool stops (false).
    private func waitForJob(after seen: inout Int) -> Bool {
        var polls = 0
        var start = monotonicNanoseconds()
        while true {
            if stopRequested.load(ordering: .relaxed) { return false }
            let current = word.load(ordering: .acquiring) >> 40
            if current != seen { seen = current; return true }
            polls += 1
            guard polls & 15 == 0 else { dl_cpu_relax(); continue }
            let waited = monotonicNanoseconds() - start
            if waited > Self.helperSleepAfter {
                pthread_mutex_lock(&mutex)
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while word.load(ordering: .sequentiallyConsistent) >> 40 == seen,
                      !stopRequested.load(ordering: .sequentiallyConsistent) {
                    pthread_cond_wait(&wake, &mutex)
                }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(&mutex)
                start = monotonicNanoseconds()
            } else if waited > Self.pauseNanoseconds {
                sched_yield()
            }
        }
    }
}

extension WorkerPool {
    /// CPU time the helpers have used so far (a test checks they sleep when idle).
    func helperCPUNanoseconds() -> Int {
        helpers.reduce(0) { total, thread in
            var clock = clockid_t()
            var t = timespec()
            guard pthread_getcpuclockid(thread, &clock) == 0, clock_gettime(clock, &t) == 0 else { return total }
            return total + t.tv_sec * 1_000_000_000 + t.tv_nsec
        }
    }
}

private final class HelperStart {
    let pool: WorkerPool
    let index: Int
    init(pool: WorkerPool, index: Int) { self.pool = pool; self.index = index }
}

@inline(__always) private func monotonicNanoseconds() -> Int {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return t.tv_sec * 1_000_000_000 + t.tv_nsec
}
