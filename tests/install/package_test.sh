#!/usr/bin/env bash
# Builds the .deb from the build tree (cpack), unpacks it into a temporary root with dpkg -x and
# runs the installed programs from there: version, the five plugins found and running in the
# installed location (no build-tree path anywhere in what they report), rule data from the
# installed share dir, db init on a temporary SQLite file. Fails on lintian errors.
# Usage: package_test.sh BUILD_DIR VERSION
set -euo pipefail
build=$(cd "$1" && pwd)
version=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }

tmp=$(mktemp -d /tmp/vertebra-pkg.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
case "$tmp" in "$build"*|"$src"*) fail "temp dir $tmp is inside the build or source tree";; esac

# 1. The package, from this build tree (CPACK_PACKAGING_INSTALL_PREFIX=/usr, stripped).
(cd "$build" && cpack -G DEB --config CPackConfig.cmake -B "$tmp/out" >"$tmp/cpack.log" 2>&1) \
  || { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$tmp"/out/vertebra_*.deb)
echo "package: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
dpkg-deb --field "$deb" Version | grep -qx "$version" || fail "version is not $version"
depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
for lib in libsoci-core libsoci-postgresql libsoci-sqlite3 libpq5 libsqlite3 libical3 libsodium \
           libwxgtk3.2; do
  case "$lib" in libwx*) [ -x "$build/ui/desktop/vertebra" ] || continue;; esac
  echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib (shlibdeps)"
done
dpkg-deb --contents "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/bin/vertebra-cli /usr/share/applications/vertebra.desktop \
         /usr/share/icons/hicolor/scalable/apps/vertebra.svg \
         /usr/share/man/man1/vertebra-cli.1.gz /usr/share/man/man1/vertebra.1.gz \
         /usr/share/doc/vertebra/copyright /usr/share/doc/vertebra/changelog.gz \
         /usr/share/vertebra/billing/; do
  grep -qx -- "$f" "$tmp/files" || fail "package lacks $f"
done
if [ -x "$build/ui/desktop/vertebra" ]; then
  grep -qx /usr/bin/vertebra "$tmp/files" || fail "package lacks /usr/bin/vertebra"
fi
for m in acupuncture chiropractic injections massage surgery_referral; do
  grep -Eq "^/usr/lib/([^/]+/)?vertebra/plugins/$m/$m\.so$" "$tmp/files" || fail "package lacks plugin $m"
done
unexpected=$(grep -Ev '^/usr/(bin|lib|share)/' "$tmp/files" | grep -Ev '^/(usr/?)?$' || true)
[ -z "$unexpected" ] || fail "files outside /usr/{bin,lib,share}: $unexpected"

# 2. Unpack into a temporary root; run from there with no overrides.
root="$tmp/root"
dpkg -x "$deb" "$root"
cli="$root/usr/bin/vertebra-cli"
run() { env -u VERTEBRA_PLUGIN_PATH -u VERTEBRA_DATA_DIR -u VERTEBRA_DB -u LD_LIBRARY_PATH \
          HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/data" "$cli" "$@"; }
# No installed ELF file may search the build or source tree for libraries.
while IFS= read -r f; do
  if file -b "$f" | grep -q '^ELF' && readelf -d "$f" | grep -E "R(UN)?PATH" | grep -q "$build\|$src"; then
    fail "${f#$root}: RUNPATH names the build tree"
  fi
done < <(find "$root" -type f)
out=$(run --version) || fail "--version failed"
[ "$out" = "vertebra-cli $version" ] || fail "--version said '$out'"
echo "$out"

db="$tmp/clinic.db"
run --db "sqlite:$db" db init >/dev/null || fail "db init failed"
[ "$(run --db "sqlite:$db" --json db status | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["schema_version"] == j["binary_schema_version"] > 0)')" = True ] \
  || fail "db status after db init is not current"

run --db "sqlite:$db" --json modules >"$tmp/modules.json" || fail "modules --json failed"
run --db "sqlite:$db" --json info >"$tmp/info.json" || fail "info --json failed"
/usr/bin/python3 - "$tmp/modules.json" "$tmp/info.json" "$root" "$build" "$src" <<'PY'
import json, sys
mods, info, root, build, src = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), *sys.argv[3:]
want = {"acupuncture", "chiropractic", "injections", "massage", "surgery_referral"}
states = {m["id"]: m["state"] for m in mods}
assert set(states) == want, f"modules: {sorted(states)}"
assert all(s == "running" for s in states.values()), f"states: {states}"
def inside_root(p):
    return p.startswith(root + "/") and not p.startswith(build) and not p.startswith(src)
assert info["plugin_dirs"] and all(inside_root(d) for d in info["plugin_dirs"]), info["plugin_dirs"]
dirs = {p["id"]: p["dir"] for p in info["plugins"]}
assert set(dirs) == want, dirs
assert all(inside_root(d) for d in dirs.values()), dirs
assert inside_root(info["data_dir"]), info["data_dir"]
assert info["data_dir"].endswith("/usr/share/vertebra"), info["data_dir"]
print("plugins running from", sorted(set(d.rsplit("/", 1)[0] for d in dirs.values()))[0])
print("rule data from", info["data_dir"])
PY

# The installed ICD-10 table answers (plan data from the installed share dir).
run --db "sqlite:$db" --json info --check-data >/dev/null || fail "installed rule data unusable"

# 3. The desktop entry and lintian.
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$root/usr/share/applications/vertebra.desktop" || fail "desktop entry invalid"
fi
if command -v lintian >/dev/null; then
  lintian --suppress-tags-from-file "$src/installer/lintian-suppressed" "$deb" >"$tmp/lintian.txt" 2>&1 || true
  cat "$tmp/lintian.txt"
  if grep -q "^E:" "$tmp/lintian.txt"; then fail "lintian reports errors"; fi
else
  echo "lintian not installed: skipped"
fi
echo "OK: package installs and runs from $root"
