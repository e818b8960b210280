#!/usr/bin/env bash
# Renders a keel HTML report in headless Chromium (Debian's chromium, installed with apt-get when
# missing): a full-page screenshot and the DOM after its scripts ran, to look at a model card or a
# compliance report as a browser shows it, and to check in tests that its charts were drawn.
#
#   scripts/chromium.sh render PAGE.html OUT_DIR [WIDTH HEIGHT]
#     writes OUT_DIR/screenshot.png and OUT_DIR/dom.html; default size 1200x5000
#   scripts/chromium.sh path        installs if needed and prints the browser's path
set -euo pipefail

browser() {
  local b
  for b in chromium chromium-browser google-chrome; do
    if command -v "$b" > /dev/null 2>&1; then
      command -v "$b"
      return
    fi
  done
  echo "chromium.sh: installing Debian's chromium (apt-get)" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
  command -v chromium
}

case "${1:-}" in
  path)
    browser
    ;;
  render)
    page="${2:?usage: chromium.sh render PAGE.html OUT_DIR [WIDTH HEIGHT]}"
    out="${3:?usage: chromium.sh render PAGE.html OUT_DIR [WIDTH HEIGHT]}"
    width="${4:-1200}"
    height="${5:-5000}"
    [ -f "$page" ] || { echo "chromium.sh: no such page: $page" >&2; exit 2; }
    mkdir -p "$out"
    bin="$(browser)"
    url="file://$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"
    flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=10000 --user-data-dir="$out/.profile")
    "$bin" "${flags[@]}" --window-size="$width,$height" --screenshot="$out/screenshot.png" "$url" > "$out/chromium.log" 2>&1
    "$bin" "${flags[@]}" --dump-dom "$url" > "$out/dom.html" 2>> "$out/chromium.log"
    rm -rf "$out/.profile"
    [ -s "$out/screenshot.png" ] || { echo "chromium.sh: no screenshot; see $out/chromium.log" >&2; exit 1; }
    echo "$out/screenshot.png"
    ;;
  *)
    echo "usage: chromium.sh render PAGE.html OUT_DIR [WIDTH HEIGHT] | chromium.sh path" >&2
    exit 2
    ;;
esac
