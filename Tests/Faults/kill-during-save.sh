#!/usr/bin/env bash
# Fault test (not part of `make test`: it takes a minute): kill -9 DigitLab again and
# again while it writes a model, then check the model file is always there and loads.
# Usage: Tests/Faults/kill-during-save.sh [ROUNDS]   (from the DigitLab folder, after `make build`)
set -u
rounds=${1:-100}
bin=.build/release/digitlab
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{ echo "load mnist --train 500 --test 10"; echo "net preset cnn"; for i in $(seq 200); do echo "save model $work/m.safetensors"; done; } > "$work/save.txt"
printf 'net preset cnn\nsave model %s\n' "$work/m.safetensors" | $bin > /dev/null   # a good file to start from
bad=0
for i in $(seq "$rounds"); do
  $bin run "$work/save.txt" > /dev/null 2>&1 &
  pid=$!
  sleep "0.$(( RANDOM % 9 + 1 ))$(( RANDOM % 10 ))"
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  if ! printf 'load model %s\n' "$work/m.safetensors" | $bin > /dev/null 2>&1; then
    bad=$((bad + 1)); echo "round $i: the model does not load"
  fi
done
left=$(ls "$work" | grep -c tmp- || true)
echo "$rounds kills during save: $bad unloadable, $left temporary files left behind"
[ "$bad" -eq 0 ]
