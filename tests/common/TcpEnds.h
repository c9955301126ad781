#pragma once

// This process's connected TCP sockets, read off its descriptors: each end's ports and whether
// Nagle's algorithm is off on it (TCP_NODELAY), for tests that check a side sends at once.

#include <QDir>
#include <QList>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace sluice::test {

struct TcpEnd
{
    quint16 localPort = 0;
    quint16 peerPort = 0;
    bool noDelay = false;
};

inline quint16 portOf(const sockaddr_storage &address)
{
    if (address.ss_family == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in &>(address).sin_port);
    if (address.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6 &>(address).sin6_port);
    return 0;
}

inline QList<TcpEnd> connectedTcpEnds()
{
    QList<TcpEnd> ends;
    for (const QFileInfo &entry : QDir(QStringLiteral("/proc/self/fd")).entryInfoList(QDir::System | QDir::NoDotAndDotDot)) {
        const int fd = entry.fileName().toInt();
        sockaddr_storage local{}, peer{};
        socklen_t localLength = sizeof local, peerLength = sizeof peer;
        int noDelay = 0;
        socklen_t noDelayLength = sizeof noDelay;
        if (::getsockname(fd, reinterpret_cast<sockaddr *>(&local), &localLength) != 0
            || ::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &peerLength) != 0
            || ::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &noDelay, &noDelayLength) != 0 || portOf(local) == 0)
            continue;
        ends.append({portOf(local), portOf(peer), noDelay != 0});
    }
    return ends;
}

} // namespace sluice::test
