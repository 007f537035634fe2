@testable import transformer_cli
import Testing

/// The help text, exactly: what users read is under test (change these when you change the help).
@Suite("transformer-cli help")
struct CLIHelpTests {
    static let toolHelp = """
        OVERVIEW: A Transformer (Vaswani et al. 2017) built from scratch in Swift.

        USAGE: transformer-cli <subcommand>

        OPTIONS:
          -h, --help              Show help information.

        SUBCOMMANDS:
          model                   Build a random-weight model and run one forward pass.
          train                   Train a translator, a classifier or a language model.
          translate               Translate texts with a checkpoint or an opus-mt model.
          classify                Label texts with a trained classifier.
          classify-image          Classify images with a trained Vision Transformer.
          generate                Continue a prompt with a trained language model.
          tokenize                Show the token ids or pieces of texts.
          evaluate                Score a checkpoint on held-out data.
          score                   Score output lines against references (BLEU, chrF).
          heads                   Measure how much each attention head matters.
          prune                   Remove attention heads: a smaller, faster checkpoint.
          bench                   Time training and decoding (compare with PyTorch).
          plot-attention          Draw the attention weights a model used on a text.
          plot-loss               Draw a run's loss and learning rate against step.
          plot-lines              Draw a line chart of a series,x,y CSV file.
          plot-positional-encoding
                                  Draw the sinusoidal positional-encoding table.

          See 'transformer-cli help <subcommand>' for detailed help.
        """

    static let modelOptions = """
        OPTIONS:
          --d-model <d-model>     Model dimension d_model, the width of every layer.
                                  (default: 512)
          --heads <heads>         Attention heads h; must divide --d-model. (default: 8)
          --layers <layers>       Layers N in the encoder and the decoder. (default: 6)
          --d-ff <d-ff>           Feed-forward inner dimension d_ff. (default: 2048)
          --dropout <dropout>     Dropout probability P_drop. (default: 0.1)
          --src-vocab <src-vocab> Source vocabulary size, specials included.
                                  (default: 10)
          --tgt-vocab <tgt-vocab> Target vocabulary size, specials included.
                                  (default: 10)
          --max-len <max-len>     Longest sequence the model accepts. (default: 512)
          --norm <norm>           LayerNorm before each sublayer, or after the residual
                                  sum as in the paper. (values: pre, post; default: pre)
          --activation <activation>
                                  Feed-forward non-linearity. (values: relu, gelu, silu;
                                  default: relu)
          --positional <positional>
                                  Positions: fixed sinusoids added to the embeddings
                                  (the paper's), a learned table, the sinusoids in
                                  Marian's layout, rope (rotary query/key rotations, Su
                                  et al. 2021) or alibi (linear attention biases, Press
                                  et al. 2022) in every self-attention. (values:
                                  sinusoidal, learned, sinusoidal-halves, rope, alibi;
                                  default: sinusoidal)
          --tie-embeddings        Share one matrix between the target embedding and the
                                  output projection (paper section 3.4).
          --attention <attention> How every attention scores a query against a key:
                                  scaled dot-product (the paper's) or additive, v^T
                                  tanh(W_q q + W_k k) (Bahdanau et al. 2015). (values:
                                  dot-product, additive; default: dot-product)
          --self-attention <self-attention>
                                  The self-attentions' scoring; default: --attention.
                                  (values: dot-product, additive)
          --cross-attention <cross-attention>
                                  The decoder's cross-attention scoring; default:
                                  --attention. (values: dot-product, additive)
          --batch <batch>         Sequences in the random batch. (default: 2)
          --seq-len <seq-len>     Source and target length; at most --max-len.
                                  (default: 5)
          --seed <seed>           Seed for the weights and the token ids. (default: 0)
          -h, --help              Show help information.
        """

    static let translateUsage = """
        USAGE: transformer-cli translate [<options>] [<text> ...]

        ARGUMENTS:
          <text>                  A text to translate; none: read standard input, one
                                  text a line.

        OPTIONS:
          --checkpoint <checkpoint>
        """

    @Test func translateHelpShowsItsPositionalArguments() {
        let help = HelpFormatter.commandHelp(TranslateCommand.self)
        #expect(help.contains("\n\n" + Self.translateUsage + "\n"), "\(help)")
        #expect(!HelpFormatter.commandHelp(TrainCommand.self).contains("ARGUMENTS:"))
    }

    @Test func trainHelpListsModelFlagsButNotVocabularySizes() {
        let names = TrainCommand.options.map(\.name)
        for name in ["d-model", "heads", "layers", "d-ff", "dropout", "norm", "activation", "positional", "tie-embeddings",
                     "attention", "self-attention", "cross-attention", "architecture", "bidirectional"] {
            #expect(names.contains(name), "--\(name) missing")
        }
        #expect(!names.contains("src-vocab") && !names.contains("tgt-vocab"))
        #expect(Set(names).count == names.count, "an option is declared twice")
    }

    @Test func toolHelpIsExact() {
        #expect(HelpFormatter.toolHelp() == Self.toolHelp)
    }

    @Test func modelHelpOptionsAreExact() {
        let help = HelpFormatter.commandHelp(ModelCommand.self)
        #expect(help.hasPrefix("OVERVIEW: Build a random-weight model and run one forward pass.\n\n"))
        #expect(help.contains("\n\nUSAGE: transformer-cli model [<options>]\n\n"))
        #expect(help.hasSuffix("\n\n" + Self.modelOptions))
    }

    @Test(arguments: TransformerCLI.commands.map { ObjectIdentifier($0) })
    func everyCommandHelpFitsEightyColumnsAndListsEveryOption(_ id: ObjectIdentifier) throws {
        let command = try #require(TransformerCLI.commands.first { ObjectIdentifier($0) == id })
        let help = HelpFormatter.commandHelp(command)
        for line in help.split(separator: "\n") {
            #expect(line.count <= HelpFormatter.screenWidth, "too wide: \(line)")
            #expect(!line.hasSuffix(" "), "trailing space: \(line)")
        }
        for option in command.options {
            #expect(help.contains("  " + option.label), "\(option.flag) missing from help")
            if let value = option.defaultValue {
                #expect(help.contains("default: " + value), "\(option.flag) default missing from help")
            }
        }
        #expect(command.abstract.count <= HelpFormatter.screenWidth - HelpFormatter.labelColumnWidth)
    }

    @Test func longLabelsGoOnTheirOwnLine() {
        #expect(HelpFormatter.row("--activation <activation>", "Text.")
                == "  --activation <activation>\n" + String(repeating: " ", count: 26) + "Text.")
        #expect(HelpFormatter.row("--src-vocab <src-vocab>", "Text.") == "  --src-vocab <src-vocab> Text.")
    }

    @Test func defaultStaysWithItsValueWhenWrapping() {
        // 43 letters + " (default:" fit the 54-column text width; " 5)" would not.
        let option = OptionSpec.integer("n", in: 1...9, default: 5, help: String(repeating: "x", count: 43))
        let row = HelpFormatter.row(option.label, HelpFormatter.optionText(option))
        #expect(row.hasSuffix("\n" + String(repeating: " ", count: 26) + "(default: 5)"), "\(row)")
    }
}
