#include "RevisionPicker.h"

#include "RefsModel.h"

#include <QLineEdit>

namespace sluice {

RevisionPicker::RevisionPicker(RefsModel *refs, const QString &accessibleName, QWidget *parent) : QComboBox(parent)
{
    setModel(refs);
    setEditable(true);
    setInsertPolicy(QComboBox::NoInsert);
    setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    setMinimumContentsLength(18);
    setAccessibleName(accessibleName);
    lineEdit()->setPlaceholderText(tr("branch, tag, pull/N, SHA"));
    // A new list of refs keeps what was chosen or typed.
    auto saved = std::make_shared<QString>();
    connect(refs, &QAbstractItemModel::modelAboutToBeReset, this, [this, saved] { *saved = spec(); });
    connect(refs, &QAbstractItemModel::modelReset, this, [this, saved] { setSpec(*saved); });
}

QString RevisionPicker::spec() const
{
    const QString text = currentText().trimmed();
    const int row = findText(text, Qt::MatchExactly);
    if (row >= 0)
        return itemData(row, RefsModel::SpecRole).toString();
    return text;
}

void RevisionPicker::setSpec(const QString &spec)
{
    const int row = findData(spec, RefsModel::SpecRole);
    if (row >= 0)
        setCurrentIndex(row);
    else
        setEditText(spec);
}

} // namespace sluice
