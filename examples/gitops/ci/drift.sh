#!/usr/bin/env bash
# A drift check: does what runs match compute.yaml at this commit? Changes nothing.
# Exit 0 in sync; 3 drift (the plan is printed); 2 the file is invalid; other codes are failures of the check.
set -uo pipefail
cd "$(dirname "$0")/.."
read -r -a compute <<< "${COMPUTE:-npx --no-install compute}"

"${compute[@]}" plan -f compute.yaml --exit-code
code=$?
case "$code" in
  0) echo "in sync: what runs matches compute.yaml" ;;
  3) echo "drift: what runs differs from compute.yaml (see the plan above); run ci/apply.sh to converge" >&2 ;;
  *) echo "drift check failed (exit $code)" >&2 ;;
esac
exit "$code"
