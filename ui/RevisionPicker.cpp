#include "RevisionPicker.h"

#include "RefsModel.h"

#include <QLineEdit>
#include <QPainter>

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
    connect(this, &QComboBox::currentTextChanged, this, [this] { setError({}); });
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

bool RevisionPicker::markIfNamed(const QString &message)
{
    const QString text = currentText().trimmed();
    const bool named = !text.isEmpty() && message.contains(QLatin1Char('\'') + text + QLatin1Char('\''));
    if (named)
        setError(message);
    return named;
}

void RevisionPicker::setError(const QString &message)
{
    if (message == m_error)
        return;
    m_error = message;
    setToolTip(message);
    update();
}

void RevisionPicker::paintEvent(QPaintEvent *event)
{
    QComboBox::paintEvent(event);
    if (m_error.isEmpty())
        return;
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(QColor(0xd9, 0x53, 0x4f), 2));
    painter.drawRoundedRect(QRectF(rect()).adjusted(1, 1, -1, -1), 2, 2);
}

} // namespace sluice
