#pragma once

// An editable combo box of revisions: branches, tags, pull-request refs and the working tree
// from a RefsModel, or any SHA / expression typed in ("main~2").

#include <QComboBox>

namespace sluice {

class RefsModel;

class RevisionPicker : public QComboBox
{
    Q_OBJECT

public:
    RevisionPicker(RefsModel *refs, const QString &accessibleName, QWidget *parent = nullptr);

    // What to resolve: the chosen ref's spec, or the text typed in.
    QString spec() const;
    // Selects the ref with this spec, or types it in.
    void setSpec(const QString &spec);
};

} // namespace sluice
