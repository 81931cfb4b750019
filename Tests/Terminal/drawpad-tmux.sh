#!/bin/bash
# The drawing pad in a real terminal: tmux. Run by hand after `swift build`:
#
#     Tests/Terminal/drawpad-tmux.sh            # BIN=.build/release/digitlab to pick another build
#
# Starts `digitlab draw-demo` in a detached 120x40 tmux session of its own (socket
# digitlab-drawpad-PID), paints with the keyboard (Space, arrows) and with SGR mouse
# reports sent into the pane, reads the screen back with `capture-pane -e`, and checks:
#   1. the canvas shows ink and the top 3 change as the drawing changes;
#   2. Enter keeps the drawing: the answer is printed, the PNG is written and
#      `digitlab predict` reads the same digit from it;
#   3. the terminal is restored after Enter, Ctrl-C, Esc, SIGTERM and SIGHUP (tmux's view of the
#      pane: main screen, mouse off, cursor shown; stty: canonical mode);
#   4. a resize redraws (120x40 → 70x26: the small canvas; → 50x20: "too small").
# Prints the pad as text (Tests/Terminal/halfblocks-to-text.py) and "drawpad-tmux: all N
# checks passed", or the failed checks and exit status 1.
set -u
export LC_ALL=C.UTF-8 # ${#line} counts characters; tmux draws "▀"
cd "$(dirname "$0")/../.."
BIN=${BIN:-.build/debug/digitlab}
HERE=Tests/Terminal
SOCKET=digitlab-drawpad-$$
OUT=$(mktemp -d)
T() { tmux -L "$SOCKET" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$OUT"' EXIT
[ -x "$BIN" ] || { echo "drawpad-tmux: $BIN is missing — run swift build first"; exit 1; }

passed=0 failed=0
check() { # check "what" command...
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $what"; fi
}
capture() { T capture-pane -p -e -t "$1"; }
as_text() { capture "$1" | python3 $HERE/halfblocks-to-text.py; }
top3() { T capture-pane -p -t "$1" | sed -n 4,6p | sed 's/^.*│ *//'; }
pane_has() { T capture-pane -p -t "$1" | grep -q -- "$2"; }
flags() { T display -p -t "$1" 'alt=#{alternate_on} mouse=#{mouse_any_flag}#{mouse_button_flag}#{mouse_sgr_flag} cursor=#{cursor_flag}'; }
wait_for() { # wait_for PANE TEXT: up to 10 s
    for _ in $(seq 100); do T capture-pane -p -t "$1" | grep -qF -- "$2" && return 0; sleep 0.1; done
    echo "timed out waiting for '$2' in $1"; return 1
}
mouse() { T send-keys -t "$1" -l "$(printf '\033[<%d;%d;%d%s' "$2" "$3" "$4" "$5")"; }
start() { # start NAME: a window running the pad, then a shell line that shows how it left the terminal
    T new-window -d -n "$1" "sh -c '$BIN draw-demo --save $OUT/$1.png; echo EXIT=\$?; stty -a | grep -o -- \"-\\?icanon\" | head -1; sleep 600'"
    wait_for "$1" "draw a digit"
}

T -f /dev/null new-session -d -s pad -x 120 -y 40 -n idle
T set -g remain-on-exit on
T set -g mouse on

# 1. Keyboard: a vertical stroke (a "1"), pen down with Space, Down 9 times, pen up.
start one
T send-keys -t one Space
for _ in $(seq 9); do T send-keys -t one Down; done
T send-keys -t one Up Space
sleep 0.4
first=$(top3 one)
ink1=$(capture one | python3 $HERE/halfblocks-to-text.py --count 2 57 3 30)
check "keyboard painting leaves ink on the canvas ($ink1 pixels)" test "$ink1" -gt 20
check "a top 3 appears after the first stroke" grep -q '%' <<<"$first"

# Mouse: press, drag along a bar above the stroke and down its left side (a "7"-ish
# shape), release; then a left-button diagonal.
mouse one 0 16 8 M
for c in $(seq 18 2 44); do mouse one 32 "$c" 8 M; done
for i in $(seq 1 20); do mouse one 32 $((44 - i * 18 / 20)) $((8 + i)) M; done
mouse one 0 26 28 m
sleep 0.4
second=$(top3 one)
ink2=$(capture one | python3 $HERE/halfblocks-to-text.py --count 2 57 3 30)
check "mouse strokes add ink ($ink1 → $ink2 pixels)" test "$ink2" -gt $((ink1 + 40))
check "the top 3 changed as the drawing changed" test "$first" != "$second"
echo "== the pad after a keyboard stroke and a mouse stroke (120x40), as text:"
as_text one | sed -n 1,33p
echo "== top 3 after the first stroke:"; echo "$first"
echo "== top 3 after the second:"; echo "$second"

# 2. Enter keeps it.
T send-keys -t one Enter
wait_for one "EXIT=0"
check "Enter prints the network's answer" pane_has one '^drawing: '
check "the drawing was saved as a PNG" test -s "$OUT/one.png"
answer=$(T capture-pane -p -t one | sed -n 's/^drawing: \([^ ]*\).*/\1/p')
predicted=$("$BIN" predict "$OUT/one.png" 2>&1 | sed -n 's/^[^:]*: \([^ ]*\).*/\1/p')
check "predict reads the saved PNG as the pad did ($answer vs $predicted)" test -n "$answer" -a "$answer" = "$predicted"
check "Enter restores the terminal ($(flags one))" test "$(flags one)" = "alt=0 mouse=000 cursor=1"
check "Enter restores canonical mode" pane_has one '^icanon$'

# 3. Ctrl-C leaves without keeping; SIGTERM and SIGHUP restore and end the process.
start ctrlc
mouse ctrlc 0 30 15 M; mouse ctrlc 0 30 15 m
T send-keys -t ctrlc C-c
wait_for ctrlc "EXIT=0"
check "Ctrl-C leaves without a drawing" pane_has ctrlc 'without keeping'
check "Ctrl-C restores the terminal ($(flags ctrlc))" test "$(flags ctrlc)" = "alt=0 mouse=000 cursor=1"
check "Ctrl-C restores canonical mode" pane_has ctrlc '^icanon$'

for sig in TERM HUP; do
    start "$sig"
    # The pad itself, not the sh -c around it (whose command line holds the same words).
    pid=$(pgrep -f "^$BIN draw-demo --save $OUT/$sig.png" | head -1)
    kill -"$sig" "$pid"
    wait_for "$sig" "EXIT=$((128 + $(kill -l "$sig")))"
    check "SIG$sig restores the terminal ($(flags "$sig"))" test "$(flags "$sig")" = "alt=0 mouse=000 cursor=1"
    check "SIG$sig restores canonical mode" pane_has "$sig" '^icanon$'
done

# 4. Resizing redraws: the small canvas at 70x26, a message at 50x20, the large one again.
start size
T set -t size window-size manual
T resize-window -t size -x 70 -y 26
sleep 0.5
frame=$(T capture-pane -p -t size | sed -n 2p)
check "70x26 shows the 28-column canvas (frame: ${#frame} cells)" test "${#frame}" -eq 30
echo "== the pad at 70x26, as text:"; as_text size
T resize-window -t size -x 50 -y 20
sleep 0.5
check "50x20 says the window is too small" pane_has size 'too small'
T resize-window -t size -x 120 -y 40
sleep 0.5
frame=$(T capture-pane -p -t size | sed -n 2p)
check "120x40 shows the 56-column canvas again" test "${#frame}" -eq 58
T send-keys -t size Escape
wait_for size "EXIT=0"
check "Esc restores the terminal" test "$(flags size)" = "alt=0 mouse=000 cursor=1"

if [ "$failed" -eq 0 ]; then echo "drawpad-tmux: all $passed checks passed"; else echo "drawpad-tmux: $failed of $((passed + failed)) checks failed"; exit 1; fi
