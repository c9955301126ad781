// Flux post-build variable substitution: one row per rule of kustomize-controller's postBuild
// (syntax, defaults, escaping, undefined variables, strict mode, names, malformed references),
// the opt-out label/annotation, variable precedence, and the per-object round trip.
// Expected texts follow fluxcd/pkg envsubst and kustomize_varsub.go, worked out by hand.

#include "render/FluxSubstitute.h"

#include <QJsonDocument>
#include <QTest>

using namespace sluice::flux;

namespace {

struct SubstituteRow
{
    const char *name;
    QByteArray input;
    Variables variables;
    QByteArray expected; // the output; unused when `error` is set
    const char *error;   // substring of the expected error message, or nullptr
    const char *warning; // substring of one expected warning; "" when none is expected
    SubstituteOptions options = {};
};

const QByteArray kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    environment: ${cluster_env}
  name: web
  namespace: shop-${cluster_env}
spec:
  replicas: ${replicas:=2}
  template:
    spec:
      containers:
      - image: ghcr.io/acme/web:${image_tag:-latest}
        name: web
)";

const QByteArray kDeploymentProd = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    environment: prod
  name: web
  namespace: shop-prod
spec:
  replicas: 2
  template:
    spec:
      containers:
      - image: ghcr.io/acme/web:1.4.2
        name: web
)";

const QByteArray kScriptConfigMap = R"(apiVersion: v1
data:
  run.sh: |
    if [ -n "$HOSTNAME" ]; then echo "$HOSTNAME costs 5$"; fi
    echo "${cluster_env}"
kind: ConfigMap
metadata:
  name: scripts
)";

const QByteArray kScriptConfigMapProd = R"(apiVersion: v1
data:
  run.sh: |
    if [ -n "$HOSTNAME" ]; then echo "$HOSTNAME costs 5$"; fi
    echo "prod"
kind: ConfigMap
metadata:
  name: scripts
)";

const Variables kProd{{"cluster_env", "prod"}, {"image_tag", "1.4.2"}};

QList<SubstituteRow> substituteRows()
{
    const SubstituteOptions strict{true, false};
    const SubstituteOptions always{false, true};
    const Variables names{{"cluster_region", "eu-central-1"},
                          {"file", "bash.string.txt"},
                          {"path", "path/to/file"},
                          {"name", "web-web"},
                          {"team", "PLATFORM"},
                          {"city", "zürich"},
                          {"registry", "docker.io/library"}};
    return {
        // ${var} and defaults, on a real manifest
        {"deployment", kDeployment, kProd, kDeploymentProd, nullptr, ""},
        {"default not used when set",
         "replicas: ${replicas:=2}\n",
         {{"replicas", "5"}},
         "replicas: 5\n",
         nullptr,
         ""},
        {"default used when set but empty",
         "replicas: ${replicas:=2}\n",
         {{"replicas", ""}},
         "replicas: 2\n",
         nullptr,
         ""},
        {"= default also on empty (unlike bash)",
         "tier: ${tier=backend}\n",
         {{"tier", ""}},
         "tier: backend\n",
         nullptr,
         ""},
        {":- default",
         "image: web:${image_tag:-latest}\n",
         {{"other", "x"}},
         "image: web:latest\n",
         nullptr,
         ""},
        {"nested default",
         "host: ${host:=${app}.${domain}}\n",
         {{"app", "web"}, {"domain", "example.com"}},
         "host: web.example.com\n",
         nullptr,
         ""},
        {":+ acts like :- when unset",
         "suffix: web${suffix:+-canary}\n",
         {{"other", "x"}},
         "suffix: web-canary\n",
         nullptr,
         "is not bash's :+"},
        {":+ gives the value when set",
         "suffix: web${suffix:+-canary}\n",
         {{"suffix", "-blue"}},
         "suffix: web-blue\n",
         nullptr,
         "is not bash's :+"},

        // undefined variables, non-strict (default) and strict
        {"undefined without default is emptied", "region: \"${cluster_region}\"\n", kProd,
         "region: \"\"\n", nullptr, "${cluster_region} is not defined and has no default"},
        {"undefined in strict mode fails",
         "env: ${cluster_env}\nregion: ${cluster_region}\n",
         kProd,
         {},
         "line 2: ${cluster_region} is not defined",
         "",
         strict},
        {"strict mode keeps defaults", "replicas: ${replicas:=2}\n", kProd, "replicas: 2\n",
         nullptr, "", strict},
        {"strict mode accepts a variable set to empty",
         "region: '${cluster_region}'\n",
         {{"cluster_region", ""}},
         "region: ''\n",
         nullptr,
         "",
         strict},
        {"strict mode rejects an operator on an undefined variable",
         "env: ${missing^^}\n",
         kProd,
         {},
         "${missing} is not defined",
         "",
         strict},

        // escaping and bare dollars
        {"$${var} is a literal ${var}", "cmd: echo $${HOME} $${cluster_env}\n", kProd,
         "cmd: echo ${HOME} ${cluster_env}\n", nullptr, ""},
        {"$$ is one dollar", "price: $$5 and $$$\n", kProd, "price: $5 and $$\n", nullptr, ""},
        {"$var in a script is left alone", kScriptConfigMap, kProd, kScriptConfigMapProd, nullptr,
         ""},
        {"escapes, bare dollars and references mixed",
         "image: ${repo}$${tag$${repo}$repo${repo}\n",
         {{"repo", "web"}},
         "image: web${tag${repo}$repoweb\n",
         nullptr,
         ""},
        {"an escaped dollar before a reference", "a: $$${cluster_env}\n", kProd, "a: $prod\n",
         nullptr, ""},
        {"escaped default shows the substituted default", "x: $${var=${cluster_env}}\n", kProd,
         "x: ${var=prod}\n", nullptr, ""},

        // no variables: nothing is substituted, unless "always"
        {"no variables leaves everything",
         "replicas: ${replicas:=2}\ncmd: $${x}\n",
         {},
         "replicas: ${replicas:=2}\ncmd: $${x}\n",
         nullptr,
         "no postBuild variables are defined"},
        {"always substitutes without variables",
         "replicas: ${replicas:=2}\ncmd: $${x}\n",
         {},
         "replicas: 2\ncmd: ${x}\n",
         nullptr,
         "",
         always},

        // variable names
        {"a dash in a name fails",
         "env: ${cluster_env}\n",
         {{"cluster-env", "prod"}},
         {},
         "\"cluster-env\" is invalid",
         ""},
        {"a leading digit fails",
         "env: x\n",
         {{"1st_env", "prod"}},
         {},
         "^[_[:alpha:]][_[:alpha:][:digit:]]*$",
         ""},
        {"a non-ASCII letter fails",
         "env: x\n",
         {{"städte", "x"}},
         {},
         "\"städte\" is invalid",
         ""},

        // malformed references
        {"unterminated reference",
         kDeployment.left(kDeployment.indexOf("}")) + "\n",
         kProd,
         {},
         "line 5: invalid variable reference \"${cluster_env\": missing closing brace",
         ""},
        {"unterminated default",
         "env: ${cluster_env:=dev\n",
         kProd,
         {},
         "unable to parse substitution within function",
         ""},
        {"empty name", "env: ${}\n", kProd, {}, "unable to parse variable name", ""},
        {"bash's ${var-x} is not Flux's",
         "env: ${cluster_env-dev}\n",
         kProd,
         {},
         "\"${cluster_env-\": missing closing brace",
         ""},
        {"space in a name", "env: ${cluster env}\n", kProd, {}, "missing closing brace", ""},
        {"replacement without its slash", "n: ${name/web}\n", names, {}, "bad substitution", ""},
        {"length of nothing", "n: ${#}\n", names, {}, "bad substitution", ""},

        // bash string functions
        {"length in bytes", "n: ${#cluster_region} ${#city}\n", names, "n: 12 7\n", nullptr, ""},
        {"upper and lower case", "n: ${team,} ${team,,} ${cluster_region^} ${city^^}\n", names,
         "n: pLATFORM platform Eu-central-1 ZÜRICH\n", nullptr, ""},
        {"substrings", "n: ${cluster_region:3} ${cluster_region:3:7} ${cluster_region:0:-2}\n",
         names, "n: central-1 central eu-central\n", nullptr, ""},
        {"substring past the end and a bad offset",
         "n: [${cluster_region:100}] ${cluster_region: -1}\n", names, "n: [] eu-central-1\n",
         nullptr, ""},
        {"replace", "n: ${name/web/api} ${name//web/api} ${name/#web/api} ${name/%web/api}\n",
         names, "n: api-web api-api api-web web-api\n", nullptr, ""},
        {"replace with empty pattern or replacement",
         "n: ${name/#/pre-} ${name/%/-post} ${name/-/}\n", names,
         "n: pre-web-web web-web-post webweb\n", nullptr, ""},
        {"replace an escaped slash", "n: ${path//\\//-} ${registry/docker.io/ghcr.io}\n", names,
         "n: path-to-file ghcr.io/library\n", nullptr, ""},
        {"trim globs", "n: ${file#*.} ${file##*.} ${file%.*} ${file%%.*} ${file#[a-z]*.}\n", names,
         "n: string.txt txt bash.string bash string.txt\n", nullptr, ""},
        {"a glob star matches slashes", "n: ${path##*/} ${path#*/} ${path%/*}\n", names,
         "n: file to/file path/to\n", nullptr, ""},
        {"a class in a suffix glob is reversed and matches nothing", "n: ${file%[a-z]*}\n", names,
         "n: bash.string.txt\n", nullptr, ""},
    };
}

struct OptOutRow
{
    const char *name;
    const char *json;
    bool disabled;
};

const OptOutRow kOptOutRows[] = {
    {"annotation",
     R"({"kind":"Secret","metadata":{"name":"s","annotations":{"kustomize.toolkit.fluxcd.io/substitute":"disabled"}}})",
     true},
    {"label",
     R"({"kind":"ConfigMap","metadata":{"name":"c","labels":{"kustomize.toolkit.fluxcd.io/substitute":"disabled"}}})",
     true},
    {"capitalised value does not opt out",
     R"({"kind":"ConfigMap","metadata":{"name":"c","annotations":{"kustomize.toolkit.fluxcd.io/substitute":"Disabled"}}})",
     false},
    {"enabled",
     R"({"metadata":{"annotations":{"kustomize.toolkit.fluxcd.io/substitute":"enabled"}}})", false},
    {"another Flux annotation",
     R"({"metadata":{"annotations":{"kustomize.toolkit.fluxcd.io/prune":"disabled"}}})", false},
    {"pod template metadata does not count",
     R"({"kind":"Deployment","metadata":{"name":"web"},"spec":{"template":{"metadata":{"annotations":{"kustomize.toolkit.fluxcd.io/substitute":"disabled"}}}}})",
     false},
    {"no metadata", R"({"kind":"ConfigMap"})", false},
};

struct MergeRow
{
    const char *name;
    QList<SubstituteSource> substituteFrom;
    Variables substitute;
    Variables expected; // unused when `error` is set
    const char *error;
};

QList<MergeRow> mergeRows()
{
    const SubstituteSource clusterVars{"ConfigMap", "cluster-vars", false,
                                       Variables{{"env", "dev"}, {"region", "eu-central-1"}}};
    const SubstituteSource stagingVars{"ConfigMap", "staging-vars", false,
                                       Variables{{"env", "staging"}}};
    const SubstituteSource missingSecret{"Secret", "cluster-secret-vars", false, std::nullopt};
    const SubstituteSource missingOptional{"Secret", "cluster-secret-vars", true, std::nullopt};
    return {
        {"later substituteFrom wins",
         {clusterVars, stagingVars},
         {},
         {{"env", "staging"}, {"region", "eu-central-1"}},
         nullptr},
        {"order matters",
         {stagingVars, clusterVars},
         {},
         {{"env", "dev"}, {"region", "eu-central-1"}},
         nullptr},
        {"inline substitute wins",
         {clusterVars, stagingVars},
         {{"env", "prod"}},
         {{"env", "prod"}, {"region", "eu-central-1"}},
         nullptr},
        {"optional and missing counts as empty",
         {missingOptional, clusterVars},
         {},
         {{"env", "dev"}, {"region", "eu-central-1"}},
         nullptr},
        {"optional and present is used",
         {{"Secret", "tokens", true, Variables{{"token", "s3cr3t"}}}},
         {},
         {{"token", "s3cr3t"}},
         nullptr},
        {"missing and required fails",
         {clusterVars, missingSecret},
         {{"env", "prod"}},
         {},
         "Secret \"cluster-secret-vars\" not found"},
        {"line feeds are removed, carriage returns kept",
         {{"Secret", "certs", false, Variables{{"ca", "line1\nline2\n"}}}},
         {{"motd", "a\r\nb"}},
         {{"ca", "line1line2"}, {"motd", "a\rb"}},
         nullptr},
    };
}

QJsonObject parseJson(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("bad test JSON: %s", qPrintable(error.errorString()));
    return document.object();
}

} // namespace

Q_DECLARE_METATYPE(SubstituteRow)
Q_DECLARE_METATYPE(OptOutRow)
Q_DECLARE_METATYPE(MergeRow)

class TestSubstitute : public QObject
{
    Q_OBJECT

private slots:
    void substitute_data()
    {
        QTest::addColumn<SubstituteRow>("row");
        for (const SubstituteRow &row : substituteRows())
            QTest::newRow(row.name) << row;
    }
    void substitute()
    {
        QFETCH(SubstituteRow, row);
        const auto result = substituteVariables(row.input, row.variables, row.options);
        if (row.error) {
            QVERIFY2(!result.ok(), result.ok() ? result->text.constData() : "");
            QVERIFY2(result.error().message.contains(QString::fromUtf8(row.error)),
                     qPrintable(result.error().message));
            return;
        }
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
        QCOMPARE(result->text, row.expected);
        const QString warnings = result->warnings.join(QLatin1Char('\n'));
        if (*row.warning)
            QVERIFY2(warnings.contains(QString::fromUtf8(row.warning)), qPrintable(warnings));
        else
            QVERIFY2(warnings.isEmpty(), qPrintable(warnings));
    }

    // One warning per variable, however often it is referenced.
    void undefinedVariableWarnsOnce()
    {
        const auto result = substituteVariables("a: ${x}\nb: ${x}\nc: ${y}\n", {{"z", "1"}});
        QVERIFY(result.ok());
        QCOMPARE(result->text, QByteArray("a: \nb: \nc: \n"));
        QCOMPARE(result->warnings.size(), 2);
        QVERIFY2(result->warnings[0].startsWith(QLatin1String("line 1: ${x}")),
                 qPrintable(result->warnings[0]));
        QVERIFY2(result->warnings[1].startsWith(QLatin1String("line 3: ${y}")),
                 qPrintable(result->warnings[1]));
    }

    // Deep nesting is refused instead of exhausting the stack.
    void nestingIsCapped()
    {
        QByteArray deep = "x: ";
        for (int i = 0; i < 100; ++i)
            deep += "${a:=";
        deep += "end" + QByteArray(100, '}') + '\n';
        const auto refused = substituteVariables(deep, {{"b", "1"}});
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QLatin1String("nested too deeply")),
                 qPrintable(refused.error().message));

        QByteArray shallow = "x: ${a:=${a:=${a:=end}}}\n";
        const auto accepted = substituteVariables(shallow, {{"b", "1"}});
        QVERIFY(accepted.ok());
        QCOMPARE(accepted->text, QByteArray("x: end\n"));
    }

    void optOut_data()
    {
        QTest::addColumn<OptOutRow>("row");
        for (const OptOutRow &row : kOptOutRows)
            QTest::newRow(row.name) << row;
    }
    void optOut()
    {
        QFETCH(OptOutRow, row);
        const QJsonObject object = parseJson(row.json);
        QVERIFY(!object.isEmpty());
        QCOMPARE(isSubstitutionDisabled(object), row.disabled);
    }

    void merge_data()
    {
        QTest::addColumn<MergeRow>("row");
        for (const MergeRow &row : mergeRows())
            QTest::newRow(row.name) << row;
    }
    void merge()
    {
        QFETCH(MergeRow, row);
        const auto merged = mergeVariables(row.substituteFrom, row.substitute);
        if (row.error) {
            QVERIFY(!merged.ok());
            QVERIFY2(merged.error().message.contains(QString::fromUtf8(row.error)),
                     qPrintable(merged.error().message));
            QVERIFY2(merged.error().message.contains(QLatin1String("optional: true")),
                     qPrintable(merged.error().message));
            return;
        }
        QVERIFY2(merged.ok(), merged.ok() ? "" : qPrintable(merged.error().message));
        QCOMPARE(*merged, row.expected);
    }

    // Flux substitutes the object's re-serialised YAML and parses it again: quotes written around
    // "${replicas}" are gone by then, so the value becomes a number; ${quote} restores a string.
    void objectValuesAreRetyped()
    {
        const QJsonObject deployment = parseJson(R"({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "annotations": {"build": "${quote}${build}${quote}"}},
            "spec": {"replicas": "${replicas}", "paused": "${paused:=false}"}})");
        const Variables variables{{"replicas", "3"}, {"build", "123"}, {"quote", "\""}};
        const auto result = substituteObject(deployment, variables);
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
        const QJsonObject spec = result->object.value(QLatin1String("spec")).toObject();
        QCOMPARE(spec.value(QLatin1String("replicas")), QJsonValue(3));
        QCOMPARE(spec.value(QLatin1String("paused")), QJsonValue(false));
        const QJsonObject annotations = result->object.value(QLatin1String("metadata"))
                                            .toObject()
                                            .value(QLatin1String("annotations"))
                                            .toObject();
        QCOMPARE(annotations.value(QLatin1String("build")), QJsonValue(QLatin1String("123")));
        QVERIFY2(result->warnings.isEmpty(), qPrintable(result->warnings.join(u'\n')));
    }

    // An opted-out object is returned as is, even with a reference that would not parse.
    void optedOutObjectIsUntouched()
    {
        // An ordinary literal: moc 6.4 miscounts the unbalanced brace inside a raw string.
        const QJsonObject secret = parseJson(
            "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"s\", "
            "\"labels\": {\"kustomize.toolkit.fluxcd.io/substitute\": \"disabled\"}}, "
            "\"stringData\": {\"script\": \"echo ${HOME\", \"token\": \"${token}\"}}");
        const auto result = substituteObject(secret, {{"token", "abc"}});
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
        QCOMPARE(result->object, secret);

        QJsonObject optedIn = secret;
        optedIn.remove(QLatin1String("metadata"));
        optedIn.insert(QLatin1String("metadata"), parseJson(R"({"name": "s"})"));
        const auto failed = substituteObject(optedIn, {{"token", "abc"}});
        QVERIFY(!failed.ok());
        QVERIFY2(failed.error().message.contains(QLatin1String("missing closing brace")),
                 qPrintable(failed.error().message));
    }

    void objectWithoutVariablesIsUntouched()
    {
        const QJsonObject configMap = parseJson(
            R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                "data": {"replicas": "${replicas:=2}"}})");
        const auto result = substituteObject(configMap, {});
        QVERIFY(result.ok());
        QCOMPARE(result->object, configMap);
        QCOMPARE(result->warnings.size(), 1);
    }

    // A value that leaves the YAML malformed fails the object, as Flux's YAMLToJSON does.
    void brokenYamlAfterSubstitutionFails()
    {
        const QJsonObject configMap = parseJson(
            R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                "data": {"greeting": "${quote}hello"}})");
        const auto result = substituteObject(configMap, {{"quote", "\""}});
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.contains(QLatin1String("no longer valid YAML")),
                 qPrintable(result.error().message));
    }
};

QTEST_GUILESS_MAIN(TestSubstitute)
#include "tst_fluxsubstitute.moc"
