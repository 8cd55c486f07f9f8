#!/bin/sh
# Checks this DX project with the real Salesforce CLI, offline: `sf project convert source` turns the
# source (force-app) and, in a throw-away project, the templates (templates/) into Metadata API format
# in a temporary directory, and the resulting package.xml must list every metadata type leadrelay
# ships. Run through `make salesforce-check`, which installs the pinned CLI first (package.json).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sf="$here/node_modules/.bin/sf"
[ -x "$sf" ] || { echo "check-source: $sf missing: run make salesforce-cli" >&2; exit 2; }
# No network: no telemetry, no update or version checks.
export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_SKIP_NEW_VERSION_CHECK=true \
  SF_HIDE_RELEASE_NOTES=true SF_DISABLE_AUTOUPDATE=true SFDX_DISABLE_TELEMETRY=true
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

convert() { # project-dir output-dir types...
  project=$1 out=$2
  shift 2
  if ! (cd "$project" && "$sf" project convert source --source-dir force-app --output-dir "$out" --json) \
      >"$tmp/convert.json" 2>&1; then
    echo "check-source: sf project convert source failed in $project:" >&2
    cat "$tmp/convert.json" >&2
    exit 1
  fi
  for type in "$@"; do
    grep -q "<name>$type</name>" "$out/package.xml" || {
      echo "check-source: $project: no $type in the converted package.xml" >&2
      exit 1
    }
  done
  echo "check-source: $project converts ($*)"
}

convert "$here" "$tmp/source" CustomObject CustomField PermissionSet PlatformEventChannel \
  PlatformEventChannelMember

# The templates are no package directory, so nobody deploys their placeholders by accident.
mkdir -p "$tmp/templates/force-app/main/default"
cp "$here/sfdx-project.json" "$tmp/templates/"
cp -R "$here/templates/." "$tmp/templates/force-app/main/default/"
convert "$tmp/templates" "$tmp/templates-converted" NamedCredential EventRelayConfig
