import Glibc
import Testing
@testable import DigitLabCore

/// The same seed gives the same bits on any number of threads: work is cut into chunks
/// fixed by the data, and sums over chunks are added in chunk order.
@Suite(.serialized) struct ThreadCountTests {
    /// A small CNN with dropout, Adam and augmentation (outliers too) on 300 synthetic images, trained
    /// with 1, 2, 3 and 8 threads: the weights must agree bit for bit.
    @Test func trainingGivesTheSameBitsOnAnyThreadCount() throws {
        let data = syntheticImages(count: 300, seed: 11)
        let specs: [LayerSpec] = [
            .conv(filters: 8, kernel: 3, stride: 1, padding: .same), .activation(.relu), .maxpool(size: 2),
            .conv(filters: 12, kernel: 3, stride: 2, padding: .fixed(1)), .batchnorm, .activation(.relu),
            .dropout(rate: 0.25), .flatten, .dense(units: 48), .activation(.relu), .dropout(rate: 0.5), .dense(units: 10),
        ]
        func train(threads: Int) throws -> (NetworkSnapshot, [Float]) {
            Parallel.threads = threads
            var rng = SeededRNG(seed: 42)
            let net = Network()
            for spec in specs { try net.append(spec, using: &rng) }
            var settings = TrainingSettings()
            settings.batchSize = 50
            settings.learningRate = 2e-3
            settings.optimizer = OptimizerSettings(kind: .adam)
            settings.optimizer.weightDecay = 1e-2
            let trainer = Trainer(network: net, settings: settings, rng: SeededRNG(seed: 7))
            var augmentation = Augmentation(shift: 2, rotate: 10, scale: 0.1, elastic: 2)
            augmentation.outliers = 0.2
            trainer.augment = { batch, labels, rng in augmentation.apply(to: &batch, labels: &labels, background: -0.4242, using: &rng) }
            var losses = [Float]()
            _ = trainer.train(data, normalization: .mnist, amount: .steps(9)) { event in
                if case .batchEnd(let r) = event { losses.append(r.loss) }
                return .proceed
            }
            return (net.snapshot(), losses)
        }
        let before = Parallel.threads
        defer { Parallel.threads = before }
        let (reference, losses) = try train(threads: 1)
        #expect(losses.allSatisfy { $0.isFinite })
        for threads in [2, 3, 8] {
            let (weights, otherLosses) = try train(threads: threads)
            #expect(otherLosses == losses, "losses with \(threads) threads")
            #expect(weights == reference, "weights with \(threads) threads differ from 1 thread's")
        }
    }

    /// Idle, the pool's helpers sleep: no CPU time passes in them.
    @Test func idleHelpersUseNoCPU() {
        // A pool of its own: the shared one is busy with the tests running beside this one.
        let pool = WorkerPool()
        pool.resize(3)
        defer { pool.resize(1) }
        var sink = [Float](repeating: 1, count: 1 << 16)
        sink.withUnsafeMutableBufferPointer { p in
            pool.run(64) { chunk, _ in for i in Parallel.chunk(chunk, grain: 1024, count: p.count) { p[i] *= 1.5 } }
        }
        usleep(50_000) // longer than helpers spin
        let start = pool.helperCPUNanoseconds()
        usleep(200_000)
        let used = pool.helperCPUNanoseconds() - start
        #expect(used < 2_000_000, "helpers used \(Double(used) / 1e6) ms of CPU in 200 ms idle")
        #expect(sink[7] == 1.5 && sink[65_535] == 1.5)
    }

    /// Every chunk runs exactly once, whatever the thread count.
    @Test func everyChunkRunsOnce() {
        let before = Parallel.threads
        defer { Parallel.threads = before }
        for threads in [1, 2, 5] {
            Parallel.threads = threads
            for chunks in [1, 2, 7, 300] {
                var counts = [Int](repeating: 0, count: chunks)
                counts.withUnsafeMutableBufferPointer { c in
                    Parallel.forEachChunk(chunks) { chunk, worker in
                        precondition(worker < threads)
                        c[chunk] += 1
                    }
                }
                #expect(counts.allSatisfy { $0 == 1 }, "\(threads) threads, \(chunks) chunks")
            }
        }
    }
}
