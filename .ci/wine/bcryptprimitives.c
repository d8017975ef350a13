/* A stand-in for Windows' bcryptprimitives.dll, for running asenet.exe under Wine in CI.
 *
 * Rust's standard library (1.78 and later) fills its random seeds at start-up with
 * ProcessPrng from bcryptprimitives.dll. Wine 8, Debian 12's, has no ProcessPrng, so every
 * Rust program stops before main ("bcryptprimitives.dll not found"). This DLL, placed beside
 * asenet.exe (Windows looks there first), forwards to BCryptGenRandom, which Wine has.
 * Windows itself never sees this file: it is built and used only by .ci/wine/run.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -lbcrypt
 */
#include <windows.h>
#include <bcrypt.h>

/* The documented contract: always TRUE on real Windows; FALSE here only if Wine's
 * generator fails, which makes std abort rather than run with a weak seed. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x80000000u ? 0x80000000u : (ULONG)length;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
