#include "FaultInjector.h"

#include "ApiStatus.h"

#include "core/Log.h"

#include <algorithm>

namespace sluice::sandbox {

QString faultKindName(FaultKind kind)
{
    switch (kind) {
    case FaultKind::None: return QStringLiteral("none");
    case FaultKind::InternalError: return QStringLiteral("InternalError");
    case FaultKind::Timeout: return QStringLiteral("timeout");
    case FaultKind::Drop: return QStringLiteral("dropped connection");
    }
    return {};
}

FaultInjector::FaultInjector(double rate, quint64 seed) : m_rate(std::clamp(rate, 0.0, 1.0)), m_seed(seed), m_random(seed) {}

Fault FaultInjector::draw()
{
    // Three draws per request whatever the outcome, so one request's fault does not shift the
    // faults of the requests after it.
    const double chance = std::uniform_real_distribution<double>(0.0, 1.0)(m_random);
    const int kind = std::uniform_int_distribution<int>(0, 2)(m_random);
    const bool afterHandling = std::bernoulli_distribution(0.5)(m_random);
    if (chance >= m_rate)
        return {};
    switch (kind) {
    case 0: return {FaultKind::InternalError, false};
    case 1: return {FaultKind::Timeout, afterHandling};
    default: return {FaultKind::Drop, afterHandling};
    }
}

HttpResponse FaultInjector::serve(const HttpRequest &request, const HttpHandler &handler)
{
    const Fault fault = draw();
    if (fault.kind == FaultKind::None)
        return handler(request);
    const char *when = fault.kind == FaultKind::InternalError ? "" : fault.afterHandling ? " after handling" : " before handling";
    qCInfo(lcSandbox).noquote().nospace() << "injected fault: " << faultKindName(fault.kind) << when << ": " << request.method << ' '
                                          << request.target;
    if (fault.kind == FaultKind::InternalError)
        return internalError(QStringLiteral("injected fault (sluice-sandbox --inject-faults): the request was not handled"));
    HttpResponse response = fault.afterHandling ? handler(request) : HttpResponse();
    response.stream.reset(); // a watch handled after all: the stream is never attached
    response.delivery = fault.kind == FaultKind::Timeout ? HttpResponse::Delivery::Withhold : HttpResponse::Delivery::Drop;
    return response;
}

} // namespace sluice::sandbox
