#!/usr/bin/env bash
# Checks with TensorBoard's own code that the event files TransformerCore writes are read:
#   1. writes a sample run (TrainingLogger: an event file + metrics.csv) through the test
#      `writeSampleLogDirectory`, which runs only when TRANSFORMERCORE_SAMPLE_LOGDIR is set;
#   2. verifies every record's framing and masked CRC32Cs in Python, checks that protobuf's own
#      serializer re-encodes each Event to the identical bytes, loads the run with TensorBoard's
#      EventAccumulator, and checks its scalars against metrics.csv;
#   3. starts `tensorboard --logdir` on 127.0.0.1 and asks its HTTP API for the scalar tags and
#      train/loss (skip with --no-server).
# Installs tensorboard from PyPI into a virtual environment (.build-tensorboard/venv, or
# $TENSORBOARD_VENV) unless `python3 -c "import tensorboard"` already works.
#
# Usage: Scripts/check-tensorboard.sh [--no-server] [--port N]
set -euo pipefail
cd "$(dirname "$0")/.."

server=1
port=6006
while [ $# -gt 0 ]; do
    case "$1" in
        --no-server) server=0 ;;
        --port) port="$2"; shift ;;
        *) echo "usage: $0 [--no-server] [--port N]" >&2; exit 2 ;;
    esac
    shift
done

work=.build-tensorboard
logdir="$PWD/$work/sample-run"
mkdir -p "$work"

if python3 -c "import tensorboard" 2>/dev/null; then
    python=python3
    tensorboard=$(command -v tensorboard || echo "python3 -m tensorboard.main")
else
    venv=${TENSORBOARD_VENV:-$work/venv}
    if [ ! -x "$venv/bin/tensorboard" ]; then
        echo "== installing tensorboard into $venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet tensorboard
    fi
    python="$venv/bin/python"
    tensorboard="$venv/bin/tensorboard"
fi
"$python" -c "import tensorboard, google.protobuf as p; print('== tensorboard', tensorboard.__version__, '/ protobuf', p.__version__)"

echo "== writing a sample run to $logdir"
rm -rf "$logdir"
TRANSFORMERCORE_SAMPLE_LOGDIR="$logdir" swift test --scratch-path "${SCRATCH_PATH:-.build}" \
    --filter 'TensorBoardWriterTests/writeSampleLogDirectory' > "$work/swift-test.log" 2>&1 \
    || { tail -30 "$work/swift-test.log"; exit 1; }
ls -l "$logdir"

echo "== reading it with TensorBoard's loader"
"$python" - "$logdir" <<'PYTHON'
import csv, glob, os, struct, sys
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat.proto.event_pb2 import Event
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c

logdir = sys.argv[1]
(path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
print("event file:", os.path.basename(path))

# Framing, checksums, and byte-identical re-serialization by protobuf itself.
data = open(path, "rb").read()
offset, events = 0, []
while offset < len(data):
    header = data[offset:offset + 8]
    (length,) = struct.unpack("<Q", header)
    (length_crc,) = struct.unpack("<I", data[offset + 8:offset + 12])
    payload = data[offset + 12:offset + 12 + length]
    (payload_crc,) = struct.unpack("<I", data[offset + 12 + length:offset + 16 + length])
    assert length_crc == masked_crc32c(header), f"length CRC of record {len(events)}"
    assert payload_crc == masked_crc32c(payload), f"data CRC of record {len(events)}"
    event = Event.FromString(payload)
    assert event.SerializeToString() == payload, f"record {len(events)} is not protobuf's canonical encoding"
    events.append(event)
    offset += 16 + length
print(f"records: {len(events)}, all CRCs valid, all byte-identical to protobuf's serialization")
print("first event:", repr(events[0].file_version), "wall_time", events[0].wall_time)

ea = EventAccumulator(logdir)
ea.Reload()
tags = sorted(ea.Tags()["scalars"])
print("scalar tags:", tags)
for tag in tags:
    print(tag, [(s.step, round(s.value, 6)) for s in ea.Scalars(tag)])

with open(os.path.join(logdir, "metrics.csv"), newline="") as f:
    rows = list(csv.DictReader(f))
float32 = lambda x: struct.unpack("<f", struct.pack("<f", x))[0]   # the CSV holds Float32's shortest text
from_csv = {(r["tag"], int(r["step"])): float32(float(r["value"])) for r in rows}
from_events = {(tag, s.step): s.value for tag in tags for s in ea.Scalars(tag)}
assert from_csv == from_events, "metrics.csv and the event file disagree"
print(f"metrics.csv: {len(rows)} rows, identical to the event file's scalars")
PYTHON

if [ "$server" = 1 ]; then
    echo "== tensorboard --logdir on 127.0.0.1:$port"
    $tensorboard --logdir "$logdir" --host 127.0.0.1 --port "$port" > "$work/tensorboard.log" 2>&1 &
    server_pid=$!
    trap 'kill "$server_pid" 2>/dev/null || true' EXIT
    tags=""
    for _ in $(seq 1 60); do
        tags=$(curl -sf "http://127.0.0.1:$port/data/plugin/scalars/tags" || true)
        case "$tags" in *train/loss*) break ;; esac
        sleep 1
    done
    echo "GET /data/plugin/scalars/tags -> $tags"
    case "$tags" in *train/loss*) ;; *) echo "the server did not list train/loss"; tail -20 "$work/tensorboard.log"; exit 1 ;; esac
    echo "GET /data/plugin/scalars/scalars?run=.&tag=train/loss -> $(curl -sf "http://127.0.0.1:$port/data/plugin/scalars/scalars?run=.&tag=train/loss")"
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    trap - EXIT
    echo "server stopped"
fi
echo "== TensorBoard reads TransformerCore's logs"
