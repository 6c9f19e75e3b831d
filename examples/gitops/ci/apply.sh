#!/usr/bin/env bash
# Applies this folder's compute.yaml from CI: check it, record the plan, apply it, then prove nothing is left
# pending. Every step's exit code is compute's own, so a failing step fails the job:
#   0 done; 1 a unit failed or timed out; 2 a config or usage error; 3 changes pending (plan --exit-code).
# Environment: COMPUTE (how to run compute; default `npx --no-install compute`), RELEASE (what is deployed),
# PLAN_OUT (where the JSON plan goes; default plan.json), TIMEOUT_MS (default 120000).
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a compute <<< "${COMPUTE:-npx --no-install compute}"
file=compute.yaml

echo "--- validate"
"${compute[@]}" validate -f "$file"

echo "--- plan"
"${compute[@]}" plan -f "$file"
"${compute[@]}" plan -f "$file" --json > "${PLAN_OUT:-plan.json}"

echo "--- apply"
"${compute[@]}" up -d -f "$file" --timeout "${TIMEOUT_MS:-120000}"

echo "--- verify: nothing pending after the apply"
"${compute[@]}" plan -f "$file" --exit-code
