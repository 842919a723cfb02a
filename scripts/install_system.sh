#!/usr/bin/env bash
# Install the Debian packages the project needs, when they are missing (called by `make install`).
#
#   chromium            browser tests (Playwright drives /usr/bin/chromium; never `playwright install`)
#   fonts-wqy-microhei  TrueType CJK font embedded in PDF letters (reportlab)
#   fonts-noto-cjk      Chinese glyphs in the browser
#   postgresql          server programs for the throwaway test cluster (scripts/with_postgres.py)
#   poppler-utils       pdftotext/pdffonts: tests read generated PDFs like a reader would
#   gettext             msgfmt, to compile the translations (manage.py compilemessages)
#   wrk                 HTTP load generator of `make bench`
#   nodejs npm          only when `node` is missing (front-end packages)
#
# As root: `apt-get update` once, then `apt-get install -y`. Otherwise: print what is missing and go on.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
compgen -G "/usr/share/fonts/opentype/noto/NotoSansCJK-*.ttc" >/dev/null || missing+=(fonts-noto-cjk)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null || missing+=(postgresql)
command -v msgfmt >/dev/null || missing+=(gettext)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v wrk >/dev/null || missing+=(wrk)
command -v node >/dev/null || missing+=(nodejs npm)
if [ "$(id -u)" -eq 0 ] && ! command -v runuser >/dev/null; then missing+=(util-linux); fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "install: system packages present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    cat >&2 <<EOF
install: WARNING: missing Debian packages: ${missing[*]}
install: not running as root, so not installing them. Ask an administrator to run:
install:     apt-get update && apt-get install -y ${missing[*]}
install: continuing; the steps that need them (browser tests, PostgreSQL tests, PDF fonts) will fail.
EOF
    exit 0
fi

echo "install: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
