#pragma once
// The window's image encoder for attachments sent to an agent on another computer (chat::AgentInput):
// reads any format Qt reads (EXIF orientation applied), downscales so the longest side is at most maxSide,
// and re-encodes — PNG when the image has transparency, JPEG otherwise, with lower JPEG quality (then a
// smaller size) until it fits maxBytes.
#include "chat/AgentInput.h"

namespace caduceus::ui {

chat::AgentInput::EncodedImage encodeImageForAgent(const QString &path, int maxSide, qint64 maxBytes);

} // namespace caduceus::ui
