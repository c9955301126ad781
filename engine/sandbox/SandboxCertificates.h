#pragma once

// The sandbox's TLS identity and bearer token, kept in its data directory.
//
// First start: an EC P-256 self-signed CA, a server certificate signed by it for 127.0.0.1, ::1,
// localhost (plus any extra hosts), and a random 32-byte token (hex). Later starts reuse the
// files. Key and token files are mode 0600. Thread: any. Cost: generation takes a few ms; loading
// reads five small files.

#include "core/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace sluice::sandbox {

class SandboxCertificates
{
public:
    // Loads the identity from `dataDir`, creating whatever is missing. `extraHosts` (IP
    // addresses or DNS names) are added to the server certificate's SAN when it is generated.
    // Errors: ErrorCategory::Io for files, ErrorCategory::Kube for an OpenSSL failure.
    static Result<SandboxCertificates> loadOrCreate(const QString &dataDir,
                                                    const QStringList &extraHosts = {});

    // Generates a fresh CA and server certificate in memory (also used by tests that need an
    // unrelated CA).
    static Result<SandboxCertificates> generate(const QStringList &extraHosts = {});

    QByteArray caCertificatePem() const { return m_caCertPem; }
    QByteArray serverCertificatePem() const { return m_serverCertPem; }
    QByteArray serverKeyPem() const { return m_serverKeyPem; } // secret: never log
    QByteArray token() const { return m_token; }               // secret: never log

private:
    QByteArray m_caCertPem;
    QByteArray m_caKeyPem;
    QByteArray m_serverCertPem;
    QByteArray m_serverKeyPem;
    QByteArray m_token;
};

// 2 * `bytes` lowercase hex characters from OpenSSL's CSPRNG; empty on failure.
QByteArray randomHex(int bytes);

} // namespace sluice::sandbox
