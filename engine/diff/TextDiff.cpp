#include "TextDiff.h"

#include <QHash>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace sluice {
namespace {

using Op = DiffLine::Op;

struct Run
{
    Op op;
    int count;
};

// Equal, deleted and inserted stretches in order, neighbours of one kind joined.
class Runs
{
public:
    void push(Op op, int count)
    {
        if (count <= 0)
            return;
        if (!m_runs.empty() && m_runs.back().op == op)
            m_runs.back().count += count;
        else
            m_runs.push_back({op, count});
    }

    // Between two equal stretches, every deleted line before the inserted ones.
    std::vector<Run> take()
    {
        std::vector<Run> runs;
        for (size_t i = 0; i < m_runs.size();) {
            if (m_runs[i].op == Op::Equal) {
                runs.push_back(m_runs[i++]);
                continue;
            }
            int deleted = 0, inserted = 0;
            for (; i < m_runs.size() && m_runs[i].op != Op::Equal; ++i)
                (m_runs[i].op == Op::Delete ? deleted : inserted) += m_runs[i].count;
            if (deleted)
                runs.push_back({Op::Delete, deleted});
            if (inserted)
                runs.push_back({Op::Insert, inserted});
        }
        return runs;
    }

private:
    std::vector<Run> m_runs;
};

// Myers' bisection over interned line ids, after diff-match-patch's diff_bisect: a minimal edit
// script, for a region whose common lines are all too frequent for the histogram diff.
class Myers
{
public:
    Myers(const std::vector<int> &a, const std::vector<int> &b, Runs &runs) : m_a(a), m_b(b), m_runs(runs) {}

    void diff(int a0, int a1, int b0, int b1)
    {
        int prefix = 0;
        while (a0 + prefix < a1 && b0 + prefix < b1 && m_a[a0 + prefix] == m_b[b0 + prefix])
            ++prefix;
        m_runs.push(Op::Equal, prefix);
        a0 += prefix;
        b0 += prefix;
        int suffix = 0;
        while (a1 - suffix > a0 && b1 - suffix > b0 && m_a[a1 - suffix - 1] == m_b[b1 - suffix - 1])
            ++suffix;
        a1 -= suffix;
        b1 -= suffix;
        if (a0 == a1) {
            m_runs.push(Op::Insert, b1 - b0);
        } else if (b0 == b1) {
            m_runs.push(Op::Delete, a1 - a0);
        } else {
            bisect(a0, a1, b0, b1);
        }
        m_runs.push(Op::Equal, suffix);
    }

private:
    void bisect(int a0, int a1, int b0, int b1)
    {
        const int n = a1 - a0;
        const int m = b1 - b0;
        const int maxD = (n + m + 1) / 2;
        const int offset = maxD;
        const int length = 2 * maxD + 2;
        std::vector<int> v1(size_t(length), -1);
        std::vector<int> v2(size_t(length), -1);
        v1[size_t(offset + 1)] = 0;
        v2[size_t(offset + 1)] = 0;
        const int delta = n - m;
        const bool front = (delta % 2) != 0;
        int k1start = 0, k1end = 0, k2start = 0, k2end = 0;
        for (int d = 0; d < maxD; ++d) {
            for (int k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
                const int k1o = offset + k1;
                int x1 = (k1 == -d || (k1 != d && v1[size_t(k1o - 1)] < v1[size_t(k1o + 1)])) ? v1[size_t(k1o + 1)]
                                                                                              : v1[size_t(k1o - 1)] + 1;
                int y1 = x1 - k1;
                while (x1 < n && y1 < m && m_a[size_t(a0 + x1)] == m_b[size_t(b0 + y1)])
                    ++x1, ++y1;
                v1[size_t(k1o)] = x1;
                if (x1 > n) {
                    k1end += 2;
                } else if (y1 > m) {
                    k1start += 2;
                } else if (front) {
                    const int k2o = offset + delta - k1;
                    if (k2o >= 0 && k2o < length && v2[size_t(k2o)] != -1 && x1 >= n - v2[size_t(k2o)]) {
                        split(a0, a1, b0, b1, x1, y1);
                        return;
                    }
                }
            }
            for (int k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
                const int k2o = offset + k2;
                int x2 = (k2 == -d || (k2 != d && v2[size_t(k2o - 1)] < v2[size_t(k2o + 1)])) ? v2[size_t(k2o + 1)]
                                                                                              : v2[size_t(k2o - 1)] + 1;
                int y2 = x2 - k2;
                while (x2 < n && y2 < m && m_a[size_t(a1 - x2 - 1)] == m_b[size_t(b1 - y2 - 1)])
                    ++x2, ++y2;
                v2[size_t(k2o)] = x2;
                if (x2 > n) {
                    k2end += 2;
                } else if (y2 > m) {
                    k2start += 2;
                } else if (!front) {
                    const int k1o = offset + delta - k2;
                    if (k1o >= 0 && k1o < length && v1[size_t(k1o)] != -1) {
                        const int x1 = v1[size_t(k1o)];
                        const int y1 = offset + x1 - k1o;
                        if (x1 >= n - x2) {
                            split(a0, a1, b0, b1, x1, y1);
                            return;
                        }
                    }
                }
            }
        }
        m_runs.push(Op::Delete, n);
        m_runs.push(Op::Insert, m);
    }

    void split(int a0, int a1, int b0, int b1, int x, int y)
    {
        diff(a0, a0 + x, b0, b0 + y);
        diff(a0 + x, a1, b0 + y, b1);
    }

    const std::vector<int> &m_a;
    const std::vector<int> &m_b;
    Runs &m_runs;
};

// The histogram diff of git diff --histogram (after JGit's HistogramDiff). In a region, the
// longest stretch common to both sides around the line of A that occurs least often there is
// kept, and the regions before and after it are diffed the same way. A region with no common
// line is all changed; one whose common lines all occur more than kMaxChain times in A goes to
// Myers. Not minimal, but each step is linear in its region where Myers is O(ND): a large
// changed object (a dashboard, a CRD) costs far less. Regions wait on a stack, not in a
// recursion, so no input nests deep.
class Histogram
{
public:
    Histogram(const std::vector<int> &a, const std::vector<int> &b, int ids, Runs &runs)
        : m_a(a), m_b(b), m_runs(runs), m_first(size_t(ids), -1), m_count(size_t(ids), 0), m_next(a.size(), -1)
    {
    }

    void diff()
    {
        struct Task
        {
            Region region;
            int equal; // > 0: that many equal lines, not a region
        };
        std::vector<Task> tasks{{{0, int(m_a.size()), 0, int(m_b.size())}, 0}};
        while (!tasks.empty()) {
            const Task task = tasks.back();
            tasks.pop_back();
            const Region &r = task.region;
            if (task.equal > 0) {
                m_runs.push(Op::Equal, task.equal);
                continue;
            }
            const std::optional<Region> common = longestCommon(r);
            if (!common) {
                Myers(m_a, m_b, m_runs).diff(r.a0, r.a1, r.b0, r.b1);
            } else if (common->a0 == common->a1) { // nothing in common: all changed
                m_runs.push(Op::Delete, r.a1 - r.a0);
                m_runs.push(Op::Insert, r.b1 - r.b0);
            } else {
                tasks.push_back({{common->a1, r.a1, common->b1, r.b1}, 0});
                tasks.push_back({{}, common->a1 - common->a0});
                tasks.push_back({{r.a0, common->a0, r.b0, common->b0}, 0});
            }
        }
    }

private:
    static constexpr int kMaxChain = 64;

    struct Region
    {
        int a0 = 0, a1 = 0, b0 = 0, b1 = 0; // [a0, a1) of A, [b0, b1) of B
    };

    // The common stretch to keep (empty when the sides share no line), or nothing when every
    // shared line occurs more than kMaxChain times in A's part.
    std::optional<Region> longestCommon(const Region &r)
    {
        if (r.a0 == r.a1 || r.b0 == r.b1)
            return Region{};
        // Each line of A's part: how often it occurs there, its first place, the next from each.
        for (int i = r.a1 - 1; i >= r.a0; --i) {
            const int id = m_a[size_t(i)];
            m_next[size_t(i)] = m_first[size_t(id)];
            m_first[size_t(id)] = i;
            ++m_count[size_t(id)];
        }
        Region best;
        int bestLength = 1; // as git: a single line is kept only for being rarer
        int bestCount = kMaxChain + 1;
        bool shared = false;
        for (int bi = r.b0; bi < r.b1;) {
            int bNext = bi + 1;
            const int id = m_b[size_t(bi)];
            const int count = m_count[size_t(id)];
            shared = shared || count > 0;
            if (count == 0 || count > bestCount) {
                bi = bNext;
                continue;
            }
            for (int ai = m_first[size_t(id)]; ai >= 0;) {
                int as = ai, bs = bi, ae = ai + 1, be = bi + 1, rarest = count;
                while (as > r.a0 && bs > r.b0 && m_a[size_t(as - 1)] == m_b[size_t(bs - 1)]) {
                    --as, --bs;
                    rarest = std::min(rarest, m_count[size_t(m_a[size_t(as)])]);
                }
                while (ae < r.a1 && be < r.b1 && m_a[size_t(ae)] == m_b[size_t(be)]) {
                    rarest = std::min(rarest, m_count[size_t(m_a[size_t(ae)])]);
                    ++ae, ++be;
                }
                bNext = std::max(bNext, be);
                if (bestLength < ae - as || rarest < bestCount) {
                    best = {as, ae, bs, be};
                    bestLength = ae - as;
                    bestCount = rarest;
                }
                // The next place of this line in A past the stretch just tried.
                ai = m_next[size_t(ai)];
                while (ai >= 0 && ai < ae)
                    ai = m_next[size_t(ai)];
            }
            bi = bNext;
        }
        for (int i = r.a0; i < r.a1; ++i) {
            m_first[size_t(m_a[size_t(i)])] = -1;
            m_count[size_t(m_a[size_t(i)])] = 0;
        }
        if (shared && bestCount > kMaxChain)
            return std::nullopt;
        return best;
    }

    const std::vector<int> &m_a;
    const std::vector<int> &m_b;
    Runs &m_runs;
    std::vector<int> m_first; // by line id: its first place in A's part, or -1
    std::vector<int> m_count; // by line id: how often it occurs in A's part
    std::vector<int> m_next;  // by place in A: the next place of the same line, or -1
};

// Lines as views of the text (no copies), without their '\n'.
std::vector<QByteArrayView> splitLines(const QByteArray &text)
{
    std::vector<QByteArrayView> lines;
    const QByteArrayView all(text);
    for (qsizetype start = 0; start < all.size();) {
        qsizetype end = all.indexOf('\n', start);
        if (end < 0)
            end = all.size();
        lines.push_back(all.sliced(start, end - start));
        start = end + 1;
    }
    return lines;
}

// A line of the alignment, viewing `before` or `after`.
struct LineRef
{
    Op op;
    int oldLine;
    int newLine;
    QByteArrayView text;
};

std::vector<LineRef> alignLines(const QByteArray &before, const QByteArray &after)
{
    const std::vector<QByteArrayView> a = splitLines(before);
    const std::vector<QByteArrayView> b = splitLines(after);
    QHash<QByteArrayView, int> ids;
    ids.reserve(qsizetype(a.size() + b.size()));
    auto intern = [&ids](const std::vector<QByteArrayView> &lines) {
        std::vector<int> out;
        out.reserve(lines.size());
        for (const QByteArrayView line : lines) {
            auto it = ids.constFind(line);
            if (it == ids.constEnd())
                it = ids.insert(line, int(ids.size()));
            out.push_back(*it);
        }
        return out;
    };
    const std::vector<int> ia = intern(a);
    const std::vector<int> ib = intern(b);

    std::vector<LineRef> out;
    out.reserve(qMax(a.size(), b.size()));
    Runs runs;
    Histogram(ia, ib, int(ids.size()), runs).diff();
    int i = 0, j = 0;
    for (const Run &run : runs.take()) {
        for (int c = 0; c < run.count; ++c) {
            switch (run.op) {
            case Op::Equal:
                out.push_back({Op::Equal, i + 1, j + 1, a[size_t(i)]});
                ++i, ++j;
                break;
            case Op::Delete:
                out.push_back({Op::Delete, i + 1, 0, a[size_t(i)]});
                ++i;
                break;
            case Op::Insert:
                out.push_back({Op::Insert, 0, j + 1, b[size_t(j)]});
                ++j;
                break;
            }
        }
    }
    return out;
}

} // namespace

QList<DiffLine> diffLines(const QByteArray &before, const QByteArray &after)
{
    QList<DiffLine> out;
    for (const LineRef &l : alignLines(before, after))
        out.append({l.op, l.oldLine, l.newLine, l.text.toByteArray()});
    return out;
}

QByteArray unifiedDiff(const QByteArray &before, const QByteArray &after, const QByteArray &beforeLabel,
                       const QByteArray &afterLabel, int context)
{
    if (before == after)
        return {};
    const std::vector<LineRef> lines = alignLines(before, after);
    // Written into a std::string, which appends in place (QByteArray's append is a call a piece),
    // made about its size at once.
    std::string out;
    out.reserve(size_t(before.size() + after.size() + beforeLabel.size() + afterLabel.size()) + 64);
    const auto add = [&out](QByteArrayView bytes) { out.append(bytes.data(), size_t(bytes.size())); };
    add("--- ");
    add(beforeLabel);
    add("\n+++ ");
    add(afterLabel);
    add("\n");
    const int count = int(lines.size());
    int i = 0;
    while (i < count) {
        while (i < count && lines[size_t(i)].op == Op::Equal)
            ++i;
        if (i == count)
            break;
        // A hunk: from `context` lines before this change to `context` lines after the last change
        // that is no more than 2*context equal lines away.
        const int start = qMax(0, i - context);
        int end = i;
        while (end < count) {
            int equalRun = 0;
            int k = end;
            while (k < count && lines[size_t(k)].op == Op::Equal)
                ++k, ++equalRun;
            if (k == count || equalRun > 2 * context) {
                end = qMin(count, end + qMin(equalRun, context));
                break;
            }
            end = k;
            while (end < count && lines[size_t(end)].op != Op::Equal)
                ++end;
        }
        int oldStart = 0, newStart = 0, oldCount = 0, newCount = 0;
        for (int k = start; k < end; ++k) {
            const LineRef &l = lines[size_t(k)];
            if (l.op != Op::Insert && oldStart == 0)
                oldStart = l.oldLine;
            if (l.op != Op::Delete && newStart == 0)
                newStart = l.newLine;
            oldCount += l.op != Op::Insert;
            newCount += l.op != Op::Delete;
        }
        // For an empty side, diff -u names the line before the hunk.
        if (oldCount == 0)
            oldStart = start > 0 ? lines[size_t(start - 1)].oldLine : 0;
        if (newCount == 0)
            newStart = start > 0 ? lines[size_t(start - 1)].newLine : 0;
        out += "@@ -" + std::to_string(oldStart) + ',' + std::to_string(oldCount) + " +" + std::to_string(newStart) + ',' +
               std::to_string(newCount) + " @@\n";
        for (int k = start; k < end; ++k) {
            const LineRef &l = lines[size_t(k)];
            out += l.op == Op::Equal ? ' ' : l.op == Op::Delete ? '-' : '+';
            add(l.text);
            out += '\n';
        }
        i = end;
    }
    return QByteArray(out.data(), qsizetype(out.size()));
}

} // namespace sluice
