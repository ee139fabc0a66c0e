#!/usr/bin/env bash
# Install the Debian packages a step needs when they are missing: `chromium` for the browser
# tests, `gettext` (msgfmt) for the translations, `poppler-utils` (pdfinfo, pdftotext, pdftoppm)
# for the tests that read the PDFs back, `pango` (Pango and the DejaVu fonts) for WeasyPrint,
# which makes every PDF. Needs root, as on the development machines
# and CI; elsewhere it says what to install.
set -euo pipefail

missing=()
for need in "$@"; do
  case "$need" in
    chromium) [[ -x /usr/bin/chromium ]] || missing+=(chromium) ;;
    gettext) command -v msgfmt >/dev/null 2>&1 || missing+=(gettext) ;;
    poppler-utils) command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils) ;;
    pango)
      # ldconfig lives in /sbin, outside an ordinary user's PATH on Debian. grep reads all of
      # its input (no -q), so the lister never dies of SIGPIPE under pipefail.
      { { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } |
          grep 'libpangoft2-1.0.so.0' >/dev/null &&
        fc-list 2>/dev/null | grep 'DejaVu Sans' >/dev/null; } ||
        missing+=(libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core) ;;
    *) echo "system-packages.sh: unknown package '$need'" >&2; exit 2 ;;
  esac
done

((${#missing[@]} == 0)) && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
