#!/usr/bin/env bash
# Instructions per emulated exit, counted by callgrind: the same on every run and however
# busy the machine is, unlike time (docs/bench.md, "Deterministic cost").
#
#   bench/callgrind.sh BENCH [STEPS]
#
# runs `BENCH --callgrind STEPS` once under valgrind: for every case and engine the bench
# zeroes callgrind's counters, runs STEPS exits and dumps them with a label it also prints.
# This joins the two into a Markdown table (instructions per exit, and how many times
# Unicorn translated code per exit), then prints the bench's own output (the registers
# each call asked for). Exit status: the bench's (1 when an engine failed or differed).
set -euo pipefail

bench=${1:?usage: bench/callgrind.sh BENCH [STEPS]}
steps=${2:-20}
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
valgrind --tool=callgrind --callgrind-out-file="$work/out" "$bench" --callgrind "$steps" \
    >"$work/stdout" 2>"$work/valgrind.log" || status=$?
if ! grep -q '^dump' "$work/stdout"; then
    cat "$work/stdout" "$work/valgrind.log" >&2
    echo "callgrind.sh: the bench dumped no counts" >&2
    exit 1
fi

# One line per dump: label, instructions, calls to Unicorn's translator (tb_gen_code).
# Callgrind compresses names: "cfn=(12) name" the first time, "cfn=(12)" after.
for dump in "$work"/out.*; do
    awk '
        /^desc: Trigger: Client Request: / { label = $NF }
        /^summary: / { total = $2 }
        /^c?fn=/ {
            spec = $0; sub(/^c?fn=/, "", spec); name = spec
            if (match(spec, /^\([0-9]+\)/)) {
                id = substr(spec, 1, RLENGTH); name = substr(spec, RLENGTH + 2)
                if (name != "") names[id] = name; else name = names[id]
            }
            callee = ($0 ~ /^cfn=/) ? name : ""
            next
        }
        /^calls=/ { if (callee ~ /^tb_gen_code/) { split($0, c, /[= ]/); translations += c[2] }
                    callee = ""; next }
        END { if (label != "") print label "\t" total "\t" translations + 0 }
    ' "$dump"
done >"$work/counts"

# The table: one row per case, a column per engine.
awk -F'\t' '
    FNR == NR { total[$1] = $2; translations[$1] = $3; next }
    $1 == "dump" {
        label = $2; engine = $4; steps = $5
        split(label, parts, ":"); kase = parts[2] + 0   # the case index: names repeat
        if (!(kase in name)) { name[kase] = $3; order[++cases] = kase }
        per_exit[kase, engine] = total[label] / steps
        per_exit_translations[kase, engine] = translations[label] / steps
    }
    function cell(kase, engine) {
        return ((kase, engine) in per_exit) ? sprintf("%.0f", per_exit[kase, engine]) : "n/a"
    }
    function ratio(kase, a, b) {
        if (!((kase, a) in per_exit) || !((kase, b) in per_exit) || per_exit[kase, b] == 0)
            return "-"
        return sprintf("%.2f", per_exit[kase, a] / per_exit[kase, b])
    }
    function translated(kase, engine) {
        return ((kase, engine) in per_exit) ? \
            sprintf("%.2f", per_exit_translations[kase, engine]) : "-"
    }
    # the instructions of Unicorn: the fewest of its three candidate modes
    function unicorn_fewest(kase,    m, modes, fewest) {
        split("unicorn count,unicorn HLT,unicorn exits", modes, ",")
        fewest = "unicorn HLT"
        for (m = 1; m <= 3; m++)
            if ((kase, modes[m]) in per_exit && \
                (!((kase, fewest) in per_exit) || per_exit[kase, modes[m]] < per_exit[kase, fewest]))
                fewest = modes[m]
        return fewest
    }
    END {
        print "| case | whvemu | floor | whvemu / floor | unicorn count = 1 | unicorn HLT | " \
              "unicorn exits | unicorn (the fewest) / whvemu | unicorn end-address | " \
              "translations per exit: count, HLT, exits, end-address |"
        print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
        for (i = 1; i <= cases; i++) {
            k = order[i]
            printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s, %s, %s, %s |\n", name[k],
                   cell(k, "whvemu"), cell(k, "floor"), ratio(k, "whvemu", "floor"),
                   cell(k, "unicorn count"), cell(k, "unicorn HLT"), cell(k, "unicorn exits"),
                   ratio(k, unicorn_fewest(k), "whvemu"), cell(k, "unicorn end-address"),
                   translated(k, "unicorn count"), translated(k, "unicorn HLT"),
                   translated(k, "unicorn exits"), translated(k, "unicorn end-address")
        }
    }
' "$work/counts" "$work/stdout" >"$work/table"

echo "instructions per emulated exit (callgrind, $steps exits of each after 3 of warm-up)"
echo
cat "$work/table"
echo
grep -v '^dump' "$work/stdout"
exit "$status"
