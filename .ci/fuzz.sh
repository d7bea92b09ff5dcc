#!/usr/bin/env bash
# Runs every fuzz target in the module for a short while, one at a time, after the unit tests
# (which already ran each target's seed corpus in testdata/fuzz). Any finding fails the run; the
# input that failed is printed and left in the package's testdata/fuzz/<Target>/ to commit as a
# regression seed once fixed.
#
#   FUZZTIME=20s bash .ci/fuzz.sh             # every target (the default: 20s each)
#   bash .ci/fuzz.sh FuzzDecode FuzzHandler   # only these
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-20s}

# Every "func FuzzX(f *testing.F)" in a _test.go file, as "./dir FuzzX".
targets=$(grep -rE --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . |
  sed -E 's#^(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]+)\(.*#\1 \2#' | sort)
if [ -z "$targets" ]; then
  echo "no fuzz targets found"; exit 1
fi

failed=0
while read -r dir name; do
  if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then
    continue
  fi
  printf -- '--- %s (%s) for %s\n' "$name" "$dir" "$fuzztime"
  before=$(ls "$dir/testdata/fuzz/$name" 2>/dev/null | sort || true)
  if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$dir" 2>&1 | tail -n 25; then
    failed=1
  fi
  # Belt and braces: a finding also leaves a new input in the corpus.
  after=$(ls "$dir/testdata/fuzz/$name" 2>/dev/null | sort || true)
  new=$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sed '/^$/d')
  if [ -n "$new" ]; then
    failed=1
    for f in $new; do
      printf 'FINDING %s: %s/testdata/fuzz/%s/%s\n' "$name" "$dir" "$name" "$f"
      cat "$dir/testdata/fuzz/$name/$f"
    done
  fi
done <<<"$targets"

if [ "$failed" -ne 0 ]; then
  echo "fuzzing found a failure"; exit 1
fi
echo "fuzzing: no finding"
