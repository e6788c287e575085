/*
 * Test-only stand-in for bcryptprimitives.dll, used ONLY inside the throw-away Wine prefix of
 * scripts/windows-ci.sh. Debian 12's Wine 8.0 lacks bcryptprimitives.dll!ProcessPrng, which
 * Rust's standard library imports since 1.78 (Wine added it in 8.13): without it every Rust exe
 * exits with "bcryptprimitives.dll not found". Real Windows (10 and later) has the DLL; the
 * shipped exe is unchanged. ProcessPrng fills the buffer from advapi32's RtlGenRandom
 * (SystemFunction036), which Wine implements.
 */
#include <windows.h>

typedef BOOLEAN(WINAPI *rtl_gen_random_fn)(PVOID, ULONG);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    static rtl_gen_random_fn gen = NULL;
    if (!gen) {
        HMODULE adv = LoadLibraryA("advapi32.dll");
        if (!adv) return FALSE;
        gen = (rtl_gen_random_fn)GetProcAddress(adv, "SystemFunction036");
        if (!gen) return FALSE;
    }
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!gen(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved) {
    (void)inst; (void)reason; (void)reserved;
    return TRUE;
}
