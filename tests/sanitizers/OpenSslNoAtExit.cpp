// Sanitizer builds only (SLUICE_SANITIZE): compiled into every executable that links the engine.
//
// OpenSSL 3 frees its global state in an atexit handler (OPENSSL_cleanup), which also deletes
// the thread-local key whose destructor frees each thread's random generators. Qt's
// QNetworkAccessManager runs TLS in its own "Qt HTTP thread"; QThread::wait() returns before that
// thread has run its thread-local destructors, so a process that drops its last manager just
// before exit (sluicectl, every test that talks to the sandbox) sometimes reaches OPENSSL_cleanup
// first, and that thread's two generators are lost: LeakSanitizer reports 40 bytes from
// CRYPTO_zalloc (plus what hangs off them), in about a third of runs under load. The allocation
// stacks stop at libcrypto (no frame pointers there), so a suppression would have to cover every
// leak inside libcrypto, ours included (engine/sandbox/SandboxCertificates.cpp owns OpenSSL keys
// and certificates). Skipping OpenSSL's exit-time cleanup instead removes only the race: its
// global state stays reachable at exit (not a leak) and threads still free their generators.
#include <openssl/crypto.h>

namespace {
[[gnu::constructor]] void keepOpenSslUntilExit()
{
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
}
} // namespace
