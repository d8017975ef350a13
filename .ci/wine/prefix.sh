# shellcheck shell=bash
# Sourced by .ci/wine/run and .ci/action/test: a throw-away Wine prefix in which any asenet.exe
# runs. Needs Debian's wine64 and gcc-mingw-w64-x86-64.
#
#   wine_prefix DIR     creates the prefix in DIR, starts its server, installs the shim;
#                       sets WINE (the loader) and exports WINEPREFIX, WINEARCH, WINEDEBUG
#   wine_prefix_stop    stops that prefix's server (only it) and removes DIR

WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver

wine_prefix() {
    local tool
    for tool in x86_64-w64-mingw32-gcc "$WINE" "$WINESERVER"; do
        command -v "$tool" >/dev/null || {
            echo "error: \`$tool\` is missing (apt-get install gcc-mingw-w64-x86-64 wine64)" >&2
            return 2
        }
    done
    WINE_PREFIX_DIR="$1"
    export WINEPREFIX="$1/prefix" WINEARCH=win64 WINEDEBUG=-all
    # The shim, not Wine's own bcryptprimitives.dll, which lacks ProcessPrng.
    export WINEDLLOVERRIDES="bcryptprimitives=n,b"
    mkdir -p "$WINEPREFIX"
    # One persistent server: each asenet.exe then starts in 0.2 s instead of 1.6 s.
    "$WINESERVER" -p
    if ! "$WINE" wineboot -i >"$1/wineboot.log" 2>&1; then
        cat "$1/wineboot.log" >&2
        echo "error: wineboot could not prepare the prefix" >&2
        return 2
    fi
    # Rust's std calls ProcessPrng at start-up; Wine 8 lacks it (.ci/wine/bcryptprimitives.c).
    x86_64-w64-mingw32-gcc -shared -O2 -Wall -Werror \
        -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
        "$(dirname "${BASH_SOURCE[0]}")/bcryptprimitives.c" -lbcrypt
    echo "Wine: $("$WINE" --version), prefix $WINEPREFIX"
}

wine_prefix_stop() {
    [ -n "${WINE_PREFIX_DIR:-}" ] || return 0
    WINEPREFIX="$WINE_PREFIX_DIR/prefix" "$WINESERVER" -k 2>/dev/null || true
    rm -rf "$WINE_PREFIX_DIR"
}
