#!/usr/bin/env bash
# The test suite under each supported Node version: 20, 22, 24, 26.
#
#   scripts/node-versions.sh install 22 24 26        # installs them (if not there yet), prints their paths
#   scripts/node-versions.sh test 20 22 24 26        # builds once, then the whole suite under each
#   scripts/node-versions.sh test 24 22:'gc|numbers' # a version:REGEX runs the test files matching REGEX
#                                                    # (uvu's pattern, as in `npx uvu build/test REGEX`)
#
# A version is installed from the npm registry as the package `node` (`npm install --prefix
# .node-versions/24 node@24.21.0` gives .node-versions/24/node_modules/.bin/node; .node-versions/ is
# ignored by git). The system `node` serves where its major version is the one asked for. Each run
# has that version's bin directory first on PATH, so that what the tests start by name (jest's and
# tsc's `#!/usr/bin/env node`, npx, `node`) runs under it too, as do the children they start with
# process.execPath.
#
# Each version's run ends with uvu's totals and a line "node vX.Y.Z: N passed, N failed"; the last
# line is the sum over all versions, "N passed, N failed". The exit code is 0 only when every version
# ran at least one test and none failed.
set -uo pipefail
cd "$(dirname "$0")/.."

# The exact version installed for each major: the ones the project is tested with.
declare -A PINNED=([20]=20.20.2 [22]=22.23.3 [24]=24.21.0 [26]=26.10.0)
DIR=.node-versions

usage() {
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# The node binary for a major version, installing it if needed; its path on stdout.
node_for() {
  local major=$1 system
  system=$(command -v node || true)
  if [ -n "$system" ] && [ "$("$system" -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
    echo "$system"
    return 0
  fi
  local bin="$DIR/$major/node_modules/.bin/node" want=${PINNED[$major]:-$major}
  if [ -x "$bin" ] && [[ "$("$bin" --version 2>/dev/null)" == v$want* ]]; then
    echo "$PWD/$bin"
    return 0
  fi
  echo "installing node@$want into $DIR/$major" >&2
  mkdir -p "$DIR/$major"
  if ! npm install --no-audit --no-fund --no-save --prefix "$DIR/$major" "node@$want" >&2; then
    echo "could not install node@$want" >&2
    return 1
  fi
  if ! [ -x "$bin" ] || ! [[ "$("$bin" --version 2>/dev/null)" == v$want* ]]; then
    echo "node@$want installed, but $bin does not run as v$want" >&2
    return 1
  fi
  echo "$PWD/$bin"
}

# Reads the totals uvu printed (Total/Passed/Skipped) from a log: "passed failed".
totals() {
  local total passed skipped
  total=$(sed -n 's/^ *Total: *\([0-9]*\).*/\1/p' "$1" | awk '{s += $1} END {print s + 0}')
  passed=$(sed -n 's/^ *Passed: *\([0-9]*\).*/\1/p' "$1" | awk '{s += $1} END {print s + 0}')
  skipped=$(sed -n 's/^ *Skipped: *\([0-9]*\).*/\1/p' "$1" | awk '{s += $1} END {print s + 0}')
  echo "$passed $((total - passed - skipped))"
}

[ $# -ge 1 ] || usage
command=$1
shift
[ $# -ge 1 ] || usage

case "$command" in
  install)
    for major in "$@"; do
      [[ "$major" =~ ^[0-9]+$ ]] || usage
      path=$(node_for "$major") || exit 1
      echo "$major $path $("$path" --version)"
    done
    ;;
  test)
    for spec in "$@"; do [[ "$spec" =~ ^[0-9]+(:.+)?$ ]] || usage; done
    # The build is the same for every version: once, with the system node.
    if ! { npm run build && npx tsc -p test/tsconfig.json; }; then
      echo "the build failed"
      echo "0 passed, 1 failed"
      exit 1
    fi
    all_passed=0 all_failed=0 rc=0 failures=
    for spec in "$@"; do
      major=${spec%%:*}
      pattern=${spec#*:}
      [ "$pattern" = "$spec" ] && pattern=
      if ! path=$(node_for "$major"); then
        echo "node $major: not installed"
        all_failed=$((all_failed + 1)) rc=1
        continue
      fi
      version=$("$path" --version)
      echo "=== node $version (${pattern:-whole suite})"
      log=$(mktemp)
      start=$SECONDS
      # uvu itself runs under this version, with its bin directory first on PATH.
      PATH="$(dirname "$path"):$PATH" "$path" node_modules/uvu/bin.js build/test ${pattern:+"$pattern"} --no-color -i helpers 2>&1 | tee "$log"
      status=${PIPESTATUS[0]}
      read -r passed failed < <(totals "$log")
      if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
      if [ $((passed + failed)) -eq 0 ]; then
        echo "node $version: uvu ran no test"
        failed=1
      fi
      [ "$failed" -eq 0 ] || rc=1
      echo "node $version: $passed passed, $failed failed ($((SECONDS - start)) s)"
      # The failed tests' names and first message lines, repeated at the end: a CI log cut to its
      # head and tail still says what failed.
      if [ "$failed" -ne 0 ]; then
        failures+=$(grep -A2 -E '^ *FAIL ' "$log" | grep -v -E '^ *(--)?$' | sed "s/^ */  [$version] /" | head -30)$'\n'
      fi
      all_passed=$((all_passed + passed)) all_failed=$((all_failed + failed))
      rm -f "$log"
    done
    [ -z "$failures" ] || printf 'failed:\n%s' "$failures"
    echo "$all_passed passed, $all_failed failed"
    exit "$rc"
    ;;
  *)
    usage
    ;;
esac
