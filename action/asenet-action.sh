#!/usr/bin/env bash
# What the GitHub Action (action.yml) runs: find, verify and unpack the release binary, then
# run `asenet check` or `asenet diff`. A script rather than inline YAML so that .ci/run tests
# it against a local release directory, with no network (.ci/action/test).
#
#   asenet-action.sh target            the release target for RUNNER_OS / RUNNER_ARCH
#   asenet-action.sh install           download (or take from ASENET_CACHE_DIR), verify, unpack
#   asenet-action.sh check             asenet check, with the action's inputs
#   asenet-action.sh diff              asenet diff --git BASE --format markdown
#   asenet-action.sh comment FILE      post FILE as the pull request's asenet comment (gh)
#
# Inputs come in environment variables (INPUT_*), never interpolated into this script's text:
# on a pull request they are the pull request author's to choose. Exit status: asenet's own
# (0, 1, 2), or 2 when the action cannot run (a bad input, a download or checksum failure).
set -euo pipefail

die() {
    echo "::error title=asenet action::$*" >&2
    exit 2
}

# mapfile and `**`: GitHub's runners have bash 5 (Git Bash on Windows, Homebrew's on macOS).
[ "${BASH_VERSINFO[0]}" -ge 4 ] || die "needs bash 4 or later, not $BASH_VERSION"

output() { # name value: a step output, when running in a workflow
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
    fi
}

# The release archive for this runner, named as .ci/package.py names it.
target() {
    local os="${RUNNER_OS:-}" arch="${RUNNER_ARCH:-}"
    case "$os/$arch" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    # Windows on Arm runs x64 programs in its emulation.
    Windows/X64 | Windows/ARM64) echo x86_64-pc-windows-gnu ;;
    *) die "no asenet release for the runner \`$os/$arch\`: build it with \`cargo install\` (README, In CI)" ;;
    esac
}

archive_name() {
    case "$1" in
    *windows*) echo "asenet-$1.zip" ;;
    *) echo "asenet-$1.tar.gz" ;;
    esac
}

sha256() {
    if command -v sha256sum >/dev/null; then
        sha256sum -- "$1" | cut -d' ' -f1
    elif command -v shasum >/dev/null; then
        shasum -a 256 -- "$1" | cut -d' ' -f1
    else
        die "neither sha256sum nor shasum is on this runner"
    fi
}

# The version asked for: `latest`, or a release number with or without its `v`.
version() {
    local version="${INPUT_VERSION:-latest}"
    version="${version#v}"
    if [ "$version" != latest ] && ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
        die "version \`${INPUT_VERSION:-}\` is neither \`latest\` nor a release number such as 0.1.0"
    fi
    echo "$version"
}

# Where the release's files are: ASENET_DOWNLOAD_URL (a mirror, or file:///dir in tests), else
# the action's own repository's GitHub release.
release_url() {
    local version="$1"
    if [ -n "${ASENET_DOWNLOAD_URL:-}" ]; then
        echo "${ASENET_DOWNLOAD_URL%/}"
        return
    fi
    local repository="${ASENET_REPOSITORY:-}"
    [[ "$repository" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || die "cannot tell which repository to download asenet from (\`$repository\`)"
    if [ "$version" = latest ]; then
        echo "https://github.com/$repository/releases/latest/download"
    else
        echo "https://github.com/$repository/releases/download/v$version"
    fi
}

fetch() { # url file
    curl --fail --silent --show-error --location --proto '=https,file' --retry 3 --output "$2" -- "$1" ||
        die "cannot download $1"
}

# Downloads (unless ASENET_CACHE_DIR already has them) the archive and its checksum, refuses
# the archive unless its SHA-256 is the one published with it, unpacks it into
# ASENET_BIN_DIR and puts that on the job's PATH.
install() {
    local version target archive url cache bin expected actual
    version="$(version)"
    target="$(target)"
    archive="$(archive_name "$target")"
    cache="${ASENET_CACHE_DIR:-${RUNNER_TEMP:-/tmp}/asenet-download}"
    bin="${ASENET_BIN_DIR:-${RUNNER_TEMP:-/tmp}/asenet-bin}"
    mkdir -p -- "$cache" "$bin"
    if [ ! -f "$cache/$archive" ] || [ ! -f "$cache/$archive.sha256" ] || [ "$version" = latest ]; then
        url="$(release_url "$version")"
        echo "asenet $version for $target: $url/$archive"
        fetch "$url/$archive.sha256" "$cache/$archive.sha256"
        fetch "$url/$archive" "$cache/$archive"
    else
        echo "asenet $version for $target: from the cache"
    fi
    # `HASH  NAME`, as sha256sum writes it; the name must be this archive's.
    read -r expected name <"$cache/$archive.sha256" || true
    [ "${name:-}" = "$archive" ] || die "$archive.sha256 names \`${name:-}\`, not $archive"
    [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "$archive.sha256 holds no SHA-256"
    actual="$(sha256 "$cache/$archive")"
    if [ "$actual" != "$expected" ]; then
        rm -f -- "$cache/$archive" "$cache/$archive.sha256"
        die "$archive has SHA-256 $actual, but its release says $expected: refused"
    fi
    local unpacked="$bin/unpacked"
    rm -rf -- "$unpacked"
    mkdir -p -- "$unpacked"
    case "$archive" in
    *.zip)
        if command -v unzip >/dev/null; then
            unzip -q -o "$cache/$archive" -d "$unpacked"
        else
            # PowerShell reads the paths from its environment: nothing is pasted into its code.
            # shellcheck disable=SC2016
            ASENET_ZIP="$cache/$archive" ASENET_DEST="$unpacked" powershell.exe -NoProfile -NonInteractive -Command \
                'Expand-Archive -LiteralPath $env:ASENET_ZIP -DestinationPath $env:ASENET_DEST -Force'
        fi
        ;;
    *) tar -xzf "$cache/$archive" -C "$unpacked" ;;
    esac
    local dir="$unpacked/asenet-$target"
    local exe="$dir/asenet"
    [[ "$target" == *windows* ]] && exe="$dir/asenet.exe"
    [ -f "$exe" ] || die "$archive holds no asenet-$target/$(basename "$exe")"
    chmod +x "$exe" 2>/dev/null || true
    if [ -n "${GITHUB_PATH:-}" ]; then
        echo "$dir" >>"$GITHUB_PATH"
    fi
    output path "$dir"
    local line
    if line="$("$exe" --version 2>&1)"; then
        output version "${line#asenet }"
        echo "installed: $line in $dir"
    else
        echo "::warning title=asenet action::$exe does not run here: $line"
    fi
}

# Sets `matches` to the paths `pattern` matches: pathname expansion only, with IFS empty so
# that the pattern is not split into words (nothing in it is ever run).
expand() {
    local IFS=
    # shellcheck disable=SC2206
    matches=($1)
}

# The device files: INPUT_FILES, one path or glob per line (or separated by spaces when on
# one line), each glob expanded here (`**` too) without ever being run as shell code.
files() {
    local input="${INPUT_FILES:-}" pattern
    local -a patterns matches
    if [[ "$input" == *$'\n'* ]]; then
        mapfile -t patterns <<<"$input"
    else
        read -r -a patterns <<<"$input"
    fi
    shopt -s globstar nullglob
    for pattern in "${patterns[@]}"; do
        pattern="${pattern#"${pattern%%[![:space:]]*}"}"
        pattern="${pattern%"${pattern##*[![:space:]]}"}"
        [ -n "$pattern" ] || continue
        if [[ "$pattern" == *[\*\?\[]* ]]; then
            expand "$pattern"
            [ ${#matches[@]} -gt 0 ] || die "no file matches \`$pattern\`"
            printf '%s\n' "${matches[@]}"
        else
            printf '%s\n' "$pattern"
        fi
    done
}

asenet_bin() { echo "${ASENET:-asenet}"; }

check() {
    local format="${INPUT_FORMAT:-sarif}" deny="${INPUT_DENY_WARNINGS:-false}" fleet="${INPUT_FLEET:-}"
    local -a args=(check "--format=$format")
    case "$format" in human | json | sarif | github) ;; *) die "format \`$format\` is not human, json, sarif or github" ;; esac
    case "$deny" in true) args+=(--deny-warnings) ;; false | "") ;; *) die "deny-warnings \`$deny\` is not true or false" ;; esac
    local list
    local -a devices=()
    list="$(files)"
    [ -z "$list" ] || mapfile -t devices <<<"$list"
    if [ -n "$fleet" ]; then
        [ ${#devices[@]} -eq 0 ] || die "give \`files\` or \`fleet\`, not both"
        args+=("--fleet=$fleet")
    elif [ ${#devices[@]} -gt 0 ]; then
        args+=(-- "${devices[@]}")
    fi
    local status=0 report="${ASENET_SARIF:-${RUNNER_TEMP:-/tmp}/asenet.sarif}"
    if [ "$format" = sarif ]; then
        "$(asenet_bin)" "${args[@]}" >"$report" || status=$?
        output sarif "$report"
    else
        "$(asenet_bin)" "${args[@]}" || status=$?
    fi
    output exit-code "$status"
    return "$status"
}

diff() {
    local base="${INPUT_BASE:-}" fail_on="${INPUT_FAIL_ON:-}"
    if [ -z "$base" ]; then
        [ -n "${GITHUB_BASE_REF:-}" ] || die "no \`base\` given and this is not a pull request"
        base="origin/$GITHUB_BASE_REF"
    fi
    local -a args=(diff "--git=$base" --format=markdown)
    case "$fail_on" in
    "") ;;
    applies-live | reapply | disruptive | redeploy) args+=("--fail-on=$fail_on") ;;
    *) die "fail-on \`$fail_on\` is not applies-live, reapply, disruptive or redeploy" ;;
    esac
    local list
    local -a paths=()
    list="$(files)"
    [ -z "$list" ] || mapfile -t paths <<<"$list"
    [ ${#paths[@]} -eq 0 ] || args+=(-- "${paths[@]}")
    local status=0 plan="${ASENET_PLAN:-${RUNNER_TEMP:-/tmp}/asenet-plan.md}"
    "$(asenet_bin)" "${args[@]}" >"$plan" || status=$?
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        cat -- "$plan" >>"$GITHUB_STEP_SUMMARY"
    fi
    output plan "$plan"
    output exit-code "$status"
    return "$status"
}

# Marks the one comment this action keeps up to date on a pull request.
MARKER='<!-- asenet-action: plan -->'
# GitHub refuses comments over 65,536 characters.
COMMENT_MAX=60000

comment() {
    local plan="$1" number="${PR_NUMBER:-}" repository="${GITHUB_REPOSITORY:-}" body id
    [[ "$number" =~ ^[0-9]+$ ]] || die "no pull request to comment on"
    [[ "$repository" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || die "no repository to comment in"
    [ -s "$plan" ] || { echo "no plan: nothing to post"; return 0; }
    body="$(mktemp)"
    {
        echo "$MARKER"
        if [ "$(wc -c <"$plan")" -gt "$COMMENT_MAX" ]; then
            head -c "$COMMENT_MAX" -- "$plan"
            printf '\n\n*The plan is longer than a comment can be: the job summary has all of it.*\n'
        else
            cat -- "$plan"
        fi
    } >"$body"
    id="$(gh api --paginate "repos/$repository/issues/$number/comments" \
        --jq ".[] | select(.body | startswith(\"$MARKER\")) | .id" | head -n 1)"
    if [ -n "$id" ]; then
        gh api --method PATCH "repos/$repository/issues/comments/$id" -F "body=@$body" >/dev/null
        echo "updated the plan comment on #$number"
    else
        gh api --method POST "repos/$repository/issues/$number/comments" -F "body=@$body" >/dev/null
        echo "posted the plan on #$number"
    fi
    rm -f -- "$body"
}

case "${1:-}" in
target) target ;;
install) install ;;
check) check ;;
diff) diff ;;
comment) comment "${2:?the plan file}" ;;
*) die "usage: asenet-action.sh target|install|check|diff|comment FILE" ;;
esac
