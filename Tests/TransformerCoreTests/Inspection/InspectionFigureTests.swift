import Testing
@testable import TransformerCore

/// The figures built from reports, metrics and the positional table, before any rendering.
@Suite struct InspectionFigureTests {
    @Test func attentionFiguresHaveOnePanelPerHeadAndOneScale() throws {
        let report = try AttentionReportTests.translator(endBias: 4).attentionReport(for: "a b", maximumLength: 5)
        let figure = report.figure(kind: .decoderCross, layer: 1)
        #expect(figure.panels.map(\.title) == ["head 1", "head 2"])
        #expect(figure.title == "Decoder cross-attention, layer 2: a b -> \(report.output)")
        #expect(figure.scale.range == 0...1 && figure.rowAxisTitle == "query: output token")
        #expect(figure.panels[1].values == report.map(kind: .decoderCross, layer: 1, head: 1).values)
        #expect(figure.panels[0].columnLabels == ["a", "␣", "b", "<eos>"], "a space is drawn as ␣")
        let one = report.figure(kind: .encoderSelf, layer: 0, heads: [1])
        #expect(one.panels.count == 1 && one.title.hasPrefix("Encoder self-attention, layer 1, head 2: "))
        let page = report.viewerPage(kinds: [.decoderSelf], layers: [1], includingRollout: true)
        #expect(page.entries.map { "\($0.kind) \($0.layer) \($0.head.map(String.init) ?? "-")" }
                == ["Decoder self-attention (masked) 2 1", "Decoder self-attention (masked) 2 2", "Encoder attention rollout 2 -"])
    }

    @Test func captionsAreCutAndSayWhenDecodingDidNotFinish() throws {
        let report = try AttentionReportTests.translator(endBias: -50).attentionReport(for: "abcdefgh", maximumLength: 3)
        #expect(!report.isComplete)
        #expect(report.caption(limit: 6) == "abc... -> \(report.output.count > 6 ? String(report.output.prefix(3)) + "..." : report.output) (no <eos>)")
    }

    @Test func lossFigureHasLossAndLearningRatePanels() throws {
        let log = try MetricsCSVReader.parse("""
            step,wall_time,tag,value
            1,0,train/loss,3
            1,0,train/lr,0.001
            2,0,train/loss,2
            2,0,val/loss,-1
            """, file: "m.csv")
        let figure = try #require(log.lossFigure(title: "run"))
        #expect(figure.panels.map(\.title) == ["loss", "learning rate"])
        #expect(figure.panels[0].series.map(\.name) == ["training (label-smoothed)", "validation"])
        #expect(!figure.panels[0].logarithmicY, "a loss <= 0 cannot go on a log axis")
        let noLoss = try MetricsCSVReader.parse("step,wall_time,tag,value\n1,0,val/cer,0.5\n", file: "m.csv")
        #expect(noLoss.lossFigure(title: "run") == nil)
    }

    @Test func positionalFigureIsTheTable() {
        let figure = PositionalEncoding.sinusoidFigure(length: 3, dimension: 4)
        #expect(figure.panels.count == 1 && figure.panels[0].rowLabels == ["0", "1", "2"])
        #expect(figure.panels[0].values == PositionalEncoding.sinusoids(length: 3, dimension: 4).scalars)
        #expect(figure.scale.range == -1...1)
    }
}
