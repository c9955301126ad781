// CustomResourceDefinitions in the sandbox over real HTTPS: a CRD is validated, accepted
// (NamesAccepted, Established), served in aggregated and legacy discovery and OpenAPI v3,
// its objects get CRUD, PATCH, server-side apply, list, watch and Table like built-ins
// (namespaced and cluster-scoped), deleting it removes its objects and its resource, and the
// registration survives a restart.

#include "SandboxTestClient.h"

#include "sandbox/Sandbox.h"

#include <QTemporaryDir>

using namespace sluice;
using namespace sluice::sandbox;
using namespace sluice::sandbox::test;

namespace {

const QString kWidgets = QStringLiteral("/apis/acme.io/v1/namespaces/default/widgets");
const QString kCrds = QStringLiteral("/apis/apiextensions.k8s.io/v1/customresourcedefinitions");

QJsonObject definition(const QString &plural, const QString &kind, const QString &scope, const QString &name = {})
{
    const QJsonObject specProperties{{"size", QJsonObject{{"type", "integer"}}}, {"color", QJsonObject{{"type", "string"}}}};
    const QJsonObject specSchema{{"type", "object"}, {"properties", specProperties}};
    const QJsonObject schema{{"type", "object"}, {"properties", QJsonObject{{"spec", specSchema}}}};
    const QJsonObject version{{"name", "v1"},
                              {"served", true},
                              {"storage", true},
                              {"schema", QJsonObject{{"openAPIV3Schema", schema}}},
                              {"additionalPrinterColumns",
                               QJsonArray{QJsonObject{{"name", "Size"}, {"type", "integer"}, {"jsonPath", ".spec.size"}}}}};
    return QJsonObject{
        {"apiVersion", "apiextensions.k8s.io/v1"},
        {"kind", "CustomResourceDefinition"},
        {"metadata", QJsonObject{{"name", name.isEmpty() ? plural + QStringLiteral(".acme.io") : name}}},
        {"spec", QJsonObject{{"group", "acme.io"},
                             {"scope", scope},
                             {"names", QJsonObject{{"plural", plural}, {"singular", plural.chopped(1)}, {"kind", kind},
                                                   {"shortNames", QJsonArray{plural.left(2)}}, {"categories", QJsonArray{"all"}}}},
                             {"versions", QJsonArray{version}}}}};
}

QJsonObject widget(const QString &name, int size, const QString &kind = QStringLiteral("Widget"))
{
    return QJsonObject{{"apiVersion", "acme.io/v1"},
                       {"kind", kind},
                       {"metadata", QJsonObject{{"name", name}}},
                       {"spec", QJsonObject{{"size", size}, {"color", "red"}}}};
}

qint64 generationOf(const QJsonObject &object)
{
    return object.value("metadata").toObject().value("generation").toInteger();
}

// The aggregated discovery entry of `resource` in group acme.io, or an empty object.
QJsonObject aggregatedEntry(const QJsonObject &groups, const QString &resource)
{
    for (const QJsonValue &group : groups.value("items").toArray()) {
        if (group.toObject().value("metadata").toObject().value("name").toString() != QLatin1String("acme.io"))
            continue;
        for (const QJsonValue &version : group.toObject().value("versions").toArray()) {
            for (const QJsonValue &r : version.toObject().value("resources").toArray()) {
                if (r.toObject().value("resource").toString() == resource)
                    return r.toObject();
            }
        }
    }
    return {};
}

} // namespace

class TestSandboxCrd : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Sandbox> m_sandbox;
    SandboxClient m_client;

    void startSandbox()
    {
        m_client.nam().clearConnectionCache();
        m_sandbox.reset();
        SandboxOptions options;
        options.dataDir = m_dir.filePath(QStringLiteral("data"));
        m_sandbox = std::make_unique<Sandbox>(options);
        const Status started = m_sandbox->start();
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
        m_client.setSandbox(m_sandbox.get());
    }

    bool established(const QString &name)
    {
        const Reply r = m_client.request("GET", kCrds + QLatin1Char('/') + name);
        return conditionOf(r.json, QStringLiteral("Established")).value("status").toString() == QLatin1String("True");
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        startSandbox();
    }

    void notServedBeforeDefinition()
    {
        QCOMPARE(m_client.request("GET", kWidgets).status, 404);
        QCOMPARE(m_client.request("POST", kWidgets, widget("w0", 1)).status, 404);
        QCOMPARE(m_client.request("GET", QStringLiteral("/apis/acme.io/v1")).status, 404);
    }

    void invalidDefinitionRejected()
    {
        const Reply r = m_client.request("POST", kCrds, definition("widgets", "Widget", "Namespaced", "gizmos.acme.io"));
        QCOMPARE(r.status, 422);
        QCOMPARE(r.json.value("reason").toString(), QStringLiteral("Invalid"));
        QVERIFY(r.json.value("message").toString().contains(QStringLiteral("spec.names.plural")));
        QCOMPARE(m_client.request("GET", kCrds + QStringLiteral("/gizmos.acme.io")).status, 404);
    }

    void createEstablishes()
    {
        const Reply created = m_client.request("POST", kCrds, definition("widgets", "Widget", "Namespaced"));
        QCOMPARE(created.status, 201);
        QTRY_VERIFY_WITH_TIMEOUT(established(QStringLiteral("widgets.acme.io")), 10000);
        const Reply r = m_client.request("GET", kCrds + QStringLiteral("/widgets.acme.io"));
        QCOMPARE(conditionOf(r.json, "NamesAccepted").value("status").toString(), QStringLiteral("True"));
        const QJsonObject accepted = r.json.value("status").toObject().value("acceptedNames").toObject();
        QCOMPARE(accepted.value("kind").toString(), QStringLiteral("Widget"));
        QCOMPARE(accepted.value("listKind").toString(), QStringLiteral("WidgetList"));
        // The status write is the apiserver's, on the status subresource; spec is untouched.
        bool statusEntry = false;
        for (const QJsonValue &entry : r.json.value("metadata").toObject().value("managedFields").toArray())
            statusEntry |= entry.toObject().value("subresource").toString() == QLatin1String("status");
        QVERIFY(statusEntry);
        QCOMPARE(generationOf(r.json), 1);
    }

    void discoveryListsTheResource()
    {
        Reply r = m_client.request("GET", QStringLiteral("/apis/acme.io/v1"));
        QCOMPARE(r.status, 200);
        QJsonObject entry;
        for (const QJsonValue &v : r.json.value("resources").toArray()) {
            if (v.toObject().value("name").toString() == QLatin1String("widgets"))
                entry = v.toObject();
        }
        QCOMPARE(entry.value("namespaced").toBool(), true);
        QCOMPARE(entry.value("kind").toString(), QStringLiteral("Widget"));
        QCOMPARE(entry.value("shortNames").toArray(), QJsonArray{"wi"});

        r = m_client.request("GET", QStringLiteral("/apis"));
        QStringList groups;
        for (const QJsonValue &g : r.json.value("groups").toArray())
            groups << g.toObject().value("name").toString();
        QVERIFY(groups.contains(QStringLiteral("acme.io")));
        QCOMPARE(m_client.request("GET", QStringLiteral("/apis/acme.io")).status, 200);

        r = m_client.request("GET", QStringLiteral("/apis"), {}, "application/json", kAggregatedAccept);
        const QJsonObject aggregated = aggregatedEntry(r.json, QStringLiteral("widgets"));
        QCOMPARE(aggregated.value("scope").toString(), QStringLiteral("Namespaced"));
        QCOMPARE(aggregated.value("singularResource").toString(), QStringLiteral("widget"));
        QCOMPARE(aggregated.value("categories").toArray(), QJsonArray{"all"});
    }

    void openApiServesTheGroupVersion()
    {
        const Reply index = m_client.request("GET", QStringLiteral("/openapi/v3"));
        const QString url = index.json.value("paths").toObject().value("apis/acme.io/v1").toObject().value("serverRelativeURL").toString();
        QVERIFY(url.startsWith(QStringLiteral("/openapi/v3/apis/acme.io/v1?hash=")));
        const Reply document = m_client.request("GET", url);
        QCOMPARE(document.status, 200);
        const QJsonObject item = document.json.value("paths").toObject().value("/apis/acme.io/v1/namespaces/{namespace}/widgets/{name}").toObject();
        const QJsonObject gvk = item.value("patch").toObject().value("x-kubernetes-group-version-kind").toObject();
        QCOMPARE(gvk.value("kind").toString(), QStringLiteral("Widget"));
        QCOMPARE(gvk.value("group").toString(), QStringLiteral("acme.io"));
        const QJsonObject schema = document.json.value("components").toObject().value("schemas").toObject().value("io.acme.v1.Widget").toObject();
        QCOMPARE(schema.value("properties").toObject().value("spec").toObject().value("type").toString(), QStringLiteral("object"));
    }

    void crudApplyListAndTable()
    {
        Reply r = m_client.request("POST", kWidgets, widget("w1", 1));
        QCOMPARE(r.status, 201);
        QCOMPARE(generationOf(r.json), 1);
        QVERIFY(!r.json.value("metadata").toObject().value("uid").toString().isEmpty());
        QCOMPARE(m_client.request("POST", kWidgets, widget("w1", 1)).status, 409);

        r = m_client.request("GET", kWidgets + QStringLiteral("/w1"));
        QCOMPARE(r.status, 200);
        QJsonObject replaced = r.json;
        replaced.insert("spec", QJsonObject{{"size", 2}, {"color", "red"}});
        r = m_client.request("PUT", kWidgets + QStringLiteral("/w1"), replaced);
        QCOMPARE(r.status, 200);
        QCOMPARE(generationOf(r.json), 2);

        r = m_client.request("PATCH", kWidgets + QStringLiteral("/w1"), QJsonObject{{"spec", QJsonObject{{"color", "blue"}}}},
                             "application/merge-patch+json");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("spec").toObject().value("color").toString(), QStringLiteral("blue"));
        QCOMPARE(r.json.value("spec").toObject().value("size").toInt(), 2);

        r = m_client.request("PATCH", kWidgets + QStringLiteral("/w2?fieldManager=tester"), widget("w2", 7), "application/apply-patch+yaml");
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value("metadata").toObject().value("managedFields").toArray().first().toObject().value("manager").toString(),
                 QStringLiteral("tester"));
        r = m_client.request("PATCH", kWidgets + QStringLiteral("/w2?fieldManager=tester"), widget("w2", 8), "application/apply-patch+yaml");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("spec").toObject().value("size").toInt(), 8);

        r = m_client.request("GET", kWidgets);
        QCOMPARE(r.json.value("kind").toString(), QStringLiteral("WidgetList"));
        QCOMPARE(itemNames(r.json), (QStringList{"w1", "w2"}));
        r = m_client.request("GET", QStringLiteral("/apis/acme.io/v1/widgets"));
        QCOMPARE(itemNames(r.json), (QStringList{"w1", "w2"}));

        r = m_client.request("GET", kWidgets, {}, "application/json", kTableAccept);
        QCOMPARE(r.json.value("kind").toString(), QStringLiteral("Table"));
        QStringList columns;
        for (const QJsonValue &c : r.json.value("columnDefinitions").toArray())
            columns << c.toObject().value("name").toString();
        QCOMPARE(columns, (QStringList{"Name", "Size", "Age"}));
        const QJsonArray cells = r.json.value("rows").toArray().last().toObject().value("cells").toArray();
        QCOMPARE(cells.at(0).toString(), QStringLiteral("w2"));
        QCOMPARE(cells.at(1).toInt(), 8);

        QCOMPARE(m_client.request("DELETE", kWidgets + QStringLiteral("/w1")).status, 200);
        QCOMPARE(m_client.request("GET", kWidgets + QStringLiteral("/w1")).status, 404);
    }

    void watchSeesCustomObjects()
    {
        const Reply list = m_client.request("GET", kWidgets);
        const QString rv = list.json.value("metadata").toObject().value("resourceVersion").toString();
        WatchReader watch(m_client, kWidgets + QStringLiteral("?watch=true&resourceVersion=") + rv);
        QCOMPARE(m_client.request("POST", kWidgets, widget("w3", 3)).status, 201);
        QCOMPARE(m_client.request("PATCH", kWidgets + QStringLiteral("/w3"), QJsonObject{{"spec", QJsonObject{{"size", 4}}}},
                                  "application/merge-patch+json").status, 200);
        QCOMPARE(m_client.request("DELETE", kWidgets + QStringLiteral("/w3")).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(watch.summary(), (QStringList{"ADDED w3", "MODIFIED w3", "DELETED w3"}), 10000);
    }

    void clusterScopedDefinition()
    {
        QCOMPARE(m_client.request("POST", kCrds, definition("gadgets", "Gadget", "Cluster")).status, 201);
        QTRY_VERIFY_WITH_TIMEOUT(established(QStringLiteral("gadgets.acme.io")), 10000);
        const Reply r = m_client.request("GET", QStringLiteral("/apis"), {}, "application/json", kAggregatedAccept);
        QCOMPARE(aggregatedEntry(r.json, QStringLiteral("gadgets")).value("scope").toString(), QStringLiteral("Cluster"));

        const QString gadgets = QStringLiteral("/apis/acme.io/v1/gadgets");
        QCOMPARE(m_client.request("POST", gadgets, widget("g1", 1, "Gadget")).status, 201);
        QCOMPARE(m_client.request("GET", gadgets + QStringLiteral("/g1")).status, 200);
        QCOMPARE(m_client.request("GET", QStringLiteral("/apis/acme.io/v1/namespaces/default/gadgets/g1")).status, 404);
        QCOMPARE(m_client.request("PATCH", gadgets + QStringLiteral("/g2?fieldManager=tester"), widget("g2", 2, "Gadget"),
                                  "application/apply-patch+yaml").status, 201);
        QCOMPARE(itemNames(m_client.request("GET", gadgets).json), (QStringList{"g1", "g2"}));
    }

    void restartKeepsDefinitionsAndObjects()
    {
        startSandbox();
        QCOMPARE(m_client.request("GET", kWidgets + QStringLiteral("/w2")).status, 200);
        QCOMPARE(m_client.request("GET", QStringLiteral("/apis/acme.io/v1/gadgets/g1")).status, 200);
        const Reply r = m_client.request("GET", QStringLiteral("/apis"), {}, "application/json", kAggregatedAccept);
        QCOMPARE(aggregatedEntry(r.json, QStringLiteral("widgets")).value("scope").toString(), QStringLiteral("Namespaced"));
        QVERIFY(established(QStringLiteral("widgets.acme.io")));
    }

    void deletionRemovesObjectsAndResource()
    {
        WatchReader watch(m_client, kWidgets + QStringLiteral("?watch=true"));
        QTRY_COMPARE_WITH_TIMEOUT(watch.summary(), (QStringList{"ADDED w2"}), 10000);
        QCOMPARE(m_client.request("DELETE", kCrds + QStringLiteral("/widgets.acme.io")).status, 200);
        QCOMPARE(m_client.request("GET", kWidgets + QStringLiteral("/w2")).status, 404);
        QCOMPARE(m_client.request("GET", QStringLiteral("/apis/acme.io/v1/widgets")).status, 404);
        QTRY_COMPARE_WITH_TIMEOUT(watch.summary(), (QStringList{"ADDED w2", "DELETED w2"}), 10000);
        const Reply r = m_client.request("GET", QStringLiteral("/apis"), {}, "application/json", kAggregatedAccept);
        QVERIFY(aggregatedEntry(r.json, QStringLiteral("widgets")).isEmpty());
        QVERIFY(!aggregatedEntry(r.json, QStringLiteral("gadgets")).isEmpty());

        // Defined again, it starts empty.
        QCOMPARE(m_client.request("POST", kCrds, definition("widgets", "Widget", "Namespaced")).status, 201);
        QTRY_VERIFY_WITH_TIMEOUT(established(QStringLiteral("widgets.acme.io")), 10000);
        QCOMPARE(itemNames(m_client.request("GET", kWidgets).json), QStringList());
    }

    void cleanupTestCase()
    {
        m_client.nam().clearConnectionCache();
        m_sandbox.reset();
    }
};

QTEST_GUILESS_MAIN(TestSandboxCrd)
#include "tst_sandboxcrd.moc"
