#pragma once

// A fleet repository in the layout real Flux and Argo CD repositories use, for tests:
// clusters/production and clusters/staging (flux-system sync, infrastructure, apps with
// dependsOn and postBuild substitutions from a cluster-vars ConfigMap), a remote GitRepository
// (skipped), apps/base + overlays (staging without kustomization.yaml), infrastructure/, and
// Argo CD Applications (an app-of-apps, its children, another repository's app).

#include "common/GitFixture.h"

namespace sluice::test {

inline const QByteArray kFleetUrl = "https://github.com/acme/fleet.git";

inline QByteArray gitRepository(const QByteArray &name, const QByteArray &url)
{
    return "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: " + name +
           "\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: " + url + "\n  ref:\n    branch: main\n";
}

inline QByteArray kustomization(const QByteArray &name, const QByteArray &path, const QByteArray &extra = {},
                                const QByteArray &source = "flux-system")
{
    return "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: " + name +
           "\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: " + path + "\n  prune: true\n  sourceRef:\n"
           "    kind: GitRepository\n    name: " + source + "\n" + extra;
}

inline QByteArray appsKustomization(const QByteArray &env)
{
    return kustomization("apps", "./apps/" + env,
                         "  dependsOn:\n    - name: infrastructure\n  postBuild:\n    substitute:\n      cluster_env: " + env +
                             "\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n");
}

// Writes and commits the fleet into `git` (initialised here); false with git.lastError() on failure.
inline bool makeFleet(GitFixture &git)
{
    if (!git.init())
        return false;
    bool ok = true;
    git.git({QStringLiteral("remote"), QStringLiteral("add"), QStringLiteral("origin"), QString::fromLatin1(kFleetUrl)});
    for (const QByteArray &env : {QByteArray("production"), QByteArray("staging")}) {
        const QString dir = QStringLiteral("clusters/") + QString::fromLatin1(env);
        ok = ok && (git.write(dir + "/flux-system/gotk-sync.yaml",
                                gitRepository("flux-system", "ssh://git@github.com/acme/fleet") + "---\n" +
                                    kustomization("flux-system", "./" + dir.toUtf8())));
        ok = ok && (git.write(dir + "/infrastructure.yaml",
                                kustomization("infrastructure", "./infrastructure", "  targetNamespace: infra\n")));
        ok = ok && (git.write(dir + "/apps.yaml", appsKustomization(env)));
        ok = ok && (git.write(dir + "/cluster-vars.yaml",
                                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-vars\n  namespace: flux-system\ndata:\n"
                                "  replicas: \"" + QByteArray(env == "production" ? "3" : "1") + "\"\n  domain: " + env + ".example.com\n"));
    }
    // Flux 2.7's layout: an ArtifactGenerator copies this repository's apps/base and apps/staging
    // into an ExternalArtifact that a Kustomization builds.
    ok = ok && (git.write("clusters/staging/artifacts.yaml",
                          "apiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata:\n  name: flux-system\n"
                          "  namespace: flux-system\nspec:\n  sources:\n    - {alias: monorepo, kind: GitRepository, name: flux-system}\n"
                          "  artifacts:\n    - name: apps-staging\n      originRevision: \"@monorepo\"\n      copy:\n"
                          "        - {from: \"@monorepo/apps/base/**\", to: \"@artifact/base/\"}\n"
                          "        - {from: \"@monorepo/apps/staging/**\", to: \"@artifact/staging/\"}\n---\n" +
                              kustomization("apps-artifact", "./staging",
                                            "  postBuild:\n    substitute: {cluster_env: staging}\n    substituteFrom:\n      - kind: ConfigMap\n"
                                            "        name: cluster-vars\n")
                                  .replace("kind: GitRepository\n    name: flux-system", "kind: ExternalArtifact\n    name: apps-staging")));
    // A source in another repository: listed as skipped, with why.
    ok = ok && (git.write("clusters/staging/podinfo.yaml",
                            gitRepository("podinfo", "https://github.com/stefanprodan/podinfo") + "---\n" +
                                kustomization("podinfo", "./kustomize", {}, "podinfo")));
    // apps/base + overlays; staging has no kustomization.yaml (Flux generates one).
    ok = ok && (git.write("apps/base/web/kustomization.yaml", "resources: [deployment.yaml, config.yaml]\n"));
    ok = ok && (git.write("apps/base/web/deployment.yaml",
                            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: web\nspec:\n"
                            "  replicas: ${replicas:=1}\n  selector: {matchLabels: {app: web}}\n  template:\n"
                            "    metadata: {labels: {app: web}}\n    spec:\n      containers:\n"
                            "        - {name: web, image: \"ghcr.io/acme/web:1.4.0\"}\n"));
    ok = ok && (git.write("apps/base/web/config.yaml",
                            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: web\ndata:\n"
                            "  ENV: ${cluster_env}\n  URL: https://${domain}/\n"));
    ok = ok && (git.write("apps/production/kustomization.yaml",
                            "resources: [../base/web, ../base/podinfo]\nimages:\n  - {name: ghcr.io/acme/web, newTag: 1.5.0}\n"));
    // A HelmRelease of a chart in this repository, with valuesFrom a generated ConfigMap and
    // values using a postBuild variable.
    ok = ok && (git.write("apps/base/podinfo/kustomization.yaml",
                          "resources: [release.yaml]\nconfigMapGenerator:\n  - name: podinfo-values\n    namespace: podinfo\n"
                          "    files: [values.yaml=podinfo-values.yaml]\ngeneratorOptions: {disableNameSuffixHash: true}\n"));
    ok = ok && (git.write("apps/base/podinfo/podinfo-values.yaml", "replicaCount: 2\nmessage: from-configmap\n"));
    ok = ok && (git.write("apps/base/podinfo/release.yaml",
                          "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: podinfo\n"
                          "spec:\n  interval: 10m\n  chart:\n    spec:\n      chart: ./charts/podinfo\n      sourceRef:\n"
                          "        kind: GitRepository\n        name: flux-system\n        namespace: flux-system\n"
                          "  valuesFrom:\n    - kind: ConfigMap\n      name: podinfo-values\n"
                          "    - kind: ConfigMap\n      name: podinfo-cluster-values\n      valuesKey: overrides.yaml\n"
                          "  values:\n    message: hello ${cluster_env}\n"));
    // Values the cluster's folder adds (not part of the apps build): valuesFrom finds them too.
    ok = ok && (git.write("clusters/production/podinfo-cluster-values.yaml",
                          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo-cluster-values\n  namespace: podinfo\ndata:\n"
                          "  overrides.yaml: |\n    replicaCount: 4\n"));
    ok = ok && (git.write("charts/podinfo/Chart.yaml", "apiVersion: v2\nname: podinfo\nversion: 6.7.0\n"));
    ok = ok && (git.write("charts/podinfo/values.yaml", "replicaCount: 1\nmessage: default\n"));
    ok = ok && (git.write("charts/podinfo/templates/deployment.yaml",
                          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n"
                          "  replicas: {{ .Values.replicaCount }}\n  selector: {matchLabels: {app: podinfo}}\n  template:\n"
                          "    metadata: {labels: {app: podinfo}}\n    spec:\n      containers:\n"
                          "        - name: podinfo\n          image: ghcr.io/stefanprodan/podinfo:6.7.0\n"
                          "          env: [{name: MESSAGE, value: {{ .Values.message | quote }}}]\n"));
    ok = ok && (git.write("charts/podinfo/templates/tests/test.yaml",
                          "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-test\n"
                          "  annotations: {\"helm.sh/hook\": test}\nspec:\n  containers: [{name: t, image: busybox}]\n"));
    ok = ok && (git.write("apps/staging/web.yaml",
                            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: staging-banner\n  namespace: web\n"
                            "  annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}\ndata:\n  text: ${not_substituted}\n"));
    ok = ok && (git.write("apps/staging/base/kustomization.yaml", "resources: [../../base/web]\n"));
    ok = ok && (git.write("infrastructure/ingress.yaml",
                            "apiVersion: v1\nkind: Service\nmetadata:\n  name: ingress\nspec:\n  ports: [{port: 80}]\n"));
    // Argo CD: an app-of-apps, its children, and another repository's application.
    ok = ok && (git.write("argocd/root.yaml",
                            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: root\n  namespace: argocd\nspec:\n"
                            "  source: {repoURL: \"git@github.com:acme/fleet.git\", path: argocd/children, targetRevision: main}\n"
                            "  destination: {server: \"https://kubernetes.default.svc\", namespace: argocd}\n"));
    ok = ok && (git.write("argocd/children/guestbook.yaml",
                            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: guestbook\n  namespace: argocd\nspec:\n"
                            "  source: {repoURL: \"https://github.com/acme/fleet\", path: guestbook, targetRevision: HEAD}\n"
                            "  destination: {name: edge, namespace: guestbook}\n"
                            "  syncPolicy: {automated: {prune: true}}\n"));
    ok = ok && (git.write("argocd/children/podinfo.yaml",
                          "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: podinfo-edge\n  namespace: argocd\nspec:\n"
                          "  source:\n    repoURL: https://github.com/acme/fleet.git\n    path: charts/podinfo\n    targetRevision: main\n"
                          "    helm:\n      valueFiles: [values.yaml]\n      values: |\n        replicaCount: 5\n"
                          "      valuesObject: {message: from-argo}\n"
                          "  destination: {name: edge, namespace: podinfo}\n"));
    ok = ok && (git.write("argocd/children/web-edge.yaml",
                          "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web-edge\n  namespace: argocd\nspec:\n"
                          "  source:\n    repoURL: https://github.com/acme/fleet.git\n    path: apps/base/web\n"
                          "    kustomize:\n      namePrefix: edge-\n      images: [\"ghcr.io/acme/web:2.0.0\"]\n"
                          "      commonLabels: {team: web}\n"
                          "  destination: {name: edge, namespace: web}\n"));
    ok = ok && (git.write("argocd/children/external.yaml",
                            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: external\nspec:\n"
                            "  source: {repoURL: \"https://github.com/other/repo\", path: x}\n"
                            "  destination: {name: edge, namespace: x}\n"));
    ok = ok && (git.write("guestbook/ui.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ui\ndata: {a: b}\n"));
    ok = ok && (git.write("guestbook/nested/extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nested\n"));
    return ok && !git.commitAll(QStringLiteral("fleet")).isEmpty();
}

} // namespace sluice::test
