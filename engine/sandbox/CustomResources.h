#pragma once

// CustomResourceDefinitions (apiextensions.k8s.io/v1): a stored CRD makes the catalog serve
// its served versions' resource, so discovery, OpenAPI and the generic CRUD/PATCH/apply/watch/
// Table machinery handle its objects like built-ins.
//
// Registration follows the store: a CRD Put (create, update, apply) registers or re-registers
// at once, inside the commit's change notification, so the next request already sees it; a
// CRD Delete unregisters at once. Writes that cannot happen inside a change listener are
// deferred to the event loop: the CRD's status (NamesAccepted, Established, acceptedNames)
// and the removal of a deleted CRD's objects. At start, registerStored() rebuilds the
// catalog from the stored CRDs (the registration survives a restart).
//
// Thread: the sandbox's server thread. The store and catalog must outlive this object.

#include "ObjectStore.h"
#include "ResourceCatalog.h"

#include <QJsonArray>
#include <QObject>
#include <QSet>

namespace sluice::sandbox {

// Store key of CustomResourceDefinition objects.
inline const QString kCustomResourceDefinitions = QStringLiteral("customresourcedefinitions.apiextensions.k8s.io");

// Status causes ({reason, message, field}) for an invalid CRD: metadata.name must be
// `<spec.names.plural>.<spec.group>`, names.kind and plural set, scope Namespaced or Cluster,
// at least one served version. Empty when valid. Pure.
QJsonArray validateCustomResourceDefinition(const QJsonObject &crd);

// The resource types `crd` serves, one per served version. Pure.
QList<ResourceType> customResourceTypes(const QJsonObject &crd);

// The status a real apiserver gives `crd` once accepted: conditions NamesAccepted and
// Established True, acceptedNames = spec.names. Keeps unchanged conditions' times. Pure.
QJsonObject acceptedDefinitionStatus(const QJsonObject &crd);

class CustomResources : public QObject
{
    Q_OBJECT

public:
    // Listens to `store` for CRD changes.
    CustomResources(ObjectStore &store, ResourceCatalog &catalog, QObject *parent = nullptr);

    // Registers every stored CRD and schedules the status of any not yet accepted. Call once
    // after the store is open.
    void registerStored();

private:
    void onChange(const ChangeEvent &event);
    void scheduleReconcile();
    // Writes pending CRD statuses and deletes objects of deleted CRDs.
    void reconcile();

    ObjectStore &m_store;
    ResourceCatalog &m_catalog;
    QSet<QString> m_pendingStatus;      // CRD names whose status may need a write
    QSet<QString> m_pendingCleanup;     // store keys of deleted CRDs' objects
    bool m_scheduled = false;
};

} // namespace sluice::sandbox
