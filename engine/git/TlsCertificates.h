#pragma once

// Private to engine/git: the system CA certificates, parsed when a transfer first needs them.
//
// Debian's libgit2 (built with mbedTLS) parses the whole system CA bundle in git_libgit2_init:
// 54 M instructions, a third of a `sluicectl review` answered from the review cache, paid by
// every process that opens a repository although only an HTTPS fetch or push uses it. Sluice
// defines mbedTLS's two CA-loading functions itself (the dynamic linker binds libgit2's calls to
// the executable's definitions first): a call made while libgit2 initialises is remembered, and
// made for real by loadCertificatesForTransfer(), before the first transfer. Later calls go
// straight through. With a libgit2 built on another TLS library, nothing here is called.

namespace sluice::git {

// Makes the CA-loading call libgit2 deferred at initialisation, once per process (thread-safe).
// Every fetch and push calls it (RemoteCallbackContext::install) before connecting.
void loadCertificatesForTransfer();

// For tests: whether libgit2 asked for CA certificates while initialising, and whether they
// have been loaded since (result: what mbedTLS returned, negative on failure).
struct CertificateLoading
{
    bool requested = false;
    bool loaded = false;
    int result = 0;
};
CertificateLoading certificateLoading();

} // namespace sluice::git
