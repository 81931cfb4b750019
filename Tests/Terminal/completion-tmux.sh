#!/bin/bash
# Tab completion in the real shell, in a real terminal (tmux). Run by hand after
# `swift build`:
#
#     Tests/Terminal/completion-tmux.sh          # BIN=.build/release/digitlab to pick another build
#
# Makes a folder of awkward names (spaces, a quote, a folder of IDX files, a folder of
# digit sub-folders), starts the REPL there (`digitlab --data REPO`, HOME an empty
# temporary folder holding one picture) in a tmux server of its own, types the start of
# a line, presses Tab (send-keys Tab), reads the line back (capture-pane) and checks what
# completion wrote; then presses Enter and checks that the command found the file —
# what completion writes, the parser must read back. Covers `predict file` (after
# nothing, after an opened " or ', after backslash-escapes, after ~/), `load folder` and
# `load idx` (folders only), `export notebook`, `record start`, `render confusion to`,
# `save model`, `draw save`, and words: `lesson start`, `set optimizer`, `net add co`,
# `help se`, `help net a`. Prints "completion-tmux: all N checks passed", or each
# failed check and exit status 1.
set -u
export LC_ALL=C.UTF-8
cd "$(dirname "$0")/../.."
REPO=$PWD
BIN=${BIN:-.build/debug/digitlab}
case $BIN in /*) ;; *) BIN=$REPO/$BIN ;; esac
SOCKET=digitlab-completion-$$
OUT=$(mktemp -d)
T() { tmux -L "$SOCKET" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$OUT"' EXIT
[ -x "$BIN" ] || { echo "completion-tmux: $BIN is missing — run swift build first"; exit 1; }

# The folder the learner works in.
W=$OUT/work
mkdir -p "$OUT/home" "$W/my digits" "$W/idx files" "$W/notes"
cp lessons/digits/seven-on-paper.png "$W/my digits/seven on paper.png"
cp lessons/digits/three-chalk.png "$W/my digits/three-chalk.png"
cp lessons/digits/two-noisy-scan.png "$W/it's a two.png"
cp lessons/digits/three-chalk.png "$OUT/home/chalk three.png"
cp data/mnist/*-ubyte.gz "$W/idx files/"
for d in 0 1 2 3 4 5 6 7 8 9; do mkdir -p "$W/own set/$d"; cp lessons/digits/seven-on-paper.png "$W/own set/$d/a.png"; done

passed=0 failed=0
check() { # check "what" command...
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $what"; fi
}
everything() { T capture-pane -p -t s -S -3000; }
# The line being edited: the text after the last prompt on the screen.
# The prompt's row up to the cursor (-N keeps the blank completion writes after a word).
line() {
    local x y; read -r x y < <(T display -p -t s '#{cursor_x} #{cursor_y}')
    T capture-pane -p -N -t s | sed -n "$((y + 1))p" | cut -c "1-$x" | sed 's/^digitlab[^>]*> //'
}
# ready: wait until the last thing on the screen is an empty prompt (the command finished).
ready() {
    for _ in $(seq 300); do
        [ "$(T capture-pane -p -t s | grep -v '^$' | tail -1 | grep -c '^digitlab[^>]*>$')" = 1 ] && return 0
        sleep 0.1
    done
    echo "timed out waiting for the prompt"; return 1
}
wait_for() { # wait_for REGEX: up to 20 s, in the scrollback too
    for _ in $(seq 200); do everything | grep -q -- "$1" && { ready; return; }; sleep 0.1; done
    echo "timed out waiting for /$1/:"; T capture-pane -p -t s | grep -v '^$' | tail -5 | sed 's/^/    /'; return 1
}
is() { [ "$1" = "$2" ] || { echo "    got:  [$1]"; echo "    want: [$2]"; return 1; }; }
# tab TEXT...: types the pieces, a Tab after each, and gives the line as it then stands.
tab() {
    for piece in "$@"; do T send-keys -t s -l "$piece"; T send-keys -t s Tab; sleep 0.4; done
    line
}
# listing TEXT: the candidates readline lists after two Tabs (then the line is cleared).
listing() {
    T send-keys -t s -l "$1"; T send-keys -t s Tab; sleep 0.3; T send-keys -t s Tab; sleep 0.5
    T capture-pane -p -t s | grep -v '^$' | tail -6 | grep -v '^digitlab'
    T send-keys -t s C-u
}
enter() { T send-keys -t s Enter; }
run_line() { enter; ready; } # Enter, and wait for the prompt to come back
# enter_expect REGEX: Enter, then wait for one more line matching REGEX than there was.
enter_expect() {
    local before; before=$(everything | grep -c -- "$1")
    enter
    for _ in $(seq 300); do [ "$(everything | grep -c -- "$1")" -gt "$before" ] && { ready; return; }; sleep 0.1; done
    echo "timed out waiting for /$1/:"; T capture-pane -p -t s | grep -v '^$' | tail -5 | sed 's/^/    /'; return 1
}
clear_line() { T send-keys -t s C-u; sleep 0.2; }

T -f /dev/null new-session -d -s s -x 150 -y 50 "cd '$W' && env HOME='$OUT/home' $BIN --data $REPO; sleep 600"
T set -g history-limit 10000
wait_for "^digitlab>"
T send-keys -t s -l "load model $REPO/models/default.safetensors"; enter
wait_for "^loaded "

# predict file: no quote typed (backslash-escapes), a folder, then a file in it.
check "predict file my<Tab> completes the folder, escaped" is "$(tab 'predict file my')" 'predict file my\ digits/'
check "…se<Tab> completes the file" is "$(tab 'se')" 'predict file my\ digits/seven\ on\ paper.png '
check "Enter: predict file found 'my digits/seven on paper.png'" enter_expect "^my digits/seven on paper.png: the network says"

check "predict file it<Tab>: a name with a quote in it" is "$(tab 'predict file it')" "predict file it\\'s\\ a\\ two.png "
check "Enter: predict file found \"it's a two.png\"" enter_expect "^it's a two.png: the network says 2"

check "after a \" the learner opened, completion goes on inside it" \
    is "$(tab 'predict file "my' 'th')" 'predict file "my digits/three-chalk.png" '
check "Enter: predict file found the file completed inside \"…\"" enter_expect "^my digits/three-chalk.png: the network says"

check "after a ' the learner opened, completion goes on inside it" \
    is "$(tab "predict file 'my" 'se')" "predict file 'my digits/seven on paper.png' "
check "Enter: predict file found the file completed inside '…'" enter_expect "^my digits/seven on paper.png: the network says"

check "after backslash-escapes typed by hand" is "$(tab 'predict file my\ digits/th')" 'predict file my\ digits/three-chalk.png '
clear_line

check "~/ is expanded, so the parser can open it" is "$(tab 'predict file ~/ch')" "predict file $OUT/home/chalk\\ three.png "
check "Enter: predict file found the file under ~" enter_expect "^$OUT/home/chalk three.png: the network says"

check "predict file --stages my<Tab>" is "$(tab 'predict file --stages my')" 'predict file --stages my\ digits/'
clear_line

# Folders only where a folder is expected.
folders=$(listing 'load folder ')
check "load folder <Tab><Tab> lists folders only ($(echo $folders))" \
    bash -c '! grep -q "two.png" <<<"$1" && grep -q "own set/" <<<"$1" && grep -q "idx files/" <<<"$1"' _ "$folders"
check "load folder ow<Tab>" is "$(tab 'load folder ow')" 'load folder own\ set/'
check "Enter: load folder read 'own set'" enter_expect "^loaded own set: 10 pictures"
check "load idx id<Tab>" is "$(tab 'load idx id')" 'load idx idx\ files/'
T send-keys -t s -l ' --train 100 --test 100'
check "Enter: load idx read 'idx files'" enter_expect "^loaded idx files: 100 training and 100 test images"

# Files to write: a folder completed, then a new name typed after it.
check "export notebook no<Tab>" is "$(tab 'export notebook no')" 'export notebook notes/'
T send-keys -t s -l 'session one.html'; clear_line
check "export notebook my<Tab> then a new name" is "$(tab 'export notebook my')" 'export notebook my\ digits/'
T send-keys -t s -l 'nb.html'; enter_expect "^wrote my digits/nb.html"
check "Enter: the notebook is in 'my digits'" test -s "$W/my digits/nb.html"
check "record start my<Tab>" is "$(tab 'record start my')" 'record start my\ digits/'
T send-keys -t s -l 'rec.txt'; enter_expect "^recording"
check "Enter: the recording is in 'my digits'" test -e "$W/my digits/rec.txt"
T send-keys -t s -l 'record stop'; run_line
check "render confusion to my<Tab>" is "$(tab 'render confusion to my')" 'render confusion to my\ digits/'
T send-keys -t s -l 'confusion.png'; enter_expect "^wrote my digits/confusion.png"
check "Enter: the picture is in 'my digits'" test -s "$W/my digits/confusion.png"
check "save model my<Tab>" is "$(tab 'save model my')" 'save model my\ digits/'
T send-keys -t s -l 'm.safetensors'; enter_expect "my digits/m.safetensors"
check "Enter: the model is in 'my digits'" test -s "$W/my digits/m.safetensors"
check "draw save my<Tab>" is "$(tab 'draw save my')" 'draw save my\ digits/'
clear_line

# Words.
check "lesson start 03<Tab>" is "$(tab 'lesson start 03')" 'lesson start 03-first-network '
clear_line
lessons=$(listing 'lesson start 0') # the first Tab writes the common 0
check "lesson start 0<Tab><Tab> lists the lessons" grep -q '01-meet-the-data' <<<"$lessons"
optimizers=$(listing 'set optimizer ')
check "set optimizer <Tab><Tab> lists its values ($(echo $optimizers))" grep -q 'adam *momentum *nesterov *sgd' <<<"$optimizers"
check "set optimizer a<Tab>" is "$(tab 'set optimizer a')" 'set optimizer adam '
clear_line
check "net add co<Tab>" is "$(tab 'net add co')" 'net add conv '
clear_line
check "help se<Tab>" is "$(tab 'help se')" 'help set '
clear_line
check "help net a<Tab> completes the sub-command" is "$(tab 'help net a')" 'help net add '
clear_line

if everything | grep -E -q "Fatal error|Backtrace"; then check "no crash" false; everything | grep -E -A5 "Fatal error|Backtrace"; fi
if [ "$failed" -eq 0 ]; then echo "completion-tmux: all $passed checks passed"; else echo "completion-tmux: $failed of $((passed + failed)) checks failed"; exit 1; fi
