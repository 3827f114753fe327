#!/usr/bin/env bash
# Records the public API of the published modules as the baseline that `mvn verify` compares with (japicmp).
# Run it when an API change is intended, and commit the jars with the change: the diff of the baseline is the
# review of the public API.
#   api-baseline/record.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q install -DskipTests -Djapicmp.skip=true -pl federation-core,federation-tekton,federation-testkit,federation-controller -am
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for module in federation-core federation-tekton federation-testkit federation-controller; do
  jar=$(ls "$module"/target/"$module"-*.jar | grep -v -e sources -e javadoc | head -1)
  rm -rf "$work/$module" && mkdir -p "$work/$module"
  (cd "$work/$module" && jar xf "$OLDPWD/$jar")
  # only the API: internal packages are excluded from the comparison, and need not be kept
  find "$work/$module" -type d -name internal -prune -exec rm -rf {} +
  rm -rf "$work/$module/META-INF/maven"
  (cd "$work/$module" && find . -type f | LC_ALL=C sort | sed 's|^\./||' > "$work/files" \
    && jar --create --file "$OLDPWD/api-baseline/$module.jar" --date=2026-11-25T00:00:00Z @"$work/files")
  echo "recorded api-baseline/$module.jar ($(wc -c < "api-baseline/$module.jar") bytes)"
done
