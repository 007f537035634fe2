#!/usr/bin/env python3
"""Reference character-level decoder-only language model in plain PyTorch (CPU).

The PyTorch side of Scripts/lm-vs-pytorch.sh: the same model, data windows, loss, optimizer and
learning-rate schedule as `transformer-cli train --task lm` with its defaults, so that the two can be
compared at equal steps (validation loss within noise; time per step as a ratio). Conventions (style,
dropout places, init, Adam, timing) follow ../shared/bench/torch_ref.py.

Written with plain torch ops (nn.Linear, nn.LayerNorm, nn.Embedding, F.softmax, matmul) -- NOT
nn.Transformer / F.scaled_dot_product_attention -- so that the arithmetic mirrors TransformerCore's.

Spec (shared with TransformerCore's LanguageModel, pre-norm defaults):
  * tokenizer: <pad> 0, <sos> 1, <eos> 2, <unk> 3, then the training text's distinct characters by
    descending count, ties by the character; validation characters not in it become <unk>
  * x = dropout(Embedding(ids) * sqrt(C) + PE[pos]), sinusoidal PE (sin even, cos odd features),
    table of --context positions
  * N blocks: h = x + dropout(MHA(LN(x)), causal), y = h + dropout(FFN(LN(h))); MHA with q/k/v/o
    Linear(C, C, bias), scores / sqrt(d_k), -inf above the diagonal, softmax, dropout on the weights;
    FFN Linear(C, F) -> ReLU -> dropout -> Linear(F, C); final LayerNorm (eps 1e-5 everywhere)
  * projection Linear(C, V) with bias, not tied to the embedding; dropout 0.1 everywhere
  * init: xavier_uniform_ on every matrix (Linear weights and the embedding), PyTorch's default
    biases U(+-1/sqrt(in)) and LayerNorm (1, 0)
  * loss: cross-entropy with label smoothing 0.1 (eps / V on every class) averaged over all targets
  * Adam(betas (0.9, 0.98), eps 1e-9), lr(step) = scale C^-0.5 min(step^-0.5, step warmup^-1.5) for
    steps from 1, gradient-norm clipping at 1.0
  * data: each epoch, windows of T + 1 tokens start at a random offset in [0, T), T apart, shuffled
    (seeded by --seed and the epoch; not the same random stream as ours), batches of B windows (the
    last one smaller); inputs w[0:T], targets w[1:T+1]
  * validation (eval mode, no smoothing): consecutive windows of the validation ids from 0, stride T,
    each predicting its next tokens (the last window shorter); mean loss over all predicted tokens;
    bits per character = total nats / ln 2 / validation characters, as ours

Timing: step_ms_median is the median over all steps after the first 3 of a full step (zero_grad,
forward, loss, backward, clip, Adam step) measured with time.perf_counter; batches are built before
the clock starts and validation is not timed.

Output: progress on stderr, one JSON line on stdout at the end.
"""
import argparse
import collections
import json
import math
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, SOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ["<pad>", "<sos>", "<eos>", "<unk>"]
TIMING_WARMUP = 3  # steps trained but left out of the timing statistics


# --------------------------------------------------------------------------- tokenizer

class CharTokenizer:
    """Specials, then the training text's characters by descending count, ties by the character.
    (Swift Characters are grapheme clusters; for an ASCII + em-dash text they are code points.)"""

    def __init__(self, text: str):
        counts = collections.Counter(text)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        self.itos = SPECIALS + [ch for ch, _ in ordered]
        self.stoi = {s: i for i, s in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def encode(self, text: str) -> torch.Tensor:
        return torch.tensor([self.stoi.get(ch, UNK) for ch in text], dtype=torch.long)


# --------------------------------------------------------------------------- model

def sinusoidal_pe(max_len: int, d_model: int) -> torch.Tensor:
    """PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(same)."""
    pe = torch.zeros(max_len, d_model)
    pos = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)
    div = torch.pow(10000.0, two_i / d_model)
    pe[:, 0::2] = torch.sin(pos / div).float()
    pe[:, 1::2] = torch.cos(pos / div[: d_model // 2]).float()
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

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """x [B, T, d]; mask bool broadcastable to [B, h, T, T], True = may attend."""
        b, t, d = x.shape
        q, k, v = self._split(self.q_proj(x)), self._split(self.k_proj(x)), self._split(self.v_proj(x))
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.d_k)
        scores = scores.masked_fill(~mask, float("-inf"))
        p = F.softmax(scores, dim=-1)
        p = self.dropout(p)
        out = torch.matmul(p, v)                       # [B, h, T, d_k]
        out = out.transpose(1, 2).reshape(b, t, d)     # [B, T, d]
        return self.o_proj(out)


class FeedForward(nn.Module):
    def __init__(self, d_model: int, d_ff: int, dropout: float):
        super().__init__()
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.linear2(self.dropout(F.relu(self.linear1(x))))


class DecoderOnlyLayer(nn.Module):
    """A GPT block: causal self-attention and FFN, each pre-norm with residual dropout."""

    def __init__(self, d_model, heads, d_ff, dropout):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, heads, dropout)
        self.ff = FeedForward(d_model, d_ff, dropout)
        self.norm1 = nn.LayerNorm(d_model, eps=1e-5)
        self.norm2 = nn.LayerNorm(d_model, eps=1e-5)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, mask):
        x = x + self.dropout(self.self_attn(self.norm1(x), mask))
        x = x + self.dropout(self.ff(self.norm2(x)))
        return x


class LanguageModel(nn.Module):
    def __init__(self, vocab, d_model, heads, layers, d_ff, dropout=0.1, max_len=128):
        super().__init__()
        self.d_model = d_model
        self.embed = nn.Embedding(vocab, d_model)
        self.layers = nn.ModuleList([DecoderOnlyLayer(d_model, heads, d_ff, dropout) for _ in range(layers)])
        self.norm = nn.LayerNorm(d_model, eps=1e-5)
        self.generator = nn.Linear(d_model, vocab)     # untied
        self.dropout = nn.Dropout(dropout)
        # not a parameter and not in state_dict (persistent=False)
        self.register_buffer("pe", sinusoidal_pe(max_len, d_model), persistent=False)
        self.register_buffer("causal", torch.ones(max_len, max_len, dtype=torch.bool).tril_(), persistent=False)
        # Init: xavier_uniform_ on every matrix (Linear weights and the embedding),
        # PyTorch defaults for biases (uniform +-1/sqrt(fan_in)) and LayerNorm (1, 0).
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)

    def forward(self, ids):                            # ids [B, T] -> logits [B, T, V]
        t = ids.shape[1]
        # the data has no <pad>, so the padding-key mask TransformerCore adds is all-true here
        mask = self.causal[:t, :t][None, None, :, :]   # [1, 1, T, T]
        x = self.dropout(self.embed(ids) * math.sqrt(self.d_model) + self.pe[:t])
        for layer in self.layers:
            x = layer(x, mask)
        return self.generator(self.norm(x))


# --------------------------------------------------------------------------- data

def epoch_batches(ids: torch.Tensor, context: int, batch: int, seed: int, epoch: int):
    """This epoch's (inputs [b, T], targets [b, T]) batches, in training order."""
    g = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    n = ids.numel()
    offset = int(torch.randint(0, context, (1,), generator=g))
    starts = torch.arange(offset, n - context, context)      # start + T + 1 <= n
    if starts.numel() == 0:
        starts = torch.zeros(1, dtype=torch.long)
    starts = starts[torch.randperm(starts.numel(), generator=g)]
    span = torch.arange(context + 1)
    out = []
    for first in range(0, starts.numel(), batch):
        windows = ids[starts[first:first + batch, None] + span]   # [b, T + 1]
        out.append((windows[:, :-1].contiguous(), windows[:, 1:].contiguous()))
    return out


@torch.no_grad()
def evaluate(model, ids: torch.Tensor, context: int, batch: int):
    """(mean loss per predicted token, tokens predicted): consecutive windows from 0, stride T."""
    was_training = model.training
    model.eval()
    n = ids.numel()
    starts = list(range(0, n - 1, context))
    loss_sum, tokens = 0.0, 0
    for first in range(0, len(starts), max(1, batch)):
        groups = collections.defaultdict(list)        # equal-length windows batch together
        for s in starts[first:first + batch]:
            groups[min(context, n - 1 - s)].append(s)
        for length, group in sorted(groups.items()):
            idx = torch.tensor(group)[:, None] + torch.arange(length + 1)
            windows = ids[idx]
            logits = model(windows[:, :-1])
            targets = windows[:, 1:]
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="sum")
            loss_sum += loss.item()
            tokens += targets.numel()
    model.train(was_training)
    return loss_sum / max(1, tokens), tokens


# --------------------------------------------------------------------------- training

def learning_rate(step: int, d_model: int, warmup: int, scale: float) -> float:
    s, w = max(step, 1), max(warmup, 1)
    return scale * d_model ** -0.5 * min(s ** -0.5, s * w ** -1.5)


class LoadMeter:
    """CPU used by *other* processes while a region runs, in cores (as ../shared/bench/torch_ref.py):
    ~0 on a quiet machine; above ~0.1 the timing was disturbed by concurrent work."""

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


def read_text(path):
    with open(path, encoding="utf-8", newline="") as f:   # keep "\r\n" as in the file
        return f.read()


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", default="Data/shakespeare-train.txt", help="training text (UTF-8)")
    ap.add_argument("--val", default="Data/shakespeare-val.txt", help="validation text (UTF-8)")
    ap.add_argument("--context", type=int, default=128, help="T, tokens a window and the model's context")
    ap.add_argument("--batch-size", type=int, default=64, help="B, windows a batch")
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--d-ff", type=int, default=512)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--steps", type=int, default=2000, help="optimizer steps")
    ap.add_argument("--warmup", type=int, default=200, help="warm-up steps of the learning-rate schedule")
    ap.add_argument("--lr-scale", type=float, default=1.0)
    ap.add_argument("--clip", type=float, default=1.0, help="gradient-norm clipping; 0: none")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's default)")
    ap.add_argument("--eval-every", type=int, default=500, help="validate every M steps (and at the end)")
    ap.add_argument("--log-every", type=int, default=50, help="steps between progress lines")
    args = ap.parse_args()

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    train_text, val_text = read_text(args.train), read_text(args.val)
    tok = CharTokenizer(train_text)
    train_ids, val_ids = tok.encode(train_text), tok.encode(val_text)
    T, B = args.context, args.batch_size
    if train_ids.numel() <= T:
        sys.exit(f"error: --context {T} needs more than {T} training tokens, found {train_ids.numel()}")
    log(f"data: {train_ids.numel():,} training and {val_ids.numel():,} validation tokens, "
        f"{len(tok)} tokens in the vocabulary ({int((val_ids == UNK).sum())} validation <unk>), context {T}")

    model = LanguageModel(len(tok), args.d_model, args.heads, args.layers, args.d_ff,
                          dropout=args.dropout, max_len=T)
    n_params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=learning_rate(1, args.d_model, args.warmup, args.lr_scale),
                           betas=(0.9, 0.98), eps=1e-9)
    log(f"model: {n_params:,} parameters, d_model {args.d_model}, {args.heads} heads, {args.layers} layers, "
        f"d_ff {args.d_ff}; torch {torch.__version__}, {torch.get_num_threads()} threads")

    def train_step(step, inputs, targets):
        t0 = time.perf_counter()
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, args.d_model, args.warmup, args.lr_scale)
        opt.zero_grad(set_to_none=True)
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                               label_smoothing=args.label_smoothing)
        loss.backward()
        if args.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=args.clip)
        opt.step()
        return loss.item(), time.perf_counter() - t0

    def validate(step):
        loss, tokens = evaluate(model, val_ids, T, B)
        bpc = loss * tokens / math.log(2) / max(1, len(val_text))
        log(f"step {step}: validation: loss {loss:.4f} nats/token  perplexity {math.exp(loss):.3f}  "
            f"{bpc:.4f} bits/character")
        return {"step": step, "loss": round(loss, 5), "bits_per_character": round(bpc, 5)}

    model.train()
    step, epoch, times, toks, interval = 0, 0, [], 0, []
    evals, train_losses = [], []
    started = time.perf_counter()
    meter = LoadMeter().start()
    while step < args.steps:
        batches = epoch_batches(train_ids, T, B, args.seed, epoch)
        for inputs, targets in batches:
            if step >= args.steps:
                break
            step += 1
            loss, dt = train_step(step, inputs, targets)
            train_losses.append(loss)
            interval.append(loss)
            if step > TIMING_WARMUP:
                times.append(dt)
                toks += targets.numel()
            if step % args.log_every == 0 or step == args.steps:
                log(f"[epoch {epoch + 1} t={torch.get_num_threads()}] step {step}/{args.steps} "
                    f"{dt * 1e3:.1f} ms loss {statistics.fmean(interval):.4f} "
                    f"lr {opt.param_groups[0]['lr']:.2e}")
                interval = []
            if step % args.eval_every == 0 or step == args.steps:
                evals.append(validate(step))
        else:
            epoch += 1
    wall = time.perf_counter() - started
    other_load = meter.stop()

    step_med = statistics.median(times) if times else float("nan")
    tokens_per_step = toks / max(1, len(times))
    final = evals[-1]
    res = {
        "steps": step,
        "epochs_completed": epoch,
        "val_loss": final["loss"],
        "bits_per_character": final["bits_per_character"],
        "val_losses": evals,
        "train_loss_last": round(statistics.fmean(train_losses[-args.log_every:]), 4),
        "step_ms_median": round(step_med * 1e3, 3),
        "step_ms_p10": round(statistics.quantiles(times, n=10)[0] * 1e3, 3) if len(times) >= 2 else None,
        "step_ms_p90": round(statistics.quantiles(times, n=10)[-1] * 1e3, 3) if len(times) >= 2 else None,
        "train_tokens_per_s": round(tokens_per_step / step_med, 1),
        "timed_steps": len(times),
        "wall_s": round(wall, 1),
        "other_load_cores": other_load,
        "parameters": n_params,
        "vocabulary": len(tok),
        "context": T, "batch_size": B, "d_model": args.d_model, "heads": args.heads, "layers": args.layers,
        "d_ff": args.d_ff, "warmup": args.warmup, "seed": args.seed,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
    }
    print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
