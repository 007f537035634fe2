#!/usr/bin/env python3
"""Turns the runs of Scripts/pig-latin-study.sh into the results table of docs/training.md and a loss-curve SVG.

Usage: study_report.py RUNS_DIR docs/training.md OUT.svg
Reads RUNS_DIR/d{32,64}-{small,large}/{metrics.csv,test.json,train_seconds,command}. Standard library only.
"""
import csv, json, os, re, sys

runs_dir, readme, svg_path = sys.argv[1:4]
names = [f"d{d}-{s}" for s in ("small", "large") for d in (32, 64)]
rows, curves = [], {}
for name in names:
    run = os.path.join(runs_dir, name)
    if not os.path.exists(os.path.join(run, "test.json")):
        continue
    test = json.load(open(os.path.join(run, "test.json")))
    seconds = float(open(os.path.join(run, "train_seconds")).read())
    val = [(int(r["step"]), float(r["value"])) for r in csv.DictReader(open(os.path.join(run, "metrics.csv")))
           if r["tag"] == "val/loss"]
    curves[name] = val
    command = open(os.path.join(run, "command")).read().strip()
    epochs = re.search(r"--epochs (\d+)", command).group(1)
    d, dataset = name[1:].split("-")
    rows.append((d, dataset, epochs, test, min(v for _, v in val), seconds))

table = ["| d_model | data (train words) | epochs | held-out exact match | held-out CER | held-out loss / token | best val loss / token | wall time of `train` |",
         "|---|---|---|---|---|---|---|---|"]
sizes = {"small": "small (2,880)", "large": "large (19,800)"}
for d, dataset, epochs, test, best_val, seconds in rows:
    table.append(f"| {d} | {sizes[dataset]} | {epochs} | **{100 * test['exact_match']:.2f}%** ({test['exact_matches']}/{test['pairs']}) "
                 f"| {100 * test['cer']:.2f}% | {test['loss']:.4f} | {best_val:.4f} | {int(seconds // 60)}:{int(seconds % 60):02d} |")
block = "\n".join(table)

text = open(readme).read()
begin, end = "<!-- STUDY:BEGIN -->", "<!-- STUDY:END -->"
if begin in text and end in text:
    text = text[:text.index(begin) + len(begin)] + "\n" + block + "\n" + text[text.index(end):]
    open(readme, "w").write(text)
print(block)

# Validation loss per token against step, one polyline per run, log-scaled y.
import math
width, height, left, right, top, bottom = 720, 420, 70, 170, 20, 50
all_points = [p for c in curves.values() for p in c]
if all_points:
    max_step = max(s for s, _ in all_points)
    lo, hi = math.log10(min(v for _, v in all_points)), math.log10(max(v for _, v in all_points))
    lo, hi = math.floor(lo * 2) / 2, math.ceil(hi * 2) / 2
    def x(step): return left + (width - left - right) * step / max_step
    def y(value): return top + (height - top - bottom) * (hi - math.log10(value)) / (hi - lo)
    colours = {"d32-small": "#9ecae1", "d64-small": "#3182bd", "d32-large": "#fdae6b", "d64-large": "#e6550d"}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{left}" y="14">Pig Latin: validation loss per token (nats, log scale) against training step</text>']
    tick = lo
    while tick <= hi + 1e-9:
        value = 10 ** tick
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value:.3g}</text>')
        tick += 0.5
    for i in range(6):
        step = max_step * i / 5
        parts.append(f'<text x="{x(step):.1f}" y="{height - bottom + 18}" text-anchor="middle">{int(step)}</text>')
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 10}" text-anchor="middle">step</text>')
    for i, (name, points) in enumerate(curves.items()):
        path = " ".join(f"{x(s):.1f},{y(v):.1f}" for s, v in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colours[name]}" stroke-width="2"/>')
        parts.append(f'<line x1="{width - right + 15}" x2="{width - right + 40}" y1="{top + 20 + 20 * i}" y2="{top + 20 + 20 * i}" stroke="{colours[name]}" stroke-width="3"/>')
        parts.append(f'<text x="{width - right + 46}" y="{top + 24 + 20 * i}">{name}</text>')
    parts.append("</svg>")
    open(svg_path, "w").write("\n".join(parts) + "\n")
