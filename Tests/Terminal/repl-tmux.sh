#!/bin/bash
# The shell's own terminal handling, in a real terminal (tmux) of 80 columns. Run by hand
# after `swift build`:
#
#     Tests/Terminal/repl-tmux.sh                # BIN=.build/release/digitlab to pick another build
#
# Starts the REPL (`digitlab --data REPO`, HOME an empty temporary folder) in tmux servers
# of its own and checks:
#   1. nothing the shell prints is wrapped by the terminal (tmux marks a line it wrapped:
#      `capture-pane -J` joins them): the welcome, `help set lr`, `net summary`, errors;
#   2. the progress bar of `train epoch` stays on one line and is gone when the epoch
#      line is printed; Ctrl-C during training stops it and the prompt comes back;
#   3. Ctrl-C at the prompt drops the half-typed line; a failed command prints one red
#      `error:` line and the shell goes on;
#   4. `quit` after training asks once: n stays, Ctrl-C stays, Ctrl-D asks again, y leaves
#      with status 0 and the terminal in canonical mode with echo;
#   5. Ctrl-Z then `fg` in an interactive bash: the line typed before is drawn again and
#      Tab and Enter work (readline's terminal modes are set again);
#   6. SIGTERM and SIGHUP at the prompt end the shell with 128+N and leave canonical mode
#      and echo on (readline had them off);
#   7. Ctrl-C during a command that cannot stop partway (reading a hatched page as a
#      number, 3 s) is said to have come too late, before the command's answer.
# Prints "repl-tmux: all N checks passed", or each failed check and exit status 1.
set -u
export LC_ALL=C.UTF-8
cd "$(dirname "$0")/../.."
REPO=$PWD
BIN=${BIN:-.build/debug/digitlab}
case $BIN in /*) ;; *) BIN=$REPO/$BIN ;; esac
SOCKET=digitlab-repl-$$
OUT=$(mktemp -d)
mkdir -p "$OUT/home" "$OUT/work"
T() { tmux -L "$SOCKET" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$OUT"' EXIT
[ -x "$BIN" ] || { echo "repl-tmux: $BIN is missing — run swift build first"; exit 1; }

passed=0 failed=0
check() { # check "what" command...
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $what"; fi
}
screen() { T capture-pane -p -t "$1"; }
everything() { T capture-pane -p -t "$1" -S -5000; }
count() { everything "$1" | grep -c -- "$2"; }
wait_for() { # wait_for WINDOW REGEX: up to 60 s, in the scrollback too
    for _ in $(seq 600); do everything "$1" | grep -q -- "$2" && return 0; sleep 0.1; done
    echo "timed out waiting for /$2/ in $1:"; screen "$1" | grep -v '^$' | tail -5 | sed 's/^/    /'; return 1
}
wait_for_more() { # wait_for_more WINDOW REGEX N: until REGEX matches more than N lines
    for _ in $(seq 600); do [ "$(count "$1" "$2")" -gt "$3" ] && return 0; sleep 0.1; done
    echo "timed out waiting for another /$2/ in $1:"; screen "$1" | grep -v '^$' | tail -5 | sed 's/^/    /'; return 1
}
# ready WINDOW: the last thing on the screen is an empty prompt.
ready() {
    for _ in $(seq 600); do
        screen "$1" | grep -v '^$' | tail -1 | grep -q '^digitlab[^>]*>$' && return 0
        sleep 0.1
    done
    echo "timed out waiting for the prompt in $1"; return 1
}
type_line() { T send-keys -t "$1" -l "$2"; T send-keys -t "$1" Enter; }
run() { type_line "$1" "$2"; sleep 0.2; ready "$1"; } # a line, and wait for the prompt
# Lines the terminal wrapped: the capture has more lines than the one that joins them.
soft_wrapped() { echo $(($(everything "$1" | wc -l) - $(T capture-pane -p -J -t "$1" -S -5000 | wc -l))); }
red_error() { T capture-pane -p -e -t "$1" -S -5000 | grep -q $'^\e\\[31merror: set'; }
last_line() { # last_line WINDOW REGEX: the last line on the screen matches, within 10 s
    for _ in $(seq 100); do screen "$1" | grep -v '^$' | tail -1 | grep -q -- "$2" && return 0; sleep 0.1; done
    echo "    the last line is: $(screen "$1" | grep -v '^$' | tail -1)"; return 1
}
repl_pid() { pgrep -P "$(T display -p -t "$1" '#{pane_pid}')" | head -1; }
modes() { grep -o -- '-\?icanon\|-\?echo ' | tr -d ' ' | tr '\n' ' '; }
start() { # start NAME: a window running the shell, then lines that show how it left the terminal
    T new-window -d -n "$1" "cd $OUT/work && env HOME=$OUT/home $BIN --data $REPO; echo EXIT=\$?; stty -a | grep -o -- '-\\?icanon\\|-\\?echo ' | tr -d ' ' | tr '\\n' ' '; echo; sleep 600"
    wait_for "$1" "^digitlab>"
}

T -f /dev/null new-session -d -s repl -x 80 -y 40 -n idle
T set -g remain-on-exit on
T set -g history-limit 20000

# 1. Fitting 80 columns.
start main
run main "help set lr"
run main "load mnist --train 12000 --test 500"
run main "net preset mlp"
run main "net summary"
run main "set lr ten"
check "a failed command prints one red error line" red_error main
check "nothing printed so far was wrapped by the terminal ($(soft_wrapped main) lines were)" test "$(soft_wrapped main)" -eq 0

# 2. The progress bar, and Ctrl-C during training.
n=$(count main "^epoch 1: ")
type_line main "train epoch"
wait_for main "━"
bar=$(screen main | grep '━' | tail -1)
check "the progress bar fits 80 columns (${#bar}: $bar)" test "${#bar}" -lt 80
wait_for_more main "^epoch 1: " "$n"
ready main
check "the progress bar is gone once the epoch line is printed" bash -c "! grep -q '━' <<<\"\$1\"" _ "$(screen main)"
check "train epoch left no wrapped line ($(soft_wrapped main))" test "$(soft_wrapped main)" -eq 0
type_line main "train epoch"
wait_for main "━"
T send-keys -t main C-c
wait_for main "^stopped (interrupted)"
check "Ctrl-C during training stops it and the prompt comes back" ready main

# 3. Ctrl-C drops a half-typed line; the next line runs alone.
T send-keys -t main -l "load mnist --tr"
T send-keys -t main C-c
sleep 0.3
n=$(count main "^quit — Leave")
run main "help quit"
check "Ctrl-C dropped the half-typed line (the next one ran alone)" test "$(count main "^quit — Leave")" -gt "$n"
check "… and was not run" bash -c "! grep -q 'load mnist --trhelp' <<<\"\$1\"" _ "$(everything main)"

# 4. quit after training asks once.
n=$(count main "Quit anyway")
type_line main quit
wait_for_more main "Quit anyway" "$n"
type_line main n
wait_for main "^staying"
check "n at 'Quit anyway?' stays" ready main
n=$(count main "^staying")
type_line main quit
wait_for main "Quit anyway"
sleep 0.3
T send-keys -t main C-c
wait_for_more main "^staying" "$n"
check "Ctrl-C at 'Quit anyway?' stays" ready main
n=$(count main "Quit anyway")
T send-keys -t main C-d
check "Ctrl-D after training asks too" wait_for_more main "Quit anyway" "$n"
sleep 0.3
type_line main y
wait_for main "^EXIT="
check "y leaves with status 0" bash -c "grep -q '^EXIT=0$' <<<\"\$1\"" _ "$(screen main)"
check "the terminal is back in canonical mode with echo" bash -c "grep -q '^icanon echo *$' <<<\"\$1\"" _ "$(screen main)"

# 5. Ctrl-Z and fg, from an interactive bash.
T new-window -d -n job "bash --norc -i"
sleep 0.5
type_line job "cd $OUT/work && export HOME=$OUT/home PS1='$ ' && $BIN --data $REPO"
wait_for job "^digitlab>"
T send-keys -t job -l "help qu"
sleep 0.3
T send-keys -t job C-z
wait_for job "Stopped"
type_line job fg
check "after fg the half-typed line is drawn again" last_line job '^digitlab> help qu$'
T send-keys -t job Tab
check "after fg Tab completes (readline's modes are back)" last_line job '^digitlab> help quit$'
T send-keys -t job Enter
check "after fg Enter runs the line" wait_for job "^quit — Leave"

# 6. SIGTERM and SIGHUP at the prompt.
for sig in TERM HUP; do
    start "$sig"
    kill -"$sig" "$(repl_pid "$sig")"
    wait_for "$sig" "^EXIT="
    check "SIG$sig at the prompt ends the shell with $((128 + $(kill -l "$sig")))" \
        bash -c "grep -q '^EXIT=$((128 + $(kill -l "$sig")))$' <<<\"\$1\"" _ "$(screen "$sig")"
    check "SIG$sig at the prompt leaves canonical mode and echo on ($(screen "$sig" | grep -o 'icanon.*'))" \
        bash -c "grep -q '^icanon echo *$' <<<\"\$1\"" _ "$(screen "$sig")"
done

# 7. Ctrl-C during a command that cannot stop partway.
# A page of hatching, 2400x1600, written with the standard library alone.
python3 - "$OUT/work/hatch.png" <<'PY'
import sys, struct, zlib
w, h = 2400, 1600
rows = b"".join(b"\0" + bytes(60 if (x - y) % 14 < 2 else 255 for x in range(w)) for y in range(h))
chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
PY
start stop
run stop "load model models/default.safetensors"
type_line stop "predict file hatch.png --number"
sleep 0.5
T send-keys -t stop C-c
wait_for stop "^(Ctrl-C: this command cannot stop partway, and ran to its end)"
check "Ctrl-C during a command that cannot stop is said, before its answer" \
    bash -c "grep -A1 '^(Ctrl-C: this command' <<<\"\$1\" | grep -q '^error: hatch.png: no digits found'" _ "$(everything stop)"
ready stop

for w in main job TERM HUP stop; do
    if everything "$w" | grep -E -q "Fatal error|Backtrace"; then
        check "no crash in window $w" false
        everything "$w" | grep -E -A5 "Fatal error|Backtrace"
    fi
done
if [ "$failed" -eq 0 ]; then echo "repl-tmux: all $passed checks passed"; else echo "repl-tmux: $failed of $((passed + failed)) checks failed"; exit 1; fi
