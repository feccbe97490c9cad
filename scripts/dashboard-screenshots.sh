#!/usr/bin/env bash
# Regenerates the dashboard screenshots README.md shows (docs/images/dashboard-*.png): runs DashboardBrowserTest, which
# drives Debian's Chromium against a server on the demo world and saves each page it checks under
# server/target/browser-screenshots/, then copies the ones the README uses. Needs /usr/bin/chromium and
# /usr/bin/chromedriver (apt-get install -y chromium chromium-driver).
#
#   scripts/dashboard-screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export MAVEN_OPTS="${MAVEN_OPTS:--Xmx1g}"
./mvnw -B -o -q -pl server -am -Dtest=DashboardBrowserTest -Dsurefire.failIfNoSpecifiedTests=false -DskipITs test

shots=server/target/browser-screenshots
# test's name -> README's name
for pair in overview:dashboard-overview live-run:dashboard-live-run confirm-real-kill:dashboard-confirm group:dashboard-group \
    schedules:dashboard-schedules; do
  from="$shots/${pair%%:*}.png"
  to="docs/images/${pair##*:}.png"
  if [[ ! -f "$from" ]]; then
    echo "missing $from: did DashboardBrowserTest change?" >&2
    exit 1
  fi
  cp "$from" "$to"
  echo "$to"
done
