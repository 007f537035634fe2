import Foundation
import Testing
@testable import TransformerCore

/// The pieces of data-parallel training, without MPI: strided shares, buckets, the launcher's
/// environment, and the gradient synchronisation on the local and the in-process threaded backend.
@Suite struct DataParallelTests {
    // MARK: - Shares

    @Test(arguments: [1, 2, 3, 5, 8])
    func sharesPartitionTheMembersInTurn(ranks: Int) {
        let members = Array(100..<107)   // 7 members
        let shares = (0..<ranks).map { DataParallel.share(of: members, rank: $0, ranks: ranks) }
        #expect(shares.flatMap { $0 }.sorted() == members)
        #expect(shares[0].first == 100)
        for (rank, share) in shares.enumerated() {
            #expect(share == Array(stride(from: 100 + rank, to: 107, by: ranks)))
        }
        let sizes = shares.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
    }

    @Test func aRankBeyondTheMembersGetsNothing() {
        #expect(DataParallel.share(of: [1, 2], rank: 2, ranks: 3).isEmpty)
    }

    /// Each task's shares hold exactly the members of the global batch, in the same plan.
    @Test func translationSharesAreTheGlobalBatchesDealtOut() throws {
        let task = try DistributedFixtures.translationTask(batchSentences: 5)
        for epoch in 0..<2 {
            let global = task.batches(epoch: epoch)
            let shares = (0..<3).map { task.batches(epoch: epoch, rank: $0, of: 3)! }
            for (index, batch) in global.enumerated() {
                let parts = shares.compactMap { $0[index] }
                #expect(parts.reduce(0) { $0 + $1.tokenCount } == batch.tokenCount)
                #expect(Set(parts.flatMap(\.source).map { $0.filter { $0 != 0 } })
                        == Set(batch.source.map { $0.filter { $0 != 0 } }))
                #expect(parts[0].source.first.map { $0.filter { $0 != 0 } } == batch.source.first.map { $0.filter { $0 != 0 } })
            }
        }
        // One rank: the whole batches.
        #expect(task.batches(epoch: 0, rank: 0, of: 1)!.map { $0! } == task.batches(epoch: 0))
    }

    @Test func classificationAndLanguageModelSharesAreTheGlobalBatchesDealtOut() throws {
        let classify = try DistributedFixtures.classificationTask()
        for (index, batch) in classify.batches(epoch: 1).enumerated() {
            let parts = (0..<2).compactMap { classify.batches(epoch: 1, rank: $0, of: 2)![index] }
            #expect(parts.flatMap(\.labels).sorted() == batch.labels.sorted())
            #expect(parts[0].labels.count == (batch.labels.count + 1) / 2)
        }
        let lm = try DistributedFixtures.languageModelTask()
        for (index, batch) in lm.batches(epoch: 2).enumerated() {
            let parts = (0..<3).compactMap { lm.batches(epoch: 2, rank: $0, of: 3)![index] }
            #expect(parts.flatMap(\.inputs) == DataParallel.share(of: batch.inputs, rank: 0, ranks: 3)
                    + DataParallel.share(of: batch.inputs, rank: 1, ranks: 3) + DataParallel.share(of: batch.inputs, rank: 2, ranks: 3))
            #expect(parts.reduce(0) { $0 + $1.targets.count } == batch.targets.count)
        }
    }

    @Test func imageSharesAreTheGlobalBatchesDealtOut() throws {
        let task = try DistributedFixtures.imageTask()
        for (index, batch) in task.batches(epoch: 1).enumerated() {
            let parts = (0..<2).map { task.batches(epoch: 1, rank: $0, of: 2)![index]! }
            #expect(parts.map(\.members) == [DataParallel.share(of: batch.members, rank: 0, ranks: 2),
                                              DataParallel.share(of: batch.members, rank: 1, ranks: 2)])
            #expect(parts.allSatisfy { $0.epoch == 1 })
        }
    }

    @Test func aBatchSmallerThanTheRanksLeavesEmptyShares() throws {
        let task = try DistributedFixtures.translationTask(batchSentences: 2)
        let shares = task.batches(epoch: 0, rank: 2, of: 3)!
        #expect(shares.count == task.batches(epoch: 0).count)
        #expect(shares.allSatisfy { $0 == nil })
    }

    // MARK: - Buckets

    @Test func bucketsPackConsecutiveTensorsUpToTheCapacity() {
        #expect(GradientBuckets.plan(counts: [3, 4, 10, 2, 2], capacity: 8) == [0..<2, 2..<3, 3..<5])
        #expect(GradientBuckets.plan(counts: [3, 4, 10, 2, 2], capacity: 100) == [0..<5])
        #expect(GradientBuckets.plan(counts: [3, 4], capacity: 1) == [0..<1, 1..<2])
        #expect(GradientBuckets.plan(counts: [], capacity: 8).isEmpty)
        #expect(GradientBuckets.plan(counts: [8, 0, 8], capacity: 8) == [0..<2, 2..<3])
    }

    @Test(arguments: [1, 7, 50, 1 << 20])
    func bucketsCoverEveryTensorOnceWithinTheCapacity(capacity: Int) {
        let generator = SeededGenerator(seed: 4)
        let counts = (0..<40).map { _ in generator.nextIndex(below: 30) + 1 }
        let buckets = GradientBuckets.plan(counts: counts, capacity: capacity)
        #expect(buckets.flatMap { Array($0) } == Array(counts.indices))
        for bucket in buckets where bucket.count > 1 {
            #expect(counts[bucket].reduce(0, +) <= capacity)
        }
    }

    // MARK: - The launcher's environment

    @Test func launchersAreRecognisedByTheirVariables() {
        #expect(LaunchEnvironment(environment: ["PATH": "/bin", "SLURM_NTASKS": "4"]) == nil)
        let openMPI = LaunchEnvironment(environment: ["OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"])
        #expect(openMPI?.worldSize == 4 && openMPI?.localSize == 2 && openMPI?.evidence == "OMPI_COMM_WORLD_SIZE=4")
        let hydra = LaunchEnvironment(environment: ["PMI_SIZE": "3", "PMI_RANK": "1", "MPI_LOCALNRANKS": "3"])
        #expect(hydra?.worldSize == 3 && hydra?.localSize == 3)
        let slurm = LaunchEnvironment(environment: ["PMIX_RANK": "0", "SLURM_NTASKS": "8", "SLURM_NTASKS_PER_NODE": "4(x2)"])
        #expect(slurm?.worldSize == 8 && slurm?.evidence == "PMIX_RANK=0")
        #expect(openMPI?.threadsPerRank(cores: 8) == 4)
        #expect(openMPI?.threadsPerRank(cores: 1) == 1)
        #expect(LaunchEnvironment(environment: ["PMIX_RANK": "0"])?.threadsPerRank(cores: 6) == 6)
    }

    @Test func noLauncherMeansTheLocalBackend() throws {
        let backend = try LaunchEnvironment.backend(environment: ["HOME": "/root"])
        #expect(backend is LocalBackend && backend.rank == 0 && backend.worldSize == 1)
    }

    #if !MPI
    /// Without the MPI trait, several ranks would each train alone and write the same files: refused.
    @Test func severalRanksWithoutMPIAreRefused() {
        #expect(throws: DistributedError.self) {
            _ = try LaunchEnvironment.backend(environment: ["OMPI_COMM_WORLD_SIZE": "2"])
        }
        let message = DistributedError.notBuiltWithMPI(LaunchEnvironment(environment: ["OMPI_COMM_WORLD_SIZE": "2"])!).description
        #expect(message.contains("OMPI_COMM_WORLD_SIZE=2") && message.contains("--traits MPI"))
        #expect((try? LaunchEnvironment.backend(environment: ["OMPI_COMM_WORLD_SIZE": "1"])) is LocalBackend)
    }
    #endif

    // MARK: - Synchronisation

    /// One process: the hook changes nothing and calls nothing.
    @Test func oneRankLeavesGradientsAlone() {
        let p = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        p.gradientScalars = [0.5, -0.25]
        let parallel = DataParallel(backend: LocalBackend())
        let (loss, tokens) = parallel.synchronizeGradients([p], loss: 1.5, tokenCount: 7)
        #expect(loss == 1.5 && tokens == 7 && p.gradientScalars == [0.5, -0.25])
    }

    /// Three ranks with 1, 2 and 5 targets: g = Σ (n_r / n) g_r, L = Σ n_r L_r / n, on every rank,
    /// with buckets of one, two and several tensors; a gradient only rank 1 has becomes zeros elsewhere;
    /// one no rank has stays nil.
    @Test(arguments: [1, 3, 1000])
    func gradientsAreWeightedByTargetsAndSummed(capacity: Int) throws {
        let tokens = [1, 2, 5], losses: [Float] = [0.5, 1, 2]
        let results = try runRanks(3) { backend -> [[Float]?] in
            let parallel = DataParallel(backend: backend, bucketCapacity: capacity)
            let r = Float(backend.rank)
            let a = Tensor(shape: [2], scalars: [0, 0], requiresGradient: true)
            let b = Tensor(shape: [3], scalars: [0, 0, 0], requiresGradient: true)
            let onlyOnRank1 = Tensor(shape: [1], scalars: [0], requiresGradient: true)
            let none = Tensor(shape: [1], scalars: [0], requiresGradient: true)
            a.gradientScalars = [r + 1, -(r + 1)]
            b.gradientScalars = [10 * r, 1, 2]
            if backend.rank == 1 { onlyOnRank1.gradientScalars = [4] }
            let (loss, count) = parallel.synchronizeGradients([a, b, onlyOnRank1, none], loss: losses[backend.rank],
                                                              tokenCount: tokens[backend.rank])
            #expect(count == 8)
            #expect(abs(loss - (0.5 * 1 + 1 * 2 + 2 * 5) / 8) < Tolerance.exact)
            return [a.gradientScalars, b.gradientScalars, onlyOnRank1.gradientScalars, none.gradientScalars]
        }
        let w = tokens.map { Float($0) / 8 }
        let expectedA = [w[0] * 1 + w[1] * 2 + w[2] * 3, -(w[0] * 1 + w[1] * 2 + w[2] * 3)]
        let expectedB = [w[1] * 10 + w[2] * 20, 1, 2]
        for rank in 0..<3 {
            expectClose(results[rank][0]!, expectedA)
            expectClose(results[rank][1]!, expectedB)
            expectClose(results[rank][2]!, [w[1] * 4])
            #expect(results[rank][3] == nil)
            #expect(results[rank].map { $0?.map(\.bitPattern) } == results[0].map { $0?.map(\.bitPattern) })
        }
    }

    /// A rank without targets (an empty share) contributes nothing and divides nothing by zero.
    @Test func anEmptyShareContributesZero() throws {
        let results = try runRanks(2) { backend -> [Float] in
            let parallel = DataParallel(backend: backend)
            let p = Tensor(shape: [2], scalars: [0, 0], requiresGradient: true)
            let (loss, tokens) = backend.rank == 0
                ? DataParallel.emptyShareLoss()
                : (Tensor(3, requiresGradient: true), 4)
            loss.backward()
            if backend.rank == 1 { p.gradientScalars = [1, 2] }
            let global = parallel.synchronizeGradients([p], loss: loss.item, tokenCount: tokens)
            #expect(global.loss == 3 && global.tokenCount == 4)
            return p.gradientScalars!
        }
        #expect(results[0] == [1, 2] && results[1] == [1, 2])
    }

    @Test func aBucketOfSeveralTensorsTakesOneCall() throws {
        let calls = try runRanks(2) { backend -> Int in
            let parallel = DataParallel(backend: backend, bucketCapacity: 5)
            let tensors = [2, 2, 6, 1, 1, 1].map { Tensor(shape: [$0], scalars: .init(repeating: 0, count: $0), requiresGradient: true) }
            for t in tensors { t.gradientScalars = .init(repeating: 1, count: t.count) }
            _ = parallel.synchronizeGradients(tensors, loss: 0, tokenCount: 1)
            return backend.calls["allReduce.float"] ?? 0
        }
        #expect(calls == [3, 3])   // [2, 2], [6], [1, 1, 1]
    }

    @Test func broadcastGivesEveryRankRankZerosParametersAndMoments() throws {
        let values = try runRanks(3) { backend -> [[Float]] in
            let p = Tensor(shape: [3], scalars: [Float](repeating: Float(backend.rank), count: 3), requiresGradient: true)
            let adam = Adam(parameters: [p])
            if backend.rank == 0 {   // rank 0 has taken a step: its moments and count travel too
                p.gradientScalars = [1, 2, 3]
                adam.step()
            }
            DataParallel(backend: backend).broadcastParameters(of: adam)
            return [p.scalars, adam.firstMoments[0], adam.secondMoments[0], [Float(adam.stepCount)]]
        }
        #expect(values[1] == values[0] && values[2] == values[0])
        #expect(values[0][3] == [1])
    }

    @Test func stopsAndDecisionsAreAgreed() throws {
        let agreed = try runRanks(3) { backend -> [Bool] in
            let parallel = DataParallel(backend: backend)
            return [parallel.anyRank(backend.rank == 2), parallel.anyRank(false),
                    parallel.rootValue(Float(backend.rank) + 0.5) == 0.5]
        }
        #expect(agreed.allSatisfy { $0 == [true, false, true] })
    }

    @Test func parameterAgreementSeesOneDifferentBit() throws {
        let verdicts = try runRanks(2) { backend -> [Bool] in
            let parallel = DataParallel(backend: backend)
            let p = Tensor(shape: [2], scalars: [1, 2])
            let same = parallel.parametersAgree([p])
            if backend.rank == 1 { p.withMutableScalars { $0[1] = Float(bitPattern: $0[1].bitPattern ^ 1) } }
            return [same, parallel.parametersAgree([p])]
        }
        #expect(verdicts == [[true, false], [true, false]])
    }

    @Test func ranksDrawDifferentDropoutStreamsThatRepeat() {
        let states = (0..<3).map { rank in (1...4).map { DataParallel.dropoutState(seed: 9, step: $0, rank: rank) } }
        #expect(Set(states.joined()).count == 12)
        #expect(states[1] == (1...4).map { DataParallel.dropoutState(seed: 9, step: $0, rank: 1) })
        #expect(DataParallel.dropoutState(seed: 10, step: 1, rank: 0) != states[0][0])
    }
}
