#!/usr/bin/env bash
# Installs FerretDB (the embedded MongoDB-compatible server used by `npm start`
# and the tests when MONGODB_URI is not set) once per machine, into a cache dir.
#
# stdout: the path of the ferretdb binary, and nothing else.
# stderr: progress and errors.
#
# Environment:
#   FERRETDB_BIN      use this binary instead (must be executable)
#   TENANT_CRM_CACHE  cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/tenant-crm)
set -euo pipefail

readonly VERSION=v1.24.2
readonly MODULE=github.com/FerretDB/FerretDB

log() { printf 'install-ferretdb: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

if [[ -n "${FERRETDB_BIN:-}" ]]; then
  [[ -x "$FERRETDB_BIN" ]] || die "FERRETDB_BIN=$FERRETDB_BIN is not an executable file"
  printf '%s\n' "$FERRETDB_BIN"
  exit 0
fi

cache_root="${TENANT_CRM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tenant-crm}"
install_dir="$cache_root/ferretdb-$VERSION"
bin="$install_dir/ferretdb"

installed() { [[ -x "$bin" ]] && "$bin" --version >/dev/null 2>&1; }

if installed; then
  printf '%s\n' "$bin"
  exit 0
fi

mkdir -p "$install_dir"

# Serialise concurrent installers (parallel jest workers, two terminals) so
# only one of them builds; the others wait and then take the fast path.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$install_dir/.lock"
  if ! flock -n 9; then
    log "another install is running; waiting for it"
    flock 9
  fi
  if installed; then
    printf '%s\n' "$bin"
    exit 0
  fi
fi

need_go="Go >= 1.22 is needed to build the embedded FerretDB, or set MONGODB_URI to a MongoDB server"
command -v go >/dev/null 2>&1 || die "$need_go"
go_version="$(go env GOVERSION)" # e.g. go1.22.5
if [[ "$go_version" =~ ^go([0-9]+)\.([0-9]+) ]]; then
  major="${BASH_REMATCH[1]}"
  minor="${BASH_REMATCH[2]}"
  if ((major < 1 || (major == 1 && minor < 22))); then
    die "$need_go (found $go_version)"
  fi
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/tenant-crm-ferretdb.XXXXXX")"
tmp_bin="$install_dir/.ferretdb.$$.tmp"
cleanup() { rm -rf "$work" "$tmp_bin"; }
trap cleanup EXIT

started=$SECONDS
log "building FerretDB $VERSION with $go_version (first run only, takes a minute or two)"

# Run outside any Go module so the download cannot touch a go.mod/go.sum.
mkdir "$work/empty"
json="$(cd "$work/empty" && GO111MODULE=on go mod download -json "$MODULE@$VERSION")" ||
  die "go mod download $MODULE@$VERSION failed (offline?)"
src="$(printf '%s' "$json" | node -e '
  let s = "";
  process.stdin.on("data", (c) => (s += c)).on("end", () => {
    const { Dir, Error: err } = JSON.parse(s);
    if (!Dir) { console.error(err || "no Dir in go mod download output"); process.exit(1); }
    console.log(Dir);
  });
')" || die "cannot read the module directory from go mod download"

# `go install ...@version` builds a binary that panics at start: FerretDB
# embeds build/version/version.txt, which its release process generates and
# the module zip lacks. So build from a writable copy with that file added.
cp -R "$src" "$work/src"
chmod -R u+w "$work/src"
printf '%s\n' "$VERSION" >"$work/src/build/version/version.txt"

(cd "$work/src" && go build -buildvcs=false -trimpath -o "$tmp_bin" ./cmd/ferretdb) >&2 ||
  die "go build failed"

# Capture first: `--version | grep -q` under pipefail fails whenever grep exits
# on its match before the binary has written its last line (SIGPIPE).
reported="$("$tmp_bin" --version 2>/dev/null || true)"
[[ "$reported" == *"$VERSION"* ]] || die "built binary does not report $VERSION (it says: ${reported:-nothing})"

# Same directory, so this is an atomic rename: readers never see half a file.
mv -f "$tmp_bin" "$bin"
log "installed $bin in $((SECONDS - started))s"
printf '%s\n' "$bin"
