#include "TlsCertificates.h"

#include <dlfcn.h>

#include <mutex>

struct mbedtls_x509_crt; // opaque here: only passed through

namespace {

using ParseFn = int (*)(mbedtls_x509_crt *, const char *);

// The deferred call: which function, into which chain (libgit2 keeps that chain in its TLS
// configuration for the life of the process), from which file or folder.
struct Deferred
{
    ParseFn parse = nullptr;
    mbedtls_x509_crt *chain = nullptr;
    const char *location = nullptr; // libgit2's compiled-in path: a static string
    int result = 0;
    bool loaded = false;
};

std::mutex &mutex()
{
    static std::mutex m;
    return m;
}

Deferred &deferred()
{
    static Deferred d;
    return d;
}

// Until then (the first transfer), calls are deferred.
bool &transferStarted()
{
    static bool started = false;
    return started;
}

int interpose(const char *name, mbedtls_x509_crt *chain, const char *location)
{
    const auto real = reinterpret_cast<ParseFn>(dlsym(RTLD_NEXT, name));
    if (!real)
        return -1; // not linked to mbedTLS: nothing to load (no caller can exist then)
    std::lock_guard lock(mutex());
    if (transferStarted())
        return real(chain, location);
    deferred() = Deferred{real, chain, location, 0, false};
    return 0; // no certificate refused (mbedTLS returns the count of refused ones)
}

} // namespace

extern "C" {

// mbedTLS's own declarations, defined here so the executable's definitions take the calls.
int mbedtls_x509_crt_parse_file(mbedtls_x509_crt *chain, const char *path)
{
    return interpose("mbedtls_x509_crt_parse_file", chain, path);
}

int mbedtls_x509_crt_parse_path(mbedtls_x509_crt *chain, const char *path)
{
    return interpose("mbedtls_x509_crt_parse_path", chain, path);
}

} // extern "C"

namespace sluice::git {

void loadCertificatesForTransfer()
{
    std::lock_guard lock(mutex());
    transferStarted() = true;
    Deferred &d = deferred();
    if (d.parse && !d.loaded) {
        d.result = d.parse(d.chain, d.location);
        d.loaded = true;
    }
}

CertificateLoading certificateLoading()
{
    std::lock_guard lock(mutex());
    const Deferred &d = deferred();
    return {d.parse != nullptr, d.loaded, d.result};
}

} // namespace sluice::git
