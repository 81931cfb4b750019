#!/bin/bash
# The drawing pad through the real shell, in a real terminal (tmux). Run by hand after
# `swift build`:
#
#     Tests/Terminal/drawpad-tmux.sh            # BIN=.build/release/digitlab to pick another build
#
# Starts the REPL (`digitlab --data REPO`, HOME an empty temporary folder, working folder
# a temporary one) in a detached tmux server of its own (socket digitlab-drawpad-PID),
# types `draw`, paints with the keyboard (Space, arrows) and with SGR mouse reports typed
# into the pane, reads the screen back with `capture-pane -e`, and checks:
#   1. the canvas shows ink and the top 3 change as the drawing changes;
#   2. Enter keeps the drawing: "your drawing: the bundled model says 7" (no network yet);
#      with the bundled model loaded, `predict drawing`, `draw save OUT/x.png`,
#      `predict file OUT/x.png` and the command line's `digitlab predict OUT/x.png` all say 7
#      with the same top probability; mouse reports typed right behind Enter do not reach
#      the prompt;
#   3. Esc, Ctrl-C (a byte in raw mode) and SIGINT from outside leave with "nothing kept";
#   4. after every way out the terminal is sane — tmux's view of the pane: main screen
#      (#{alternate_on}), mouse reporting off (#{mouse_any_flag} and friends), cursor
#      shown — and the prompt answers the next command;
#   5. a resize redraws (120x40 → 70x26: the small canvas; → 50x20: "too small"; back);
#   6. SIGTERM and SIGHUP to the process while the pad is open end it with 128+N and
#      leave the terminal sane and in canonical mode (`stty` run after it in the pane);
#      `quit` leaves with status 0 and canonical mode too.
# Prints the pad as text (Tests/Terminal/halfblocks-to-text.py) and "drawpad-tmux: all N
# checks passed", or each failed check and exit status 1. Docs/terminal-pictures.md
# ("Testing it in tmux") says the same.
set -u
export LC_ALL=C.UTF-8 # ${#line} counts characters; tmux draws "▀"
cd "$(dirname "$0")/../.."
REPO=$PWD
BIN=${BIN:-.build/debug/digitlab}
case $BIN in /*) ;; *) BIN=$REPO/$BIN ;; esac
HERE=$REPO/Tests/Terminal
SOCKET=digitlab-drawpad-$$
OUT=$(mktemp -d)
mkdir -p "$OUT/home" "$OUT/work"
T() { tmux -L "$SOCKET" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$OUT"' EXIT
[ -x "$BIN" ] || { echo "drawpad-tmux: $BIN is missing — run swift build first"; exit 1; }

passed=0 failed=0
check() { # check "what" command...
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $what"; fi
}
screen() { T capture-pane -p -t "$1"; }
everything() { T capture-pane -p -t "$1" -S -2000; } # the scrollback too
as_text() { T capture-pane -p -e -t "$1" | python3 "$HERE/halfblocks-to-text.py"; }
ink() { T capture-pane -p -e -t "$1" | python3 "$HERE/halfblocks-to-text.py" --count 2 57 3 30; }
top3() { screen "$1" | sed -n 4,6p | sed 's/^.*│ *//'; }
pane_has() { screen "$1" | grep -q -- "$2"; }
sane() { test "$(flags "$1")" = "alt=0 mouse=000 cursor=1"; }
flags() { T display -p -t "$1" 'alt=#{alternate_on} mouse=#{mouse_any_flag}#{mouse_button_flag}#{mouse_sgr_flag} cursor=#{cursor_flag}'; }
wait_for() { # wait_for WINDOW REGEX: up to 20 s, in the scrollback too
    for _ in $(seq 200); do everything "$1" | grep -q -- "$2" && return 0; sleep 0.1; done
    echo "timed out waiting for /$2/ in $1:"; screen "$1" | grep -v '^$' | tail -5 | sed 's/^/    /'; return 1
}
count() { everything "$1" | grep -c -- "$2"; }
wait_for_more() { # wait_for_more WINDOW REGEX N: until REGEX matches more than N lines
    for _ in $(seq 200); do [ "$(count "$1" "$2")" -gt "$3" ] && return 0; sleep 0.1; done
    echo "timed out waiting for another /$2/ in $1"; return 1
}
mouse() { T send-keys -t "$1" -l "$(printf '\033[<%d;%d;%d%s' "$2" "$3" "$4" "$5")"; }
type_line() { T send-keys -t "$1" -l "$2"; T send-keys -t "$1" Enter; }
repl_pid() { pgrep -P "$(T display -p -t "$1" '#{pane_pid}')" | head -1; }
start() { # start NAME: a window running the shell, then lines that show how it left the terminal
    T new-window -d -n "$1" "cd $OUT/work && env HOME=$OUT/home $BIN --data $REPO; echo EXIT=\$?; stty -a | grep -o -- '-\\?icanon' | head -1; sleep 600"
    wait_for "$1" "^digitlab>"
}
open_pad() { # open_pad NAME
    type_line "$1" draw
    wait_for "$1" "draw a digit"
}
prompt_works() { # prompt_works NAME N: the shell reads and answers a line
    type_line "$1" "help nosuch$2"
    wait_for "$1" "^error: help: no command 'nosuch$2'"
}

T -f /dev/null new-session -d -s pad -x 120 -y 40 -n idle
T set -g remain-on-exit on
T set -g mouse on
T set -g history-limit 5000

# 1. Keyboard: the bar of a 7 — pen up 8 cells and left 6 steps, Space, right 12 steps, Space.
start main
open_pad main
check "the pad opens on the alternate screen with mouse reporting ($(flags main))" \
    test "$(flags main)" = "alt=1 mouse=111 cursor=0"
for _ in $(seq 8); do T send-keys -t main Up; done
for _ in $(seq 6); do T send-keys -t main Left; done
T send-keys -t main Space
for _ in $(seq 12); do T send-keys -t main Right; done
T send-keys -t main Space
sleep 0.5
first=$(top3 main)
ink1=$(ink main)
check "keyboard painting leaves ink on the canvas ($ink1 pixels)" test "$ink1" -gt 20
check "a top 3 appears after the first stroke" grep -q '%' <<<"$first"

# Mouse: the 7's stem, pressed at the bar's right end and dragged down-left, released.
mouse main 0 42 9 M
for i in $(seq 1 20); do mouse main 32 $((42 - i * 14 / 20)) $((9 + i)) M; done
mouse main 0 28 29 m
sleep 0.5
second=$(top3 main)
ink2=$(ink main)
check "mouse strokes add ink ($ink1 → $ink2 pixels)" test "$ink2" -gt $((ink1 + 40))
check "the top 3 changed as the drawing changed" test "$first" != "$second"
check "the top 3 now starts with 7" grep -q '^7 ' <<<"$second"
echo "== the pad after a keyboard stroke and a mouse stroke (120x40), as text:"
as_text main | sed -n 1,33p
echo "== top 3 after the first stroke:"; echo "$first"
echo "== top 3 after the second:"; echo "$second"

# 2. Enter keeps it; mouse reports typed right behind Enter are the pad's, not the prompt's.
T send-keys -t main -l "$(printf '\r\033[<32;30;15M\033[<32;31;15M\033[<0;31;15m')"
wait_for main "^your drawing: "
sleep 0.3
check "Enter restores the terminal ($(flags main))" sane main
check "Enter keeps the drawing: the bundled model says 7" pane_has main '^your drawing: the bundled model says 7 '
check "mouse reports behind Enter do not reach the prompt ($(screen main | grep '^digitlab' | tail -1))" \
    test "$(screen main | grep "^digitlab" | tail -1)" = "digitlab>"
check "the prompt answers after Enter" prompt_works main 1

type_line main "load model $REPO/models/default.safetensors"
wait_for main "^loaded "
top() { sed -n 's/^ *7 *\([0-9.]*%\).*/\1/p' | tail -1; } # the 7's bar: its probability
n=$(count main "says 7")
type_line main "predict drawing"
wait_for_more main "says 7" "$n"
check "predict drawing says 7" pane_has main '^your drawing: the network says 7'
p_drawing=$(everything main | top)
type_line main "draw save $OUT/x.png"
wait_for main "^wrote $OUT/x.png"
check "draw save wrote a PNG" test -s "$OUT/x.png"
n=$(count main "says 7")
type_line main "predict file $OUT/x.png"
wait_for_more main "says 7" "$n"
check "predict file reads the saved PNG as 7" pane_has main "^$OUT/x.png: the network says 7"
p_file=$(everything main | top)
check "predict drawing and predict file give 7 the same probability ($p_drawing vs $p_file)" \
    test -n "$p_drawing" -a "$p_drawing" = "$p_file"
cli=$("$BIN" predict --data "$REPO" "$OUT/x.png" 2>&1)
check "digitlab predict (command line) reads it as 7 too ($cli)" grep -q ": 7" <<<"$cli"

# 3. Esc, Ctrl-C and SIGINT leave without keeping; the prompt works after each.
open_pad main
mouse main 0 30 15 M; mouse main 0 30 15 m
n=$(count main "nothing kept")
T send-keys -t main Escape
wait_for_more main "nothing kept" "$n"
check "Esc restores the terminal ($(flags main))" sane main
check "the prompt answers after Esc" prompt_works main 2

open_pad main
mouse main 0 30 15 M; mouse main 0 30 15 m
n=$(count main "nothing kept")
T send-keys -t main C-c
wait_for_more main "nothing kept" "$n"
check "Ctrl-C restores the terminal ($(flags main))" sane main
check "the prompt answers after Ctrl-C" prompt_works main 3

open_pad main
n=$(count main "nothing kept")
kill -INT "$(repl_pid main)"
wait_for_more main "nothing kept" "$n"
check "SIGINT from outside restores the terminal ($(flags main))" sane main
check "the prompt answers after SIGINT" prompt_works main 4

# 5. Resizing redraws: the small canvas at 70x26, a message at 50x20, the large one again.
open_pad main
T set -t main window-size manual
T resize-window -t main -x 70 -y 26
sleep 0.7
frame=$(screen main | sed -n 2p)
check "70x26 shows the 28-column canvas (frame: ${#frame} cells)" test "${#frame}" -eq 30
echo "== the pad at 70x26, as text:"; as_text main
T resize-window -t main -x 50 -y 20
sleep 0.7
check "50x20 says the window is too small" pane_has main 'too small'
T resize-window -t main -x 120 -y 40
sleep 0.7
frame=$(screen main | sed -n 2p)
check "120x40 shows the 56-column canvas again (frame: ${#frame} cells)" test "${#frame}" -eq 58
n=$(count main "nothing kept")
T send-keys -t main Escape
wait_for_more main "nothing kept" "$n"
check "Esc after resizing restores the terminal ($(flags main))" sane main
check "the prompt answers after resizing and Esc" prompt_works main 5
type_line main quit
wait_for main "^EXIT="
check "quit ends the shell with status 0" pane_has main '^EXIT=0$'
check "quit leaves the terminal in canonical mode" pane_has main '^icanon$'

# 6. SIGTERM and SIGHUP while the pad is open: the terminal comes back, the process ends.
for sig in TERM HUP; do
    start "$sig"
    open_pad "$sig"
    kill -"$sig" "$(repl_pid "$sig")"
    wait_for "$sig" "^EXIT="
    check "SIG$sig ends the shell with status $((128 + $(kill -l "$sig")))" pane_has "$sig" "^EXIT=$((128 + $(kill -l "$sig")))$"
    check "SIG$sig restores the terminal ($(flags "$sig"))" sane "$sig"
    check "SIG$sig restores canonical mode" pane_has "$sig" '^icanon$'
done

for w in main TERM HUP; do
    if everything "$w" | grep -E -q "Fatal error|Backtrace"; then
        check "no crash in window $w" false
        everything "$w" | grep -E -A5 "Fatal error|Backtrace"
    fi
done

if [ "$failed" -eq 0 ]; then echo "drawpad-tmux: all $passed checks passed"; else echo "drawpad-tmux: $failed of $((passed + failed)) checks failed"; exit 1; fi
