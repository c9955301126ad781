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

    // Marks the field wrong (a red outline, `message` as its tooltip) until its text changes;
    // "" clears. Returns whether `message` names this field's spec ("unknown revision 'x'").
    bool markIfNamed(const QString &message);
    void setError(const QString &message);
    QString error() const { return m_error; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_error;
};

} // namespace sluice
