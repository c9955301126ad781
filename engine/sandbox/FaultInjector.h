#pragma once

// Fault injection (sluice-sandbox --inject-faults RATE --fault-seed N), to prove that clients
// survive what real API servers and networks do. With probability RATE a request meets one of
// three faults, each as likely:
//   - InternalError: a 500 InternalError Status, before the request is handled (nothing written);
//   - Timeout: no answer is ever sent; the client must give up on its own. The request is
//     handled first or not at all, at random;
//   - Drop: the connection is closed without an answer, before or after handling.
// A fault after handling is the ambiguous case: a write may have happened that the client never
// learns of, so it must retry only what is safe to repeat and re-read the rest.
//
// The caller decides which requests are eligible (the sandbox: resource requests only, so that
// /version, discovery and OpenAPI stay reliable and a client can always find its way; faults
// there would test discovery caches, not sync). Unauthenticated requests never get here: the
// server's head check answers them first.
//
// Draws come from a generator seeded with `seed`: the same sequence of eligible requests meets
// the same faults (concurrent clients make the sequence itself vary from run to run). Each fault
// is logged at info level (sluice.sandbox) with the method and target, never a header (the
// token is one).
//
// Thread: the server thread; not thread-safe.

#include "HttpServer.h"

#include <random>

namespace sluice::sandbox {

enum class FaultKind { None, InternalError, Timeout, Drop };
QString faultKindName(FaultKind kind); // "none", "InternalError", "timeout", "dropped connection"

struct Fault
{
    FaultKind kind = FaultKind::None;
    bool afterHandling = false; // Timeout and Drop: the request is handled first
};

class FaultInjector
{
public:
    // `rate` in [0, 1]: the probability that one request meets a fault.
    FaultInjector(double rate, quint64 seed);

    // Serves `request` with `handler`, unless the next draw injects a fault into it.
    HttpResponse serve(const HttpRequest &request, const HttpHandler &handler);

    // The next draw: what serve() does to the next request.
    Fault draw();

    double rate() const { return m_rate; }
    quint64 seed() const { return m_seed; }

private:
    double m_rate;
    quint64 m_seed;
    std::mt19937_64 m_random;
};

} // namespace sluice::sandbox
