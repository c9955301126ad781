#include "SandboxCertificates.h"

#include "DurableFile.h"

#include <QDir>
#include <QHostAddress>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace sluice::sandbox {

namespace {

template <auto Free>
struct Deleter
{
    template <typename T>
    void operator()(T *p) const { Free(p); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

const char kCaCert[] = "ca.crt";
const char kCaKey[] = "ca.key";
const char kServerCert[] = "server.crt";
const char kServerKey[] = "server.key";
const char kToken[] = "token";

Error sslError(const QString &what)
{
    const unsigned long code = ERR_get_error();
    char buf[256] = {};
    if (code != 0)
        ERR_error_string_n(code, buf, sizeof buf);
    ERR_clear_error();
    return makeError(ErrorCategory::Kube, QStringLiteral("sandbox certificate generation failed: %1").arg(what),
                     QString::fromLatin1(buf));
}

PKeyPtr generateKey()
{
    return PKeyPtr(EVP_EC_gen("P-256"));
}

QByteArray bioBytes(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(size));
}

Result<QByteArray> keyToPem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return sslError(QStringLiteral("writing a private key"));
    return bioBytes(bio.get());
}

Result<QByteArray> certToPem(X509 *cert)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
        return sslError(QStringLiteral("writing a certificate"));
    return bioBytes(bio.get());
}

bool addExtension(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// A v3 certificate for `key` with subject CN=`commonName`, signed by `issuerKey` (self-signed
// when `issuer` is null).
Result<X509Ptr> makeCertificate(EVP_PKEY *key, const char *commonName, X509 *issuer, EVP_PKEY *issuerKey,
                                const QList<QPair<int, QByteArray>> &extensions)
{
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1)
        return sslError(QStringLiteral("allocating a certificate"));
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        return sslError(QStringLiteral("random serial"));
    serial[0] &= 0x7f; // positive
    BnPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
    if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())))
        return sslError(QStringLiteral("setting the serial"));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
    X509_NAME *name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("sluice"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(commonName), -1, -1, 0);
    X509 *issuerCert = issuer ? issuer : cert.get();
    if (X509_set_issuer_name(cert.get(), X509_get_subject_name(issuerCert)) != 1
        || X509_set_pubkey(cert.get(), key) != 1)
        return sslError(QStringLiteral("setting names"));
    for (const auto &[nid, value] : extensions) {
        if (!addExtension(cert.get(), issuerCert, nid, value.constData()))
            return sslError(QStringLiteral("adding extension %1").arg(QString::fromLatin1(value)));
    }
    if (X509_sign(cert.get(), issuerKey, EVP_sha256()) == 0)
        return sslError(QStringLiteral("signing"));
    return cert;
}

QByteArray subjectAltNames(const QStringList &extraHosts)
{
    QStringList names{QStringLiteral("DNS:localhost"), QStringLiteral("IP:127.0.0.1"), QStringLiteral("IP:::1")};
    for (const QString &host : extraHosts) {
        const bool isIp = !QHostAddress(host).isNull();
        const QString entry = (isIp ? QStringLiteral("IP:") : QStringLiteral("DNS:")) + host;
        if (!names.contains(entry))
            names << entry;
    }
    return names.join(QLatin1Char(',')).toLatin1();
}

} // namespace

QByteArray randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(raw.data()), bytes) != 1)
        return {};
    return raw.toHex();
}

Result<SandboxCertificates> SandboxCertificates::generate(const QStringList &extraHosts)
{
    PKeyPtr caKey = generateKey();
    PKeyPtr serverKey = generateKey();
    if (!caKey || !serverKey)
        return sslError(QStringLiteral("EC P-256 key generation"));
    Result<X509Ptr> ca = makeCertificate(caKey.get(), "sluice-sandbox-ca", nullptr, caKey.get(),
                                         {{NID_basic_constraints, "critical,CA:TRUE"},
                                          {NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"},
                                          {NID_subject_key_identifier, "hash"}});
    if (!ca)
        return ca.error();
    Result<X509Ptr> server = makeCertificate(serverKey.get(), "sluice-sandbox", ca->get(), caKey.get(),
                                             {{NID_basic_constraints, "critical,CA:FALSE"},
                                              {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                                              {NID_ext_key_usage, "serverAuth"},
                                              {NID_subject_key_identifier, "hash"},
                                              {NID_authority_key_identifier, "keyid:always"},
                                              {NID_subject_alt_name, subjectAltNames(extraHosts)}});
    if (!server)
        return server.error();

    SandboxCertificates result;
    for (auto [pem, bytes] : {std::pair{&result.m_caCertPem, certToPem(ca->get())},
                              std::pair{&result.m_serverCertPem, certToPem(server->get())},
                              std::pair{&result.m_caKeyPem, keyToPem(caKey.get())},
                              std::pair{&result.m_serverKeyPem, keyToPem(serverKey.get())}}) {
        if (!bytes)
            return bytes.error();
        *pem = *bytes;
    }
    result.m_token = randomHex(32);
    if (result.m_token.isEmpty())
        return sslError(QStringLiteral("random token"));
    return result;
}

Result<SandboxCertificates> SandboxCertificates::loadOrCreate(const QString &dataDir, const QStringList &extraHosts)
{
    const QDir dir(dataDir);
    if (!dir.mkpath(QStringLiteral(".")))
        return makeError(ErrorCategory::Io, QStringLiteral("cannot create the sandbox data directory %1").arg(dataDir));

    SandboxCertificates loaded;
    bool complete = true;
    for (auto [name, target] : {std::pair{kCaCert, &loaded.m_caCertPem}, std::pair{kCaKey, &loaded.m_caKeyPem},
                                std::pair{kServerCert, &loaded.m_serverCertPem},
                                std::pair{kServerKey, &loaded.m_serverKeyPem}}) {
        Result<std::optional<QByteArray>> bytes = readFileIfExists(dir.filePath(QLatin1String(name)));
        if (!bytes)
            return bytes.error();
        if (!bytes->has_value() || (*bytes)->isEmpty())
            complete = false;
        else
            *target = **bytes;
    }
    Result<std::optional<QByteArray>> token = readFileIfExists(dir.filePath(QLatin1String(kToken)));
    if (!token)
        return token.error();

    if (!complete) {
        Result<SandboxCertificates> fresh = generate(extraHosts);
        if (!fresh)
            return fresh;
        // Keys first: a certificate file without its key would be reused next time.
        for (auto [name, pem, mode] : {std::tuple{kCaKey, fresh->m_caKeyPem, 0600}, std::tuple{kServerKey, fresh->m_serverKeyPem, 0600},
                                       std::tuple{kCaCert, fresh->m_caCertPem, 0644}, std::tuple{kServerCert, fresh->m_serverCertPem, 0644}}) {
            if (Status written = writeFileDurably(dir.filePath(QLatin1String(name)), pem, mode); !written)
                return written.error();
        }
        fresh->m_token = loaded.m_token;
        loaded = *fresh;
    }
    loaded.m_token = token->value_or(QByteArray()).trimmed();
    if (loaded.m_token.isEmpty()) {
        loaded.m_token = randomHex(32);
        if (loaded.m_token.isEmpty())
            return sslError(QStringLiteral("random token"));
        if (Status written = writeFileDurably(dir.filePath(QLatin1String(kToken)), loaded.m_token + '\n', 0600); !written)
            return written.error();
    }
    return loaded;
}

} // namespace sluice::sandbox
