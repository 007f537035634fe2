"""The tokenizers the tokenizer.json checks train with Python's `tokenizers` (pip install tokenizers==0.21.1).

Each entry: name -> function(lines, vocab_size) returning a trained tokenizers.Tokenizer. Together they touch
every model (WordLevel, BPE, Unigram) and most normalizers, pre-tokenizers, decoders and added-token flags
HuggingFaceTokenizer reads.
"""
import json
import os

from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

TOKENIZERS_VERSION = "0.21.1"
OURS = ["<pad>", "<sos>", "<eos>", "<unk>"]


def with_byte_pieces(tok):
    """The tokenizer with the 256 pieces <0x00> ... <0xFF> appended to its model's vocabulary (for byte_fallback)."""
    data = json.loads(tok.to_str())
    model = data["model"]
    if model["type"] == "BPE":
        for b in range(256):
            model["vocab"].setdefault(f"<0x{b:02X}>", len(model["vocab"]))
        model["byte_fallback"] = True
    else:
        lowest = min(score for _, score in model["vocab"])
        model["vocab"] += [[f"<0x{b:02X}>", lowest - 1.0] for b in range(256)]
        model["byte_fallback"] = True
    return Tokenizer.from_str(json.dumps(data))


def wordlevel_homework(lines, vocab_size):
    """The seed homework: WordLevel + Whitespace, specials [UNK] [PAD] [SOS] [EOS], min_frequency 2."""
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(lines, trainers.WordLevelTrainer(special_tokens=["[UNK]", "[PAD]", "[SOS]", "[EOS]"], min_frequency=2))
    return tok


def bpe_whitespace(lines, vocab_size):
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(lines, trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=OURS, show_progress=False))
    return tok


def bpe_bytelevel(lines, vocab_size):
    """GPT-2 style: bytes as characters, no unknowns."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(lines, trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=OURS, show_progress=False,
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return tok


def bpe_bytelevel_prefix(lines, vocab_size):
    """Byte-level with add_prefix_space (RoBERTa style) and a TemplateProcessing post-processor."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(lines, trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=OURS, show_progress=False,
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.post_processor = processors.TemplateProcessing(single="<sos> $A <eos>", special_tokens=[("<sos>", 1), ("<eos>", 2)])
    return tok


def unigram_metaspace(lines, vocab_size):
    tok = Tokenizer(models.Unigram())
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    tok.train_from_iterator(lines, trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=OURS, unk_token="<unk>",
                                                           show_progress=False))
    return tok


def unigram_nfkc_first(lines, vocab_size):
    """Unigram with NFKC + Lowercase, Metaspace prepend_scheme first, byte fallback."""
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(prepend_scheme="first")
    tok.decoder = decoders.Sequence([decoders.ByteFallback(), decoders.Metaspace(prepend_scheme="first")])
    tok.train_from_iterator(lines, trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=OURS, unk_token="<unk>",
                                                           show_progress=False))
    return with_byte_pieces(tok)


def bpe_bert_suffix(lines, vocab_size):
    """BPE with BertNormalizer, BertPreTokenizer, continuing_subword_prefix ## and end_of_word_suffix </w>, fuse_unk."""
    tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix="##", end_of_word_suffix="</w>", fuse_unk=True))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.BPEDecoder(suffix="</w>")
    tok.train_from_iterator(lines, trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]"],
                                                       continuing_subword_prefix="##", end_of_word_suffix="</w>",
                                                       limit_alphabet=120, show_progress=False))
    tok.post_processor = processors.BertProcessing(("[SEP]", 3), ("[CLS]", 2))
    return tok


def bpe_mixed(lines, vocab_size):
    """BPE with byte fallback, NFD + StripAccents + Replace + Strip, a Sequence of pre-tokenizers (Split, Digits,
    Punctuation, WhitespaceSplit) and added tokens with lstrip / rstrip / single_word / normalized."""
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.StripAccents(), normalizers.Replace("ß", "ss"),
                                           normalizers.Strip()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split("-", "isolated"), pre_tokenizers.Digits(individual_digits=True),
                                                 pre_tokenizers.Punctuation("contiguous"), pre_tokenizers.WhitespaceSplit()])
    tok.decoder = decoders.Sequence([decoders.ByteFallback(), decoders.Fuse()])
    tok.train_from_iterator(lines, trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=OURS, show_progress=False))
    tok = with_byte_pieces(tok)
    tok.add_tokens([AddedToken("hello", single_word=True), AddedToken(" Haus", lstrip=True, normalized=True),
                    AddedToken("[MASK]", lstrip=True, rstrip=True, normalized=False), AddedToken("Katze", normalized=True)])
    tok.add_special_tokens([AddedToken("<|sep|>", special=True)])
    return tok


def wordlevel_lower_split(lines, vocab_size):
    """WordLevel with Lowercase + NFC, Split on a plain string (MergedWithPrevious), CharDelimiterSplit-free."""
    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Lowercase(), normalizers.Prepend("~")])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(" ", "merged_with_previous"), pre_tokenizers.Punctuation()])
    tok.train_from_iterator(lines, trainers.WordLevelTrainer(vocab_size=vocab_size, special_tokens=OURS))
    return tok


def read_varint(data, i):
    value, shift = 0, 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, i


def proto_field(data, number):
    """The bytes of the first length-delimited field `number` of a protobuf message (no protobuf package needed)."""
    i = 0
    while i < len(data):
        key, i = read_varint(data, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, i = read_varint(data, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            length, i = read_varint(data, i)
            if field == number:
                return data[i:i + length]
            i += length
        else:
            raise ValueError(f"unexpected protobuf wire type {wire}")
    return None


def charsmap(**rule):
    """A SentencePiece precompiled charsmap (pip install sentencepiece==0.2.1): a tiny model is trained in memory
    with `rule` (normalization_rule_name= or normalization_rule_tsv=) and ModelProto.normalizer_spec (field 3)
    .precompiled_charsmap (field 2) is read from it. SentencePiece's log is silenced."""
    import io
    import sentencepiece as spm
    f = io.BytesIO()
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
        try:
            spm.SentencePieceTrainer.train(sentence_iterator=iter(["abc def ghi jkl mno pqr stu vwx yz"] * 20), model_writer=f,
                                           vocab_size=30, hard_vocab_limit=False, **rule)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    return proto_field(proto_field(f.getvalue(), 3), 2)


# A few rules for a small fixture: ligatures, full-width letters and digits, a two-scalar key (e + U+0301), an
# expansion (TM) and a deletion (soft hyphen).
SMALL_RULES = ["FB01\t66 69", "FF21\t41", "FF22\t42", "FF23\t43", "FF11\t31", "FF12\t32", "FF13\t33", "3000\t20",
               "65 301\tE9", "2122\t54 4D", "AD\t", "FF48\t68", "FF45\t65", "FF4C\t6C", "FF4F\t6F"]


def small_charsmap():
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
        f.write("\n".join(SMALL_RULES) + "\n")
    try:
        return charsmap(normalization_rule_tsv=f.name)
    finally:
        os.remove(f.name)


def unigram_precompiled(lines, vocab_size):
    """Unigram with SentencePiece's nmt_nfkc Precompiled normalizer (as T5 / ALBERT / XLM-R tokenizer.json files);
    below 500 pieces (the fixture) the few SMALL_RULES instead, to keep the file small."""
    tok = Tokenizer(models.Unigram())
    rules = small_charsmap() if vocab_size < 500 else charsmap(normalization_rule_name="nmt_nfkc")
    tok.normalizer = normalizers.Sequence([normalizers.Precompiled(rules), normalizers.Replace("  ", " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    tok.train_from_iterator(lines, trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=OURS, unk_token="<unk>",
                                                           show_progress=False))
    return tok


CONFIGS = {
    "wordlevel-whitespace": (wordlevel_homework, 0),
    "bpe-whitespace": (bpe_whitespace, 2000),
    "bpe-bytelevel": (bpe_bytelevel, 2000),
    "bpe-bytelevel-prefix": (bpe_bytelevel_prefix, 1000),
    "unigram-metaspace": (unigram_metaspace, 1000),
    "unigram-nfkc-first": (unigram_nfkc_first, 600),
    "bpe-bert-suffix": (bpe_bert_suffix, 1000),
    "bpe-mixed": (bpe_mixed, 800),
    "wordlevel-lower-split": (wordlevel_lower_split, 3000),
    "unigram-precompiled": (unigram_precompiled, 1000),
}
