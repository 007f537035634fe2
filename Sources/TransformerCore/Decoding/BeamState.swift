/// The search state of one source.
struct BeamState {
    let penalty: LengthPenalty
    /// Alive hypotheses, best first; all have the same length.
    var alive: [Hypothesis] = [.empty]
    /// For each alive hypothesis, its parent's row in the decoder step that produced it.
    var parents: [Int] = []
    /// Finished hypotheses with their scores, in the order found.
    var finished: [(hypothesis: Hypothesis, score: Float)] = []
    var isDone = false

    init(penalty: LengthPenalty) {
        self.penalty = penalty
    }

    /// Finished hypotheses, best score first (stable: ties keep the order found).
    var rankedFinished: [Hypothesis] {
        finished.enumerated().sorted { ($0.element.score, -$0.offset) > ($1.element.score, -$1.offset) }
            .map(\.element.hypothesis)
    }

    /// One step (see ``BeamSearch``): `rows` are this source's rows of `logProbabilities` `[R, V]`, in the
    /// order of ``alive``; step `step` is the 0-based index of the token being chosen.
    mutating func advance(logProbabilities: [Float], rows: Range<Int>, vocabulary: Int, settings: DecodingSettings,
                          beamWidth: Int, step: Int, finishedSlots: BeamSearch.FinishedSlots = .narrow) {
        // The global top N is inside the union of each beam's top N, so select per beam first: O(N V), not a
        // sort of N V. Refilling needs N candidates that do not end, so one more per beam (its <eos>).
        let perBeam = finishedSlots == .refill ? beamWidth + 1 : beamWidth
        var candidates: [(logProbability: Float, beam: Int, token: Int)] = []
        for (beam, row) in rows.enumerated() {
            let best = topTokens(logProbabilities, offset: row * vocabulary, count: vocabulary,
                                 allowed: settings.emittable, k: perBeam)
            candidates += best.map { (alive[beam].logProbability + logProbabilities[row * vocabulary + $0], beam, $0) }
        }
        candidates.sort { ($0.logProbability, -$0.beam, -$0.token) > ($1.logProbability, -$1.beam, -$1.token) }
        var nextAlive: [Hypothesis] = []
        parents = []
        for (rank, candidate) in candidates.enumerated() {
            // Narrow: the best N candidates, finished or not. Refill: until N are alive; an <eos> candidate
            // ranked below the first N is dropped, as transformers' beam search does.
            if finishedSlots == .narrow ? rank == beamWidth : nextAlive.count == beamWidth { break }
            let row = rows.lowerBound + candidate.beam
            let isEnd = candidate.token == settings.endToken
            if isEnd && rank >= beamWidth { continue }
            let extended = alive[candidate.beam].extended(by: candidate.token,
                                                          logProbability: logProbabilities[row * vocabulary + candidate.token],
                                                          isEnd: isEnd)
            if isEnd {
                finished.append((extended, penalty.score(extended)))
            } else {
                nextAlive.append(extended)
                parents.append(row)
            }
        }
        alive = nextAlive
        let stepsDone = step + 1
        if stepsDone == settings.maximumLength {          // out of room: alive ones end incomplete
            finished += alive.map { ($0, penalty.score($0)) }
            alive = []
        }
        if let bestAlive = alive.first, let bestFinished = finished.map(\.score).max() {
            let bound = penalty.bestPossibleScore(logProbability: bestAlive.logProbability,
                                                  lengths: (stepsDone + 1)...settings.maximumLength)
            if bestFinished >= bound { alive = [] }
        }
        if alive.isEmpty {
            isDone = true
            parents = []
        }
    }
}
