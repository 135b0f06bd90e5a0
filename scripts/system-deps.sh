#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the project needs, only those missing. Safe to re-run.
#   python-ldap builds against libldap/libsasl (no wheels); the LDAP tests start a real slapd;
#   the Active Directory tests provision a throwaway Samba AD DC (samba, samba-ad-dc, samba-ad-provision);
#   browser tests drive Debian's chromium (never a downloaded browser); assets need node + npm.
set -euo pipefail
need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in libldap2-dev libsasl2-dev slapd ldap-utils samba samba-ad-dc samba-ad-provision chromium fonts-liberation build-essential python3-dev; do
  have_pkg "$pkg" || need+=("$pkg")
done
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if ! command -v python3.11 >/dev/null 2>&1 && ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  need+=(python3)
fi
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
if ((${#need[@]})); then
  echo "==> installing system packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
