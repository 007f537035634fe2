#!/usr/bin/env python3
"""Reference decoder-only LM and encoder-classifier benchmarks in plain PyTorch (CPU).

The PyTorch side of `transformer-cli bench --arch lm` and `--arch classify` (Scripts/bench-vs-pytorch.sh
with ARCHS="lm classify"), as ../shared/bench/torch_ref.py is the side of the encoder-decoder bench:
the same configs, conventions, timing and JSON field names, and the same command line (--config,
--threads, --steps, --warmup, ...) plus --arch lm|classify.

Written with plain torch ops (nn.Linear, nn.LayerNorm, nn.Embedding, F.softmax, matmul) -- NOT
nn.Transformer / F.scaled_dot_product_attention -- so that the arithmetic mirrors TransformerCore's,
in torch_ref.py's style (its attention, feed-forward and pre-norm block, copied here so that the
script stands alone).

Architecture spec (shared with TransformerCore's LanguageModel and EncoderClassifier as `bench` builds
them):
  * token embedding * sqrt(d_model) + sinusoidal PE (sin on even, cos on odd feature indices), dropout
  * pre-LN blocks: x = x + dropout(MHA(LN(x))), x = x + dropout(FFN(LN(x))), eps 1e-5; MHA with q/k/v/o
    Linear(d, d, bias), scores / sqrt(d_k), masks filled with -inf, dropout on the weights; FFN
    Linear(d, d_ff) -> ReLU -> dropout -> Linear(d_ff, d); a final LayerNorm after the blocks
  * lm: vocabulary = the config's tgt_vocab, context = tgt_len (PE table of tgt_len positions), causal
    mask (and padding keys, never present), projection Linear(d, V) with bias, untied
  * classify: vocabulary = src_vocab, a learned [CLS] vector [1, 1, d] (init N(0, 0.02)) put before the
    src_len embedded tokens (scaled by sqrt(d) with them; PE table of src_len + 1 positions), no mask
    (no padding), the final-norm output at the [CLS] position -> head Linear(d, 2)
  * init: xavier_uniform_ on every matrix (Linear weights and embeddings), PyTorch defaults for biases
    and LayerNorm (1, 0)
  * dropout 0.1; loss cross-entropy with label smoothing 0.1 (mean over targets); Adam(betas (0.9, 0.98),
    eps 1e-9), constant lr 1e-3; grad-norm clipping at 1.0

Parameter counts equal TransformerCore's (`bench --arch ... --json` "params") for every config: with
block = 4 (d^2 + d) + 2 d d_ff + d_ff + d + 4 d,
  lm:       V d + N block + 2 d + V d + V      tiny 27,552  small 104,224  medium 3,672,552  base 27,115,328
  classify: V d + d + N block + 2 d + 2 d + 2  tiny 26,594  small 102,338  medium 3,416,322  base 23,012,866
(checked: `python3 Scripts/bench_families_torch.py --count-params` prints these from the built models).

Data (PAD 0, BOS 1, EOS 2, data tokens in [3, vocab)), 4 seeded batches used in turn:
  * lm: random windows [B, tgt_len + 1]; inputs w[:, :-1], targets w[:, 1:]; B * tgt_len target tokens
  * classify: random texts [B, src_len], labels uniform in {0, 1}; tokens_per_step counts the B * src_len
    input tokens
Inference (eval mode, no grad), one untimed run and --infer-reps timed:
  * lm: greedy generation of tgt_len tokens after each row's first token of batch 0, without a cache
    (the whole model re-run over the prefix, the projection on the last position) and with a KV cache
    (preallocated [B, h, tgt_len, d_k] buffers); ids below 3 are never chosen; both must agree
  * classify: one forward pass of batch 0 (infer_tokens_per_s = B * src_len / its median time)

Output: one JSON line on stdout (everything else goes to stderr).
"""
import argparse
import json
import math
import os
import platform
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, BOS, EOS = 0, 1, 2
FIRST_DATA_TOKEN = 3
CLASSES = 2

CONFIGS = {  # torch_ref.py's
    #         src_vocab tgt_vocab d_model heads layers d_ff  batch src_len tgt_len
    "tiny":   dict(src_vocab=32,   tgt_vocab=32,   d_model=32,  heads=4, layers=2, d_ff=128,  batch=64, src_len=16, tgt_len=16),
    "small":  dict(src_vocab=32,   tgt_vocab=32,   d_model=64,  heads=4, layers=2, d_ff=256,  batch=64, src_len=16, tgt_len=16),
    "medium": dict(src_vocab=1000, tgt_vocab=1000, d_model=256, heads=8, layers=4, d_ff=1024, batch=32, src_len=64, tgt_len=64),
    "base":   dict(src_vocab=8000, tgt_vocab=8000, d_model=512, heads=8, layers=6, d_ff=2048, batch=8,  src_len=64, tgt_len=64),
}


# --------------------------------------------------------------------------- model

def sinusoidal_pe(max_len: int, d_model: int) -> torch.Tensor:
    """PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(same)."""
    pe = torch.zeros(max_len, d_model)
    pos = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)
    div = torch.pow(10000.0, two_i / d_model)
    pe[:, 0::2] = torch.sin(pos / div).float()
    pe[:, 1::2] = torch.cos(pos / div).float()
    return pe


class MultiHeadAttention(nn.Module):
    def __init__(self, d_model: int, heads: int, dropout: float):
        super().__init__()
        assert d_model % heads == 0
        self.h = heads
        self.d_k = d_model // heads
        self.q_proj = nn.Linear(d_model, d_model, bias=True)
        self.k_proj = nn.Linear(d_model, d_model, bias=True)
        self.v_proj = nn.Linear(d_model, d_model, bias=True)
        self.o_proj = nn.Linear(d_model, d_model, bias=True)
        self.dropout = nn.Dropout(dropout)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        return x.view(b, t, self.h, self.d_k).transpose(1, 2)  # [B, h, T, d_k]

    def project_kv(self, kv_in: torch.Tensor):
        return self._split(self.k_proj(kv_in)), self._split(self.v_proj(kv_in))

    def attend(self, q_in: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask):
        """q_in [B, Tq, d]; k, v [B, h, Tk, d_k]; mask bool broadcastable to
        [B, h, Tq, Tk], True = may attend (None = no mask)."""
        b, tq, d = q_in.shape
        q = self._split(self.q_proj(q_in))
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.d_k)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        p = F.softmax(scores, dim=-1)
        p = self.dropout(p)
        out = torch.matmul(p, v)                       # [B, h, Tq, d_k]
        out = out.transpose(1, 2).reshape(b, tq, d)    # [B, Tq, d]
        return self.o_proj(out)

    def forward(self, q_in, kv_in, mask):
        k, v = self.project_kv(kv_in)
        return self.attend(q_in, k, v, mask)


class FeedForward(nn.Module):
    def __init__(self, d_model: int, d_ff: int, dropout: float):
        super().__init__()
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.linear2(self.dropout(F.relu(self.linear1(x))))


class Block(nn.Module):
    """torch_ref.py's EncoderLayer: pre-norm self-attention and feed-forward. With a causal mask it is
    the decoder-only LM's block (GPT), with a step() for KV-cached decoding."""

    def __init__(self, d_model, heads, d_ff, dropout):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, heads, dropout)
        self.ff = FeedForward(d_model, d_ff, dropout)
        self.norm1 = nn.LayerNorm(d_model, eps=1e-5)
        self.norm2 = nn.LayerNorm(d_model, eps=1e-5)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, mask):
        h = self.norm1(x)
        x = x + self.dropout(self.self_attn(h, h, mask))
        x = x + self.dropout(self.ff(self.norm2(x)))
        return x

    def step(self, x, pos, self_k, self_v):
        """One incremental step: x [B, 1, d] is position `pos`; self_k/self_v are preallocated
        [B, h, max_len, d_k] buffers filled in place. The newest position may attend to every cached
        one, so the causal mask is implicit."""
        h = self.norm1(x)
        k_new, v_new = self.self_attn.project_kv(h)
        self_k[:, :, pos:pos + 1] = k_new
        self_v[:, :, pos:pos + 1] = v_new
        x = x + self.dropout(self.self_attn.attend(h, self_k[:, :, :pos + 1], self_v[:, :, :pos + 1], None))
        x = x + self.dropout(self.ff(self.norm2(x)))
        return x


class Stack(nn.Module):
    """N blocks, embedding * sqrt(d) + PE + dropout before them, a final LayerNorm after."""

    def __init__(self, vocab, d_model, heads, layers, d_ff, dropout, max_len):
        super().__init__()
        self.d_model = d_model
        self.embed = nn.Embedding(vocab, d_model)
        self.layers = nn.ModuleList([Block(d_model, heads, d_ff, dropout) for _ in range(layers)])
        self.norm = nn.LayerNorm(d_model, eps=1e-5)
        self.dropout = nn.Dropout(dropout)
        # not a parameter and not in state_dict (persistent=False)
        self.register_buffer("pe", sinusoidal_pe(max_len, d_model), persistent=False)

    def positions(self, x, offset=0):
        return self.dropout(x * math.sqrt(self.d_model) + self.pe[offset:offset + x.shape[1]])

    def run(self, x, mask):
        for layer in self.layers:
            x = layer(x, mask)
        return self.norm(x)


def xavier_init(model):
    # xavier_uniform_ on every matrix (Linear weights and embeddings), PyTorch defaults for biases
    # (uniform +-1/sqrt(fan_in)) and LayerNorm (1, 0), as torch_ref.py.
    for p in model.parameters():
        if p.dim() == 2:
            nn.init.xavier_uniform_(p)


class LanguageModel(nn.Module):
    def __init__(self, vocab, d_model, heads, layers, d_ff, dropout, context):
        super().__init__()
        self.vocab = vocab
        self.stack = Stack(vocab, d_model, heads, layers, d_ff, dropout, context)
        self.generator = nn.Linear(d_model, vocab)
        xavier_init(self)

    @staticmethod
    def make_mask(ids):                          # [B, 1, T, T]
        t = ids.shape[1]
        causal = torch.ones(t, t, dtype=torch.bool, device=ids.device).tril_()
        return (ids != PAD)[:, None, None, :] & causal[None, None, :, :]

    def hidden(self, ids):
        return self.stack.run(self.stack.positions(self.stack.embed(ids)), self.make_mask(ids))

    def forward(self, ids):
        return self.generator(self.hidden(ids))   # logits [B, T, V]

    def choose(self, logits):
        """The most probable data token (ids >= 3; argmax ties to the lowest id) of each row: [B, 1]."""
        return logits[:, FIRST_DATA_TOKEN:].argmax(dim=-1, keepdim=True) + FIRST_DATA_TOKEN

    @torch.no_grad()
    def greedy_nocache(self, prompt, steps):
        """Greedy generation of `steps` tokens after prompt [B, 1]; at every step the whole model is
        re-run over the prefix, the generator applied to the last position only."""
        ys = prompt
        for _ in range(steps):
            nxt = self.choose(self.generator(self.hidden(ys)[:, -1]))
            ys = torch.cat([ys, nxt], dim=1)
        return ys[:, 1:]

    @torch.no_grad()
    def greedy_kvcache(self, prompt, steps):
        """The same with a KV cache: each step embeds one token at its position and runs the blocks'
        step() over preallocated key/value buffers. Same output as greedy_nocache."""
        b = prompt.shape[0]
        layers = self.stack.layers
        h, d_k = layers[0].self_attn.h, layers[0].self_attn.d_k
        self_k = [self.generator.weight.new_empty(b, h, steps, d_k) for _ in layers]
        self_v = [self.generator.weight.new_empty(b, h, steps, d_k) for _ in layers]
        tok = prompt
        outs = []
        for pos in range(steps):
            x = self.stack.positions(self.stack.embed(tok), offset=pos)
            for i, layer in enumerate(layers):
                x = layer.step(x, pos, self_k[i], self_v[i])
            tok = self.choose(self.generator(self.stack.norm(x)[:, -1]))
            outs.append(tok)
        return torch.cat(outs, dim=1)


class EncoderClassifier(nn.Module):
    def __init__(self, vocab, d_model, heads, layers, d_ff, dropout, max_tokens, classes=CLASSES):
        super().__init__()
        self.stack = Stack(vocab, d_model, heads, layers, d_ff, dropout, max_tokens + 1)
        self.cls = nn.Parameter(torch.empty(1, 1, d_model))
        self.head = nn.Linear(d_model, classes)
        xavier_init(self)
        nn.init.normal_(self.cls, std=0.02)      # 3-D: left alone by xavier_init

    def forward(self, ids):
        x = self.stack.embed(ids)                                       # [B, S, d]
        x = torch.cat([self.cls.expand(ids.shape[0], -1, -1), x], dim=1)  # [B, 1 + S, d]
        encoded = self.stack.run(self.stack.positions(x), None)         # no padding: no mask
        return self.head(encoded[:, 0])                                 # logits [B, 2]


def build(arch, cfg, dropout):
    if arch == "lm":
        return LanguageModel(cfg["tgt_vocab"], cfg["d_model"], cfg["heads"], cfg["layers"], cfg["d_ff"],
                             dropout, context=cfg["tgt_len"])
    return EncoderClassifier(cfg["src_vocab"], cfg["d_model"], cfg["heads"], cfg["layers"], cfg["d_ff"],
                             dropout, max_tokens=cfg["src_len"])


def closed_form_params(arch, cfg):
    """TransformerCore's LanguageModelConfiguration / ClassifierConfiguration.parameterCount."""
    d, f, n = cfg["d_model"], cfg["d_ff"], cfg["layers"]
    block = 4 * (d * d + d) + 2 * d * f + f + d + 4 * d
    if arch == "lm":
        v = cfg["tgt_vocab"]
        return v * d + n * block + 2 * d + v * d + v
    return cfg["src_vocab"] * d + d + n * block + 2 * d + CLASSES * d + CLASSES


# --------------------------------------------------------------------------- data

def make_batches(arch, cfg, n_batches, seed):
    """Fixed-seed synthetic batches: (inputs, targets)."""
    g = torch.Generator().manual_seed(seed)
    b = cfg["batch"]
    batches = []
    for _ in range(n_batches):
        if arch == "lm":
            w = torch.randint(FIRST_DATA_TOKEN, cfg["tgt_vocab"], (b, cfg["tgt_len"] + 1), generator=g)
            batches.append((w[:, :-1].contiguous(), w[:, 1:].contiguous()))
        else:
            ids = torch.randint(FIRST_DATA_TOKEN, cfg["src_vocab"], (b, cfg["src_len"]), generator=g)
            batches.append((ids, torch.randint(0, CLASSES, (b,), generator=g)))
    return batches


def loss_fn(logits, targets, label_smoothing):
    # No ignore_index: no batch has padding, and class 0 is a label.
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                           label_smoothing=label_smoothing)


# --------------------------------------------------------------------------- bench

class LoadMeter:
    """torch_ref.py's: CPU used by *other* processes while a region runs, in cores."""

    def __init__(self):
        self.hz = os.sysconf("SC_CLK_TCK")

    def _busy(self):
        try:
            with open("/proc/stat") as f:
                v = [int(x) for x in f.readline().split()[1:]]
            return (sum(v[:8]) - v[3] - v[4]) / self.hz  # minus idle, iowait
        except OSError:
            return float("nan")

    def start(self):
        t = os.times()
        self.t0, self.own0, self.busy0 = time.perf_counter(), t.user + t.system, self._busy()
        return self

    def stop(self):
        t = os.times()
        wall = time.perf_counter() - self.t0
        own = t.user + t.system - self.own0
        return round(max(0.0, (self._busy() - self.busy0 - own) / wall), 3)


def rss_peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def pct(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def count_params():
    """Built models' parameter counts against the closed form (TransformerCore's), every config."""
    ok = True
    for arch in ("lm", "classify"):
        for name, cfg in CONFIGS.items():
            built = sum(p.numel() for p in build(arch, cfg, 0.1).parameters())
            expected = closed_form_params(arch, cfg)
            ok &= built == expected
            print(f"{arch:8} {name:6} {built:>11,} {'==' if built == expected else '!='} {expected:,}")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", default="lm", choices=["lm", "classify"])
    ap.add_argument("--config", default="tiny", choices=sorted(CONFIGS))
    ap.add_argument("--steps", type=int, default=20, help="timed training steps")
    ap.add_argument("--warmup", type=int, default=3, help="untimed warmup training steps")
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's default)")
    ap.add_argument("--infer-reps", type=int, default=3,
                    help="timed greedy generations per method (classify: forward passes), after 1 warmup")
    ap.add_argument("--no-infer", action="store_true", help="skip the inference benchmark")
    ap.add_argument("--lr", type=float, default=1e-3, help="constant Adam learning rate")
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batches", type=int, default=4, help="distinct synthetic batches cycled through")
    ap.add_argument("--count-params", action="store_true",
                    help="print every config's parameter counts against the closed form and exit")
    args = ap.parse_args()
    if args.count_params:
        return count_params()

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    rss_after_import = rss_peak_mb()

    cfg = CONFIGS[args.config]
    torch.manual_seed(args.seed)
    model = build(args.arch, cfg, args.dropout)
    n_params = sum(p.numel() for p in model.parameters())
    assert n_params == closed_form_params(args.arch, cfg), "parameter count differs from TransformerCore's"
    batches = make_batches(args.arch, cfg, args.batches, args.seed + 1)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.98), eps=1e-9)
    prefix = f"[{args.config} {args.arch} t={torch.get_num_threads()}]"

    def train_step(batch):
        inputs, targets = batch
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        logits = model(inputs)
        loss = loss_fn(logits, targets, args.label_smoothing)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        t3 = time.perf_counter()
        return loss.item(), (t1 - t0, t2 - t1, t3 - t2, t3 - t0)

    # ---- training
    model.train()
    losses = []
    for i in range(args.warmup):
        loss, _ = train_step(batches[i % len(batches)])
        losses.append(loss)
    times, fwd, bwd, optt = [], [], [], []
    meter = LoadMeter().start()
    for i in range(args.steps):
        loss, (tf, tb, to, tt) = train_step(batches[(args.warmup + i) % len(batches)])
        losses.append(loss)
        fwd.append(tf); bwd.append(tb); optt.append(to); times.append(tt)
        log(f"{prefix} step {i + 1}/{args.steps} {tt * 1e3:.1f} ms loss {loss:.4f}")
    other_load_train = meter.stop()
    inputs0 = batches[0][0]
    # target tokens (lm) or input tokens (classify) of one step: no padding, every step the same
    tokens_per_step = inputs0.numel()
    step_med = statistics.median(times)

    res = {
        "config": args.config,
        "arch": args.arch,
        "threads": torch.get_num_threads(),
        "train_tokens_per_s": round(tokens_per_step / step_med, 1),
        "step_ms_median": round(step_med * 1e3, 3),
        "step_ms_p10": round(pct(times, 0.1) * 1e3, 3),
        "step_ms_p90": round(pct(times, 0.9) * 1e3, 3),
        "train_tokens_per_s_mean": round(tokens_per_step * len(times) / sum(times), 1),
        "fwd_ms_median": round(statistics.median(fwd) * 1e3, 3),
        "bwd_ms_median": round(statistics.median(bwd) * 1e3, 3),
        "clip_opt_ms_median": round(statistics.median(optt) * 1e3, 3),
        "tokens_per_step": tokens_per_step,
        "steps": args.steps,
        "warmup": args.warmup,
        "loss_first": round(losses[0], 4),
        "loss_last": round(losses[-1], 4),
        "other_load_cores_train": other_load_train,
    }

    # ---- inference (eval mode, no grad)
    if not args.no_infer:
        model.eval()
        meter = LoadMeter().start()
        if args.arch == "lm":
            prompt = inputs0[:, :1]
            n_gen = cfg["tgt_len"]
            gen_tokens = prompt.shape[0] * n_gen
            ref = model.greedy_nocache(prompt, n_gen)  # warmup
            t_nc = []
            for _ in range(args.infer_reps):
                t0 = time.perf_counter(); model.greedy_nocache(prompt, n_gen); t_nc.append(time.perf_counter() - t0)
            kv = model.greedy_kvcache(prompt, n_gen)   # warmup
            t_kv = []
            for _ in range(args.infer_reps):
                t0 = time.perf_counter(); model.greedy_kvcache(prompt, n_gen); t_kv.append(time.perf_counter() - t0)
            res.update({
                "infer_tokens_per_s": round(gen_tokens / statistics.median(t_nc), 1),
                "infer_kv_tokens_per_s": round(gen_tokens / statistics.median(t_kv), 1),
                "infer_ms_median": round(statistics.median(t_nc) * 1e3, 3),
                "infer_kv_ms_median": round(statistics.median(t_kv) * 1e3, 3),
                "infer_generated_tokens": gen_tokens,
                "infer_reps": args.infer_reps,
                "infer_kv_matches_nocache": bool(torch.equal(ref, kv)),
            })
        else:
            with torch.no_grad():
                model(inputs0)                         # warmup
                t_fw = []
                for _ in range(args.infer_reps):
                    t0 = time.perf_counter(); model(inputs0); t_fw.append(time.perf_counter() - t0)
            res.update({
                "infer_tokens_per_s": round(inputs0.numel() / statistics.median(t_fw), 1),
                "infer_ms_median": round(statistics.median(t_fw) * 1e3, 3),
                "infer_tokens": inputs0.numel(),
                "infer_reps": args.infer_reps,
            })
        res["other_load_cores_infer"] = meter.stop()

    res.update({
        "peak_rss_mb": round(rss_peak_mb(), 1),
        "rss_after_import_mb": round(rss_after_import, 1),
        "params": n_params,
        "torch": torch.__version__,
        "python": platform.python_version(),
    })
    print(json.dumps(res), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
