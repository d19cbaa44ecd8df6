#pragma once

namespace caduceus::ui {

// Which rows of a block list an edit touched, in the order a list model must announce them:
// rows present before and after whose content changed, then rows dropped from the end (old
// indices), then rows appended at the end (new indices). Ranges are inclusive; -1 means none.
struct BlockUpdate
{
    int firstChanged = -1;
    int lastChanged = -1;
    int firstRemoved = -1;
    int lastRemoved = -1;
    int firstInserted = -1;
    int lastInserted = -1;

    bool hasChanges() const { return firstChanged >= 0; }
    bool hasRemovals() const { return firstRemoved >= 0; }
    bool hasInsertions() const { return firstInserted >= 0; }
    bool isEmpty() const { return !hasChanges() && !hasRemovals() && !hasInsertions(); }
};

} // namespace caduceus::ui
